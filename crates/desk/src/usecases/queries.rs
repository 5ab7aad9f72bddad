//! The lists a clerk works from (today's cases, due soon, overdue, unsynced) and the detail view
//! with its timeline. The yellow/red card comes from `onestop_domain::supervision`.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use onestop_domain::catalogue::Item;
use onestop_domain::lifecycle::CaseStatus;
use onestop_domain::numbering::AcceptanceNumber;
use onestop_domain::supervision::{case_deadline, deadline_state, DeadlineState, DeadlineStatus};
use onestop_local::case_repo::{self, CaseSummary, StoredCase};
use onestop_local::rusqlite::Connection;
use onestop_local::sync_state;
use onestop_local::timeline::{self, ChainBreak};
use onestop_local::{catalogue_repo, Db};
use onestop_receipt::VoucherKind;

use super::voucher_data::{due_of, ForwardedNotice};
use super::{CaseDetail, Ctx, DeskError};

/// How far ahead the "due soon" list looks for candidates; the card itself decides.
const DUE_SOON_HORIZON_DAYS: i64 = 60;

pub fn detail(conn: &Connection, ctx: &Ctx, stored: StoredCase) -> Result<CaseDetail, DeskError> {
    let s = &stored.snapshot;
    let item = catalogue_repo::item_version(conn, &s.item_impl_code, &s.item_hash)?;
    detail_of(conn, ctx, stored, &item)
}

/// `detail` with the case's item version already read (lists read each version once).
fn detail_of(
    conn: &Connection,
    ctx: &Ctx,
    stored: StoredCase,
    item: &Item,
) -> Result<CaseDetail, DeskError> {
    let s = &stored.snapshot;
    let deadline = if s.flow.status.is_in_handling() || s.flow.status.is_decided() {
        // While the server holds the case in a special procedure (特别程序) its clock is stopped:
        // the card runs on the server's flow, whose open pause moves the date on each day, as the
        // server will when the case resumes. The date the server sent is as of the suspension.
        let server = sync_state::server_state(conn, &s.case_id)?;
        let paused = match &server {
            Some(st) => st.paused_flow()?,
            None => None,
        };
        let own = case_deadline(
            paused.as_ref().unwrap_or(&s.flow),
            item.promised_limit_working_days,
            &ctx.calendar,
            ctx.today,
            item.warning,
        );
        match (own, server.as_ref().and_then(due_of), s.flow.accepted_on) {
            // The server moved the date after it took the case over (an extension, a special
            // procedure that ended): its date is the case's, the card runs against it.
            (Some(own), Some((due, provisional)), Some(accepted_on))
                if paused.is_none() && due != own.due =>
            {
                let seen_on = s.flow.decided_on.unwrap_or(ctx.today);
                let mut d =
                    deadline_state(&ctx.calendar, accepted_on, due, seen_on, 0, item.warning);
                d.provisional |= provisional;
                Some(d)
            }
            (own, _, _) => own,
        }
    } else {
        forwarded_deadline(conn, ctx, &stored, item)?
    };
    let notice_due = (s.flow.accepted_on.is_none() && !s.flow.status.is_final())
        .then_some(s.flow.supplement_notice_due);
    let grouped = AcceptanceNumber::grouped_text(&s.acceptance_number);
    Ok(CaseDetail {
        item_name: item.name.clone(),
        status_label: s.flow.status.label().to_owned(),
        acceptance_number_grouped: grouped,
        deadline,
        supplement_notice_due: notice_due,
        synced: stored.synced,
        server_status: stored.server_status.clone(),
        snapshot: stored.snapshot,
    })
}

/// A case this village window forwarded, accepted by the window it reports to: the clock runs
/// from that acceptance to the promised date the server computed, while the approval work goes
/// on (the window never holds the server's flow, so time the server paused is not taken out of
/// the card's share used; the date itself includes it).
fn forwarded_deadline(
    conn: &Connection,
    ctx: &Ctx,
    stored: &StoredCase,
    item: &Item,
) -> Result<Option<DeadlineStatus>, DeskError> {
    let s = &stored.snapshot;
    let server = stored
        .server_status
        .as_deref()
        .and_then(CaseStatus::from_name);
    if !CaseStatus::shown(s.flow.status, server).is_in_handling() {
        return Ok(None);
    }
    let notice = ForwardedNotice::load(conn, &s.case_id)?;
    let (Some(decision), Some((due, provisional))) =
        (notice.decision_for(s, VoucherKind::Acceptance), notice.due)
    else {
        return Ok(None);
    };
    let mut d = deadline_state(&ctx.calendar, decision.on, due, ctx.today, 0, item.warning);
    d.provisional |= provisional;
    Ok(Some(d))
}

pub fn case_detail(db: &Db, ctx: &Ctx, case_id: &str) -> Result<CaseDetail, DeskError> {
    let stored = case_repo::get(db.conn(), case_id)?;
    detail(db.conn(), ctx, stored)
}

pub fn today(db: &Db, ctx: &Ctx) -> Result<Vec<CaseSummary>, DeskError> {
    Ok(case_repo::received_on(db.conn(), ctx.today)?)
}

/// The last promised date a case can have and still hold a 黄牌 (the thresholds are counted in
/// working days, well inside this).
pub fn card_horizon(today: chrono::NaiveDate) -> chrono::NaiveDate {
    today + chrono::Duration::days(DUE_SOON_HORIZON_DAYS)
}

/// Reads the cases of a list with their cards. A window's cases share a few items, so each item
/// version is read (and its JSON parsed) once per list, not once per case.
pub struct ListReader<'a> {
    db: &'a Db,
    ctx: &'a Ctx,
    versions: HashMap<(String, String), Item>,
    current_names: HashMap<String, String>,
}

impl<'a> ListReader<'a> {
    pub fn new(db: &'a Db, ctx: &'a Ctx) -> ListReader<'a> {
        ListReader {
            db,
            ctx,
            versions: HashMap::new(),
            current_names: HashMap::new(),
        }
    }

    /// The case's detail, its card included.
    pub fn detail(&mut self, case_id: &str) -> Result<CaseDetail, DeskError> {
        let conn = self.db.conn();
        let stored = case_repo::get(conn, case_id)?;
        let key = (
            stored.snapshot.item_impl_code.clone(),
            stored.snapshot.item_hash.clone(),
        );
        let item = match self.versions.entry(key) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let (code, hash) = e.key();
                let item = catalogue_repo::item_version(conn, code, hash)?;
                e.insert(item)
            }
        };
        detail_of(conn, self.ctx, stored, item)
    }

    /// The item's name as the catalogue has it now (its code if the catalogue lost it).
    pub fn item_name(&mut self, impl_code: &str) -> String {
        let conn = self.db.conn();
        self.current_names
            .entry(impl_code.to_owned())
            .or_insert_with(|| {
                catalogue_repo::current_item(conn, impl_code)
                    .map(|iv| iv.item.name)
                    .unwrap_or_else(|_| impl_code.to_owned())
            })
            .clone()
    }
}

/// Every case in handling due within the horizon, with its card.
fn carded(db: &Db, ctx: &Ctx) -> Result<Vec<(CaseSummary, DeadlineState)>, DeskError> {
    let until = card_horizon(ctx.today);
    let mut reader = ListReader::new(db, ctx);
    let mut out = Vec::new();
    for summary in case_repo::in_handling_due_by(db.conn(), until)? {
        if let Some(card) = reader.detail(&summary.case_id)?.deadline {
            // The card's date: a paused case's stored one is as of the suspension.
            let mut summary = summary;
            summary.due_on = Some(card.due);
            out.push((summary, card.state));
        }
    }
    Ok(out)
}

fn by_card(db: &Db, ctx: &Ctx, want: DeadlineState) -> Result<Vec<CaseSummary>, DeskError> {
    Ok(carded(db, ctx)?
        .into_iter()
        .filter(|(_, state)| *state == want)
        .map(|(summary, _)| summary)
        .collect())
}

/// 黄牌: due soon by the item's thresholds.
pub fn due_soon(db: &Db, ctx: &Ctx) -> Result<Vec<CaseSummary>, DeskError> {
    by_card(db, ctx, DeadlineState::Yellow)
}

/// 红牌: past the promised date.
pub fn overdue(db: &Db, ctx: &Ctx) -> Result<Vec<CaseSummary>, DeskError> {
    by_card(db, ctx, DeadlineState::Red)
}

/// How many cases hold a 黄牌 and a 红牌, in one pass (the home screen shows both counts).
pub fn card_counts(db: &Db, ctx: &Ctx) -> Result<(usize, usize), DeskError> {
    Ok(carded(db, ctx)?
        .iter()
        .fold((0, 0), |(yellow, red), (_, state)| match state {
            DeadlineState::Yellow => (yellow + 1, red),
            DeadlineState::Red => (yellow, red + 1),
            _ => (yellow, red),
        }))
}

pub fn unsynced(db: &Db) -> Result<Vec<CaseSummary>, DeskError> {
    Ok(case_repo::unsynced(db.conn())?)
}

/// Checks a case's timeline hash chain.
pub fn verify(db: &Db, case_id: &str) -> Result<Result<(), ChainBreak>, DeskError> {
    Ok(timeline::verify(db.conn(), case_id)?)
}
