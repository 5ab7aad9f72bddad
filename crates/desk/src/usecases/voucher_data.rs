//! What goes on a voucher, read from the case as the window holds it: the applicant, the item
//! version the case was filed on, the materials received, the deadline, the notice or refusal
//! recorded on the timeline. Wording and masking belong to `onestop-receipt`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use onestop_domain::catalogue::Item;
use onestop_domain::lifecycle::{CaseStatus, Transition};
use onestop_domain::numbering::AcceptanceNumber;
use onestop_local::applicant_repo;
use onestop_local::settings::{self, WindowIdentity};
use onestop_local::sync_state::{self, ServerDecision};
use onestop_protocol::{CaseSnapshot, TimelineEntry};
use onestop_receipt::{
    AcceptanceNotice, Correction, CorrectionNotice, Material, MaterialReceipt, Party,
    ProxyAuthorisation, RefusalNotice, Voucher, VoucherBody, VoucherKind,
};
use rusqlite::Connection;

use super::DeskError;

/// China Standard Time: vouchers carry the local date the citizen reads on the wall clock.
pub(crate) fn cst(at: DateTime<Utc>) -> NaiveDateTime {
    onestop_domain::calendar::china_time::at(at).naive_local()
}

/// Settings an administrator may set per window; the defaults name the usual bodies.
const COMPLAINT_PHONE: (&str, &str) = ("voucher.complaint_phone", "12345");
const REVIEW_BODY: (&str, &str) = ("voucher.review_body", "本级人民政府或者上一级主管部门");
const COURT: (&str, &str) = ("voucher.court", "有管辖权的人民法院");

fn setting(conn: &Connection, (key, default): (&str, &str)) -> Result<String, DeskError> {
    Ok(settings::get(conn, key)?
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_owned()))
}

/// Everything the voucher of `kind` needs for one case.
pub struct VoucherSource<'a> {
    pub conn: &'a Connection,
    pub snapshot: &'a CaseSnapshot,
    pub timeline: &'a [TimelineEntry],
    pub item: &'a Item,
    pub identity: &'a WindowIdentity,
    pub clerk: &'a str,
    pub now: DateTime<Utc>,
    pub server_url: &'a str,
    pub reprint_count: u32,
    /// What the server holds for a case this village window forwarded: the decision of the window
    /// it reports to, and the promised date the server computed from it.
    pub forwarded: ForwardedNotice,
}

/// The server's side of a forwarded case, as the last sync stored it.
#[derive(Debug, Clone, Default)]
pub struct ForwardedNotice {
    pub decision: Option<ServerDecision>,
    /// The server's promised date (and whether it is provisional), once a decision was taken.
    pub due: Option<(NaiveDate, bool)>,
}

impl ForwardedNotice {
    pub fn load(conn: &Connection, case_id: &str) -> Result<Self, DeskError> {
        let Some(decision) = sync_state::server_decision(conn, case_id)? else {
            return Ok(ForwardedNotice::default());
        };
        Ok(ForwardedNotice {
            decision: Some(decision),
            due: server_due(conn, case_id)?,
        })
    }

    /// The decision a notice of `kind` is issued for, when it was the parent window's and not
    /// this window's own: 受理 for a 受理通知书, 不予受理 for a 不予受理通知书.
    pub fn decision_for(
        &self,
        snapshot: &CaseSnapshot,
        kind: VoucherKind,
    ) -> Option<&ServerDecision> {
        let d = self.decision.as_ref()?;
        let decided_here = match (kind, &d.transition) {
            (VoucherKind::Acceptance, Transition::Accept) => snapshot.flow.accepted_on.is_some(),
            (VoucherKind::Refusal, Transition::Reject { .. }) => {
                snapshot.flow.status == CaseStatus::Rejected
            }
            _ => return None,
        };
        (!decided_here).then_some(d)
    }

    /// The notices of the parent window's decision this window can print for the case (a
    /// 受理通知书 once the server has the promised date too).
    pub fn printable(&self, snapshot: &CaseSnapshot) -> Vec<VoucherKind> {
        [VoucherKind::Acceptance, VoucherKind::Refusal]
            .into_iter()
            .filter(|&k| {
                self.decision_for(snapshot, k).is_some()
                    && (k != VoucherKind::Acceptance || self.due.is_some())
            })
            .collect()
    }
}

/// The promised date the server holds once it has acted on the case (version > 0), and whether
/// it is provisional. Before that the window's own date is the case's.
pub fn server_due(
    conn: &Connection,
    case_id: &str,
) -> Result<Option<(NaiveDate, bool)>, DeskError> {
    Ok(sync_state::server_state(conn, case_id)?
        .as_ref()
        .and_then(due_of))
}

/// The date the server set, once it has reported on the case.
pub fn due_of(st: &sync_state::StoredServerState) -> Option<(NaiveDate, bool)> {
    (st.version > 0).then_some(())?;
    Some((st.due_on.as_deref()?.parse().ok()?, st.due_provisional))
}

pub fn build(src: &VoucherSource<'_>, kind: VoucherKind) -> Result<Voucher, DeskError> {
    let s = src.snapshot;
    let number = AcceptanceNumber::parse(&s.acceptance_number)
        .map_err(|e| DeskError::Internal(format!("stored acceptance number: {e}")))?;
    let applicant = applicant_repo::get(src.conn, &s.applicant_id)?;
    let party = Party {
        name: applicant.name.clone(),
        id_number: applicant.id_number.clone(),
        phone: applicant.phone.clone(),
        address: applicant.address.clone(),
    };
    // A case a village forwarded is accepted or refused by the window it reports to; the notice
    // names that window and its clerk (art. 32), and is printed where the agent hands it over.
    let by_parent = src.forwarded.decision_for(s, kind);
    let body = match kind {
        VoucherKind::Acceptance => {
            let accepted_on = s.flow.accepted_on.or(by_parent.map(|d| d.on)).ok_or(
                DeskError::VoucherNotApplicable {
                    kind: "受理通知书",
                    reason: "办件尚未受理",
                },
            )?;
            let promised_date = s
                .due_on
                .or(by_parent.and(src.forwarded.due.map(|(d, _)| d)))
                .ok_or(DeskError::VoucherNotApplicable {
                    kind: "受理通知书",
                    reason: "办件没有承诺办结日期",
                })?;
            VoucherBody::Acceptance(AcceptanceNotice {
                applicant: party,
                item: src.item.name.clone(),
                accepted_on,
                materials: materials(s, src.item),
                legal_limit: format!("{}个工作日", src.item.legal_limit_working_days),
                promised_limit: format!("{}个工作日", src.item.promised_limit_working_days),
                promised_date,
                special_procedure: None,
                complaint_phone: complaint_phone(src)?,
                delivery: Some(
                    if by_parent.is_some() {
                        "代办员送达"
                    } else {
                        "窗口领取"
                    }
                    .to_owned(),
                ),
            })
        }
        VoucherKind::Correction => {
            let (missing, _) = find_transition(src.timeline, |t| match t {
                Transition::RequestSupplement { missing } => Some(missing.clone()),
                _ => None,
            })
            .ok_or(DeskError::VoucherNotApplicable {
                kind: "补正材料通知书",
                reason: "办件没有一次性告知记录",
            })?;
            VoucherBody::Correction(CorrectionNotice {
                applicant: party,
                item: src.item.name.clone(),
                received_on: s.flow.received_on,
                corrections: missing
                    .into_iter()
                    .map(|line| {
                        let (material, problem) = match line.split_once('：') {
                            Some((m, p)) => (m.to_owned(), p.to_owned()),
                            None => (line.clone(), "缺少".to_owned()),
                        };
                        Correction {
                            requirement: requirement_of(src.item, &material),
                            material,
                            problem,
                        }
                    })
                    .collect(),
                legal_basis: "《中华人民共和国行政许可法》第三十二条第一款第（四）项".to_owned(),
            })
        }
        VoucherKind::Refusal => {
            let refusal = |t: &Transition| match t {
                Transition::Reject {
                    reason,
                    legal_basis,
                    competent_agency,
                } => Some((
                    reason.clone(),
                    legal_basis.clone(),
                    competent_agency.clone(),
                )),
                _ => None,
            };
            let (reason, legal_basis, competent_agency) = by_parent
                .and_then(|d| refusal(&d.transition))
                .or_else(|| find_transition(src.timeline, refusal).map(|(r, _)| r))
                .ok_or(DeskError::VoucherNotApplicable {
                    kind: "不予受理通知书",
                    reason: "办件没有不予受理记录",
                })?;
            VoucherBody::Refusal(RefusalNotice {
                applicant: party,
                item: src.item.name.clone(),
                received_on: s.flow.received_on,
                reason,
                legal_basis,
                competent_agency,
                review_body: setting(src.conn, REVIEW_BODY)?,
                court: setting(src.conn, COURT)?,
            })
        }
        VoucherKind::MaterialReceipt => {
            let received_at = src.timeline.first().map(|e| e.at).unwrap_or(src.now);
            VoucherBody::MaterialReceipt(MaterialReceipt {
                applicant: party,
                item: src.item.name.clone(),
                received_at: cst(received_at),
                materials: materials(s, src.item),
            })
        }
        VoucherKind::ProxyAuthorisation => {
            let proxy = s.proxy.as_ref().ok_or(DeskError::VoucherNotApplicable {
                kind: "代办委托书",
                reason: "办件不是代办件",
            })?;
            VoucherBody::ProxyAuthorisation(ProxyAuthorisation {
                principal: party,
                agent: Party {
                    name: proxy.name.clone(),
                    id_number: proxy.id_number.clone(),
                    phone: proxy.phone.clone(),
                    address: None,
                },
                agent_post: Some(format!("{}代办员", src.identity.window_name)),
                items: vec![src.item.name.clone()],
                powers: proxy.powers.clone(),
                valid_from: proxy.valid_from,
                valid_until: proxy.valid_until,
            })
        }
    };
    Ok(Voucher {
        number,
        // The implementing department is the agency whose seal the voucher bears (art. 32).
        agency: src.item.department.clone(),
        issued_at: cst(src.now),
        window: match by_parent {
            Some(d) => d
                .actor_window
                .clone()
                .unwrap_or_else(|| format!("{}的上级受理窗口", src.identity.window_name)),
            None => src.identity.window_name.clone(),
        },
        clerk: match by_parent {
            Some(d) => d.actor_name.clone().unwrap_or_else(|| d.actor.clone()),
            None => src.clerk.to_owned(),
        },
        contact_phone: src.item.consult_phone.clone(),
        terminal: format!("T{}", src.identity.terminal_code),
        status_server: src.server_url.trim_end_matches('/').to_owned(),
        reprint_count: src.reprint_count,
        body,
    })
}

fn complaint_phone(src: &VoucherSource<'_>) -> Result<String, DeskError> {
    if !src.item.supervise_phone.trim().is_empty() {
        return Ok(src.item.supervise_phone.clone());
    }
    setting(src.conn, COMPLAINT_PHONE)
}

/// The materials received, in the item's order, with what arrived of each.
fn materials(s: &CaseSnapshot, item: &Item) -> Vec<Material> {
    item.materials
        .iter()
        .filter_map(|m| {
            let got = s.materials.iter().find(|r| r.material_id == m.id)?;
            if got.originals == 0 && got.copies == 0 && !got.electronic {
                return None;
            }
            Some(Material {
                name: m.name.clone(),
                originals: got.originals,
                copies: got.copies,
                electronic: got.electronic,
                note: got.waived_reason.as_ref().map(|r| format!("容缺受理：{r}")),
            })
        })
        .collect()
}

/// What a missing material must contain: the catalogue's note for it, if any.
fn requirement_of(item: &Item, material_name: &str) -> String {
    item.materials
        .iter()
        .find(|m| m.name == material_name)
        .map(|m| m.note.trim())
        .filter(|n| !n.is_empty())
        .unwrap_or("按办事指南要求提交")
        .to_owned()
}

/// The last timeline entry whose event matches `pick`.
fn find_transition<T>(
    timeline: &[TimelineEntry],
    pick: impl Fn(&Transition) -> Option<T>,
) -> Option<(T, &TimelineEntry)> {
    timeline.iter().rev().find_map(|e| {
        let event = e.event.as_ref()?;
        pick(&event.transition).map(|t| (t, e))
    })
}
