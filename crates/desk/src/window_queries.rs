//! The reads behind the screens: the case detail with its merged history and next actions, the
//! filtered case list with deadline cards, and today's counts.

use onestop_domain::lifecycle::{can_take, role_permits, ActionKind, CaseStatus, Role};
use onestop_domain::numbering::AcceptanceNumber;
use onestop_local::case_repo::{self, CaseQuery, CaseSummary};
use onestop_local::rusqlite::{params, Connection};
use onestop_local::{applicant_repo, catalogue_repo, Db};
use onestop_protocol::voucher_signature::VOUCHER_PRINTED;
use onestop_receipt::VoucherKind;

use crate::usecases::voucher_data::ForwardedNotice;
use crate::usecases::{queries, Ctx, DeskError};
use crate::views::{
    timeline_label, ApplicantView, CaseRow, CaseView, DeadlineView, HomeSummary, MaterialLine,
    ScanLine, TimelineLine,
};

fn status_label(name: &str) -> String {
    CaseStatus::from_name(name).map_or_else(|| name.to_owned(), |s| s.label().to_owned())
}

/// Beijing time for the clerk, to the minute.
fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    onestop_domain::calendar::china_time::at(at)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The window's actions the domain's state machine and the clerk's role allow now. 送达 follows
/// the server's status, which owns the case once it has moved it on.
fn actions(status: CaseStatus, server: Option<CaseStatus>, role: Option<&Role>) -> Vec<String> {
    let Some(role) = role else {
        return Vec::new();
    };
    let deliver = server.is_some_and(|s| can_take(s, ActionKind::Deliver))
        && role_permits(role, ActionKind::Deliver);
    let shown = CaseStatus::shown(status, server);
    if shown != status {
        // The server moved the case on (its approval work, or the parent window's decision on
        // a forwarded case) and owns it now: a local step would not reach it. 撤回 while it is
        // in approval and 送达 once decided are taken on the server (`desk_withdraw`,
        // `desk_delivery`).
        let withdraw =
            can_take(shown, ActionKind::Withdraw) && role_permits(role, ActionKind::Withdraw);
        return withdraw
            .then(|| "withdraw".to_owned())
            .into_iter()
            .chain(deliver.then(|| "deliver".to_owned()))
            .collect();
    }
    [
        (ActionKind::Accept, "accept"),
        (ActionKind::RequestSupplement, "supplement_notice"),
        (ActionKind::Supplement, "record_supplement"),
        (ActionKind::Reject, "reject"),
        (ActionKind::Withdraw, "withdraw"),
    ]
    .into_iter()
    .filter(|(a, _)| can_take(status, *a) && role_permits(role, *a))
    .map(|(_, name)| name.to_owned())
    .chain(deliver.then(|| "deliver".to_owned()))
    .collect()
}

/// The voucher the case's latest decision calls for (行政许可法 art. 32: a written notice of each
/// decision on an application), else the first one the case has.
fn notice_for(status: CaseStatus, proxy: bool, vouchers: &[String]) -> Option<String> {
    let wanted = match status {
        CaseStatus::Accepted => Some(VoucherKind::Acceptance),
        CaseStatus::SupplementRequested => Some(VoucherKind::Correction),
        CaseStatus::Rejected => Some(VoucherKind::Refusal),
        CaseStatus::Received if proxy => Some(VoucherKind::ProxyAuthorisation),
        _ => None,
    };
    wanted
        .map(VoucherKind::key)
        .filter(|k| vouchers.iter().any(|v| v == k))
        .map(str::to_owned)
        .or_else(|| vouchers.first().cloned())
}

pub fn case_view(
    db: &Db,
    ctx: &Ctx,
    case_id: &str,
    role: Option<&Role>,
) -> Result<CaseView, DeskError> {
    let conn = db.conn();
    let detail = queries::case_detail(db, ctx, case_id)?;
    let s = &detail.snapshot;
    let item = catalogue_repo::item_version(conn, &s.item_impl_code, &s.item_hash)?;
    let applicant = applicant_repo::get(conn, &s.applicant_id)?;
    let uploads = scan_uploads(conn, case_id)?;
    let materials = s
        .materials
        .iter()
        .map(|m| {
            let guide = item.materials.iter().find(|im| im.id == m.material_id);
            MaterialLine {
                material_id: m.material_id.clone(),
                name: guide.map_or_else(|| m.material_id.clone(), |im| im.name.clone()),
                required_originals: guide.map_or(0, |g| g.originals),
                required_copies: guide.map_or(0, |g| g.copies),
                originals: m.originals,
                copies: m.copies,
                electronic: m.electronic,
                waived_reason: m.waived_reason.clone(),
                scans: s
                    .attachments
                    .iter()
                    .filter(|a| a.slot == m.material_id)
                    .map(|a| {
                        let up = uploads
                            .iter()
                            .find(|u| u.0 == a.slot && u.1 == a.sha256)
                            .map_or((0, false), |u| (u.2, u.3));
                        ScanLine {
                            file_name: a.file_name.clone(),
                            size: a.size,
                            uploaded_bytes: up.0,
                            confirmed: up.1,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let mut prints: Vec<(String, u32)> = Vec::new();
    let mut timeline: Vec<(chrono::DateTime<chrono::Utc>, TimelineLine)> = Vec::new();
    for e in &s.timeline {
        let mut detail_text = String::new();
        if e.kind == VOUCHER_PRINTED {
            let kind = e.data.get("kind").and_then(|k| k.as_str()).unwrap_or("");
            let reprint = e.data.get("reprint_count").and_then(|k| k.as_u64());
            match prints.iter_mut().find(|(k, _)| k == kind) {
                Some((_, n)) => *n += 1,
                None => prints.push((kind.to_owned(), 1)),
            }
            detail_text = match reprint {
                Some(n) if n > 0 => format!("{} · 第 {n} 次补打", voucher_label(kind)),
                _ => voucher_label(kind).to_owned(),
            };
        } else if let Some(ev) = &e.event {
            detail_text = ev.to.label().to_owned();
        }
        timeline.push((
            e.at,
            TimelineLine {
                at: local_time(e.at),
                label: timeline_label(&e.kind),
                actor: e.actor.clone(),
                detail: detail_text,
                from_server: false,
            },
        ));
    }
    for (at, message) in server_notices(conn, case_id)? {
        timeline.push((
            at,
            TimelineLine {
                at: local_time(at),
                label: timeline_label("case.status"),
                actor: "审批系统".to_owned(),
                detail: message,
                from_server: true,
            },
        ));
    }
    timeline.sort_by_key(|(at, _)| *at);
    let status = s.flow.status;
    let mut vouchers = vec!["material_receipt".to_owned()];
    if s.flow.accepted_on.is_some() && s.due_on.is_some() {
        vouchers.push("acceptance".to_owned());
    }
    if s.flow.supplement_requested_on.is_some() {
        vouchers.push("correction".to_owned());
    }
    if status == CaseStatus::Rejected {
        vouchers.push("refusal".to_owned());
    }
    // A forwarded case: the notice of the parent window's decision, printed here for the agent
    // to hand over (usecases::voucher_data).
    for kind in ForwardedNotice::load(conn, case_id)?.printable(s) {
        if !vouchers.iter().any(|v| v == kind.key()) {
            vouchers.push(kind.key().to_owned());
        }
    }
    if s.proxy.is_some() {
        vouchers.push("proxy_authorisation".to_owned());
    }
    let confirmed = detail.server_status.is_some();
    let server = detail
        .server_status
        .as_deref()
        .and_then(CaseStatus::from_name);
    // After acceptance the server's state of the approval work is the case's (see case_repo).
    let shown = CaseStatus::shown(status, server);
    Ok(CaseView {
        case_id: s.case_id.clone(),
        acceptance_number: s.acceptance_number.clone(),
        acceptance_number_grouped: detail.acceptance_number_grouped.clone(),
        item_impl_code: s.item_impl_code.clone(),
        item_name: detail.item_name.clone(),
        applicant: ApplicantView::from(&applicant),
        proxy_name: s.proxy.as_ref().map(|p| p.name.clone()),
        status: shown.name().to_owned(),
        status_label: if shown == status {
            detail.status_label.clone()
        } else {
            shown.label().to_owned()
        },
        received_on: s.flow.received_on.to_string(),
        accepted_on: s.flow.accepted_on.map(|d| d.to_string()),
        // A withdrawn case has no clock left, whatever the window's own copy still says.
        deadline: detail
            .deadline
            .as_ref()
            .filter(|_| shown != CaseStatus::Withdrawn)
            .map(|d| DeadlineView::new(d, confirmed)),
        supplement_notice_due: detail.supplement_notice_due.map(|d| d.to_string()),
        materials,
        timeline: timeline.into_iter().map(|(_, l)| l).collect(),
        prints,
        synced: detail.synced,
        server_status_label: detail.server_status.as_deref().map(status_label),
        actions: actions(status, server, role),
        notice: notice_for(status, s.proxy.is_some(), &vouchers),
        vouchers,
    })
}

fn voucher_label(kind: &str) -> &'static str {
    match kind {
        "acceptance" => "受理通知书",
        "correction" => "补正材料通知书",
        "refusal" => "不予受理通知书",
        "material_receipt" => "材料接收凭证",
        "proxy_authorisation" => "代办委托书",
        _ => "凭证",
    }
}

/// (slot, sha256, bytes sent, confirmed) of each of the case's files.
fn scan_uploads(
    conn: &Connection,
    case_id: &str,
) -> Result<Vec<(String, String, u64, bool)>, DeskError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT slot, sha256, uploaded_bytes, uploaded_at IS NOT NULL
             FROM attachments WHERE case_id = ?1",
        )
        .map_err(onestop_local::LocalError::from)?;
    let rows = stmt
        .query_map(params![case_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .map_err(onestop_local::LocalError::from)?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(|e| onestop_local::LocalError::from(e).into())
}

/// The server's status changes for the case, as the sync engine recorded them.
fn server_notices(
    conn: &Connection,
    case_id: &str,
) -> Result<Vec<(chrono::DateTime<chrono::Utc>, String)>, DeskError> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT created_at, message FROM sync_notices WHERE case_id = ?1 ORDER BY change_seq",
        )
        .map_err(onestop_local::LocalError::from)?;
    let rows = stmt
        .query_map(params![case_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(onestop_local::LocalError::from)?;
    let mut out = Vec::new();
    for row in rows {
        let (at, message) = row.map_err(onestop_local::LocalError::from)?;
        if let Ok(at) = chrono::DateTime::parse_from_rfc3339(&at) {
            out.push((at.with_timezone(&chrono::Utc), message));
        }
    }
    Ok(out)
}

fn row(reader: &mut queries::ListReader, s: CaseSummary) -> Result<CaseRow, DeskError> {
    let item_name = reader.item_name(&s.item_impl_code);
    let in_clock = CaseStatus::from_name(&s.status).is_some_and(|st| st.is_in_handling());
    // The date column comes from the same card as the colour: while the server holds the case in
    // a special procedure the stored date is the one as of the suspension, and the card moves it.
    let card = if in_clock {
        reader.detail(&s.case_id)?.deadline
    } else {
        None
    };
    let due_on = card.as_ref().map(|d| d.due).or(s.due_on);
    let due_state = card.map(|d| crate::views::case_view_state(d.state).to_owned());
    Ok(CaseRow {
        acceptance_number_grouped: AcceptanceNumber::grouped_text(&s.acceptance_number),
        status_label: status_label(&s.status),
        received_on: s.received_on.to_string(),
        due_on: due_on.map(|d| d.to_string()),
        due_state,
        item_name,
        case_id: s.case_id,
        acceptance_number: s.acceptance_number,
        applicant_name: s.applicant_name,
        status: s.status,
        synced: s.synced,
    })
}

/// The 办件 list. With a card asked for (`yellow`, `red`), every case that can hold one is drawn
/// and the first `limit` holding it are kept: the newest `limit` cases alone would miss an old
/// case long overdue, which is the one the clerk is looking for.
pub fn case_rows(
    db: &Db,
    ctx: &Ctx,
    q: &CaseQuery,
    due_state: Option<&str>,
    limit: u32,
) -> Result<Vec<CaseRow>, DeskError> {
    let conn = db.conn();
    let mut reader = queries::ListReader::new(db, ctx);
    let Some(want) = due_state else {
        return case_repo::search(conn, q, limit)?
            .into_iter()
            .map(|s| row(&mut reader, s))
            .collect();
    };
    let mut carded = q.clone();
    carded.in_handling_due_by = Some(queries::card_horizon(ctx.today));
    let mut out = Vec::new();
    for s in case_repo::search(conn, &carded, u32::MAX)? {
        let r = row(&mut reader, s)?;
        if r.due_state.as_deref() == Some(want) {
            out.push(r);
            if out.len() >= limit as usize {
                break;
            }
        }
    }
    Ok(out)
}

/// A home tile's list by name: the query that counts the tile, and the card it filters on (the
/// 黄牌 and 红牌 tiles). The home screen counts with the same query, so a tile and the list it
/// opens agree.
pub fn preset(
    name: &str,
    today: chrono::NaiveDate,
) -> Result<(CaseQuery, Option<&'static str>), DeskError> {
    let mut q = CaseQuery::default();
    let mut due = None;
    match name {
        "received_today" => {
            q.received_from = Some(today);
            q.received_to = Some(today);
        }
        "accepted_today" => q.accepted_on = Some(today),
        "completed_today" => q.completed_on = Some(today),
        "ready_for_collection" => q.ready_for_collection = true,
        "unsynced" => q.synced = Some(false),
        "due_soon" => due = Some("yellow"),
        "overdue" => due = Some("red"),
        other => return Err(DeskError::Internal(format!("未知的办件列表：{other}"))),
    }
    Ok((q, due))
}

pub fn home(db: &Db, ctx: &Ctx) -> Result<HomeSummary, DeskError> {
    let conn = db.conn();
    let tile = |name: &str| -> Result<u32, DeskError> {
        Ok(case_repo::count(conn, &preset(name, ctx.today)?.0)?)
    };
    let (due_soon, overdue) = queries::card_counts(db, ctx)?;
    Ok(HomeSummary {
        today: ctx.today.to_string(),
        received_today: tile("received_today")?,
        accepted_today: tile("accepted_today")?,
        completed_today: tile("completed_today")?,
        due_soon: u32::try_from(due_soon).unwrap_or(u32::MAX),
        overdue: u32::try_from(overdue).unwrap_or(u32::MAX),
        ready_for_collection: tile("ready_for_collection")?,
        unsynced: tile("unsynced")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_case_the_server_moved_on_offers_only_delivery_once_decided() {
        let clerk = Role::WindowClerk;
        // In approval on the server: only 撤回, which the window takes on the server.
        for server in [
            CaseStatus::Handled,
            CaseStatus::Reviewed,
            CaseStatus::Suspended,
        ] {
            assert_eq!(
                actions(CaseStatus::Accepted, Some(server), Some(&clerk)),
                names(&["withdraw"]),
                "server at {server:?}"
            );
        }
        // Decided on the server: 送达 only.
        for server in [CaseStatus::Approved, CaseStatus::Denied] {
            assert_eq!(
                actions(CaseStatus::Accepted, Some(server), Some(&clerk)),
                names(&["deliver"]),
                "server at {server:?}"
            );
        }
        // A village agent's forwarded case that the township accepted: the applicant may still
        // withdraw it (on the server), nothing else; the township refused it: nothing at all
        // (not 受理 again).
        let agent = Role::ProxyAgent;
        assert_eq!(
            actions(
                CaseStatus::Received,
                Some(CaseStatus::Accepted),
                Some(&agent)
            ),
            names(&["withdraw"])
        );
        assert_eq!(
            actions(
                CaseStatus::Received,
                Some(CaseStatus::Rejected),
                Some(&agent)
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_case_only_this_window_holds_offers_the_state_machines_steps() {
        let clerk = Role::WindowClerk;
        let received = actions(CaseStatus::Received, None, Some(&clerk));
        for step in ["accept", "supplement_notice", "reject", "withdraw"] {
            assert!(
                received.iter().any(|a| a == step),
                "{step} missing: {received:?}"
            );
        }
        // The server agreeing with the window changes nothing.
        assert_eq!(
            actions(
                CaseStatus::Received,
                Some(CaseStatus::Received),
                Some(&clerk)
            ),
            received
        );
        assert_eq!(
            actions(CaseStatus::Received, None, None),
            Vec::<String>::new()
        );
    }
}
