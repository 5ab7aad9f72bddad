//! Cases. The only way to change a stored case is [`save_change`], which writes the case row, its
//! timeline entries and its `case.snapshot` outbox op together, inside the caller's transaction.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use onestop_domain::lifecycle::{CaseStatus, ALL_STATUSES};
use onestop_protocol::{op_kind, CaseSnapshot, Op};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{LocalError, Result};
use crate::outbox;
use crate::timeline::{self, NewEntry, GENESIS_HASH};

/// A case as stored, with its full timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCase {
    pub snapshot: CaseSnapshot,
    /// The status the server last confirmed (filled by sync, later issue).
    pub server_status: Option<String>,
    /// Whether the server has acknowledged every op of this case.
    pub synced: bool,
}

/// One line of a case list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub case_id: String,
    pub acceptance_number: String,
    pub item_impl_code: String,
    pub applicant_id: String,
    pub applicant_name: String,
    pub status: String,
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub synced: bool,
}

fn status_str(s: &CaseSnapshot) -> Result<String> {
    match serde_json::to_value(s.flow.status)? {
        serde_json::Value::String(v) => Ok(v),
        other => Err(LocalError::Corrupt {
            detail: format!("办件状态 {other}"),
        }),
    }
}

/// Stores `snapshot` (its `timeline` is ignored: the stored one is extended by `entries`), and
/// appends the `case.snapshot` op of the result. Returns the snapshot as sent, timeline included.
pub fn save_change(
    conn: &Connection,
    device_id: &str,
    snapshot: &CaseSnapshot,
    entries: Vec<NewEntry>,
    now: DateTime<Utc>,
) -> Result<(CaseSnapshot, Op)> {
    let head: Option<(u32, String)> = conn
        .query_row(
            "SELECT event_count, head_hash FROM cases WHERE case_id = ?1",
            [&snapshot.case_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let mut stored = snapshot.clone();
    stored.timeline = Vec::new();
    stored.updated_at = now;
    let snapshot_json = serde_json::to_string(&stored)?;
    let status = status_str(&stored)?;
    let accepted_on = stored.flow.accepted_on.map(|d| d.to_string());
    let due_on = stored.due_on.map(|d| d.to_string());
    let now_s = now.to_rfc3339();
    if head.is_none() {
        conn.prepare_cached(
            "INSERT INTO cases (case_id, acceptance_number, applicant_id, impl_code, item_hash,
                 status, received_on, accepted_on, due_on, snapshot_json, event_count, head_hash,
                 last_outbox_seq, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, 0, ?12, ?12)",
        )?
        .execute(params![
            stored.case_id,
            stored.acceptance_number,
            stored.applicant_id,
            stored.item_impl_code,
            stored.item_hash,
            status,
            stored.flow.received_on.to_string(),
            accepted_on,
            due_on,
            snapshot_json,
            GENESIS_HASH,
            now_s
        ])?;
    }
    let (count, prev) = head.unwrap_or((0, GENESIS_HASH.to_owned()));
    timeline::append(conn, &stored.case_id, (count, &prev), entries)?;
    let mut sent = stored;
    sent.timeline = timeline::load(conn, &sent.case_id)?;
    let op = outbox::append(
        conn,
        device_id,
        op_kind::CASE_SNAPSHOT,
        Some(&sent.case_id),
        serde_json::to_value(&sent)?,
        now,
    )?;
    let (new_count, new_head) = sent
        .timeline
        .last()
        .map(|e| (e.seq, e.hash.clone()))
        .unwrap_or((0, GENESIS_HASH.to_owned()));
    conn.prepare_cached(
        "UPDATE cases SET status = ?2, accepted_on = ?3, due_on = ?4, snapshot_json = ?5,
             event_count = ?6, head_hash = ?7, last_outbox_seq = ?8, updated_at = ?9
         WHERE case_id = ?1",
    )?
    .execute(params![
        sent.case_id,
        status,
        accepted_on,
        due_on,
        snapshot_json,
        new_count,
        new_head,
        op.seq,
        now_s
    ])?;
    Ok((sent, op))
}

/// A stored case with its timeline, `None` when unknown.
pub fn load(conn: &Connection, case_id: &str) -> Result<Option<StoredCase>> {
    let row: Option<(String, Option<String>, bool)> = conn
        .query_row(
            "SELECT snapshot_json, server_status,
                 NOT EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = c.case_id AND o.acked_at IS NULL)
             FROM cases c WHERE case_id = ?1",
            [case_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((json, server_status, synced)) = row else {
        return Ok(None);
    };
    let mut snapshot: CaseSnapshot = serde_json::from_str(&json)?;
    snapshot.timeline = timeline::load(conn, case_id)?;
    Ok(Some(StoredCase {
        snapshot,
        server_status,
        synced,
    }))
}

/// Like [`load`], but a missing case is an error.
pub fn get(conn: &Connection, case_id: &str) -> Result<StoredCase> {
    load(conn, case_id)?.ok_or_else(|| LocalError::CaseNotFound {
        case_id: case_id.to_owned(),
    })
}

/// The case id holding an acceptance number.
pub fn find_by_acceptance_number(conn: &Connection, number: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT case_id FROM cases WHERE acceptance_number = ?1",
            [number],
            |r| r.get(0),
        )
        .optional()?)
}

/// The case's status as the clerk should see it (`CaseStatus::shown`): the window's own, until
/// the server reports a state of the approval work or 撤回, or its decision on a forwarded case.
static EFFECTIVE_STATUS: LazyLock<String> = LazyLock::new(|| {
    let list = |statuses: &mut dyn Iterator<Item = &CaseStatus>| -> String {
        statuses
            .map(|s| format!("'{}'", s.name()))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "(CASE WHEN c.server_status IN ({owned})
                 OR (c.status IN ({waiting}) AND c.server_status IN ({decisions}))
            THEN c.server_status ELSE c.status END)",
        owned = list(&mut ALL_STATUSES.iter().filter(|s| s.overrides_window())),
        waiting = list(&mut CaseStatus::FORWARDED_WAITING.iter()),
        decisions = list(&mut CaseStatus::FORWARDED_DECISIONS.iter()),
    )
});

/// The case's promised date: the window's own until the server acts on the case, then the
/// server's (an extension or a special procedure moves it; a case this village window forwarded
/// has none of its own, and gets the one the parent window's acceptance started).
const EFFECTIVE_DUE: &str = "(CASE WHEN c.server_version > 0 AND c.server_due_on IS NOT NULL
    THEN c.server_due_on ELSE c.due_on END)";

fn summaries(
    conn: &Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<CaseSummary>> {
    let sql = format!(
        "SELECT c.case_id, c.acceptance_number, c.impl_code, c.applicant_id, a.name,
            {status}, c.received_on, {due},
            NOT EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = c.case_id AND o.acked_at IS NULL)
         FROM cases c JOIN applicants a ON a.applicant_id = c.applicant_id {filter}",
        status = EFFECTIVE_STATUS.as_str(),
        due = EFFECTIVE_DUE,
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(args, |r| {
        Ok((
            CaseSummary {
                case_id: r.get(0)?,
                acceptance_number: r.get(1)?,
                item_impl_code: r.get(2)?,
                applicant_id: r.get(3)?,
                applicant_name: r.get(4)?,
                status: r.get(5)?,
                received_on: NaiveDate::MIN,
                due_on: None,
                synced: r.get(8)?,
            },
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut s, received, due) = row?;
        s.received_on = parse_date(&received)?;
        s.due_on = due.as_deref().map(parse_date).transpose()?;
        out.push(s);
    }
    Ok(out)
}

fn parse_date(s: &str) -> Result<NaiveDate> {
    s.parse().map_err(|_| LocalError::Corrupt {
        detail: format!("日期 {s}"),
    })
}

/// Cases received on `day`, newest number last.
pub fn received_on(conn: &Connection, day: NaiveDate) -> Result<Vec<CaseSummary>> {
    summaries(
        conn,
        "WHERE c.received_on = ?1 ORDER BY c.acceptance_number",
        &[&day.to_string()],
    )
}

/// The condition "in handling (the decision clock runs) with a promised date on or before
/// `mark`": the only cases a 黄牌 or 红牌 can fall on.
fn in_handling_due_by_sql(mark: &str) -> String {
    let handling = ALL_STATUSES
        .iter()
        .filter(|s| s.is_in_handling())
        .map(|s| format!("'{}'", s.name()))
        .collect::<Vec<_>>()
        .join(",");
    format!(
        "{due} IS NOT NULL AND {due} <= {mark} AND {status} IN ({handling})",
        due = EFFECTIVE_DUE,
        status = EFFECTIVE_STATUS.as_str()
    )
}

/// Cases in handling (the decision clock runs) with a due date up to `until`, soonest first.
pub fn in_handling_due_by(conn: &Connection, until: NaiveDate) -> Result<Vec<CaseSummary>> {
    let filter = format!(
        "WHERE {} ORDER BY {EFFECTIVE_DUE}, c.acceptance_number",
        in_handling_due_by_sql("?1")
    );
    summaries(conn, &filter, &[&until.to_string()])
}

/// Cases with ops the server has not acknowledged.
pub fn unsynced(conn: &Connection) -> Result<Vec<CaseSummary>> {
    summaries(
        conn,
        "WHERE EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = c.case_id AND o.acked_at IS NULL)
         ORDER BY c.acceptance_number",
        &[],
    )
}

/// How many times `voucher` was printed for the case: 0 before the first print, n before the
/// n-th 补打.
pub fn print_count(conn: &Connection, case_id: &str, voucher: &str) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM print_audit WHERE case_id = ?1 AND voucher = ?2",
        params![case_id, voucher],
        |r| r.get(0),
    )?)
}

/// Records a printed voucher; returns whether it was a reprint (补打) of that voucher.
pub fn record_print(
    conn: &Connection,
    case_id: &str,
    voucher: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let reprint = print_count(conn, case_id, voucher)? > 0;
    conn.execute(
        "INSERT INTO print_audit (case_id, voucher, reprint, actor, printed_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![case_id, voucher, reprint, actor, now.to_rfc3339()],
    )?;
    Ok(reprint)
}

/// What the 办件 list filters on; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseQuery {
    /// Status names (`accepted`, …); empty for any.
    #[serde(default)]
    pub statuses: Vec<String>,
    pub impl_code: Option<String>,
    pub received_from: Option<NaiveDate>,
    pub received_to: Option<NaiveDate>,
    /// `Some(false)`: only cases with ops the server has not acknowledged.
    pub synced: Option<bool>,
    /// Part of the acceptance number or of the applicant's name, or a whole ID number.
    pub text: Option<String>,
    /// Accepted on this day.
    #[serde(default)]
    pub accepted_on: Option<NaiveDate>,
    /// Decided on this day: at the window (即办, 不予受理) or, as confirmed that day, on the server.
    #[serde(default)]
    pub completed_on: Option<NaiveDate>,
    /// Decided on the server and not yet handed over (待领取).
    #[serde(default)]
    pub ready_for_collection: bool,
    /// In handling with a promised date on or before this day: every case that can hold a
    /// 黄牌 or 红牌 (the card itself is drawn in `desk`, which narrows further).
    #[serde(default)]
    pub in_handling_due_by: Option<NaiveDate>,
}

type Args = Vec<Box<dyn rusqlite::ToSql>>;

/// The `WHERE` clause of `q` and its arguments. The 办件 list and the home screen's counts both
/// use it, so a tile's count and the list it opens cannot disagree.
fn filter_sql(q: &CaseQuery) -> (String, Args) {
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Args = Vec::new();
    let arg = |v: Box<dyn rusqlite::ToSql>, args: &mut Vec<Box<dyn rusqlite::ToSql>>| {
        args.push(v);
        format!("?{}", args.len())
    };
    if !q.statuses.is_empty() {
        let marks: Vec<String> = q
            .statuses
            .iter()
            .map(|s| arg(Box::new(s.clone()), &mut args))
            .collect();
        clauses.push(format!(
            "{} IN ({})",
            EFFECTIVE_STATUS.as_str(),
            marks.join(",")
        ));
    }
    if let Some(code) = &q.impl_code {
        let m = arg(Box::new(code.clone()), &mut args);
        clauses.push(format!("c.impl_code = {m}"));
    }
    if let Some(from) = q.received_from {
        let m = arg(Box::new(from.to_string()), &mut args);
        clauses.push(format!("c.received_on >= {m}"));
    }
    if let Some(to) = q.received_to {
        let m = arg(Box::new(to.to_string()), &mut args);
        clauses.push(format!("c.received_on <= {m}"));
    }
    if let Some(synced) = q.synced {
        let not = if synced { "NOT " } else { "" };
        clauses.push(format!(
            "{not}EXISTS (SELECT 1 FROM outbox o WHERE o.case_id = c.case_id AND o.acked_at IS NULL)"
        ));
    }
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // Numbers are printed in groups; the clerk may type them with or without spaces.
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let like = format!("%{}%", compact.replace(['%', '_'], ""));
        let m_like = arg(Box::new(like), &mut args);
        let m_id = arg(Box::new(compact.to_ascii_uppercase()), &mut args);
        clauses.push(format!(
            "(c.acceptance_number LIKE {m_like} OR a.name LIKE {m_like} OR a.id_number = {m_id})"
        ));
    }
    if let Some(day) = q.accepted_on {
        let m = arg(Box::new(day.to_string()), &mut args);
        clauses.push(format!("c.accepted_on = {m}"));
    }
    if let Some(day) = q.completed_on {
        let m = arg(Box::new(day.to_string()), &mut args);
        clauses.push(format!(
            "(json_extract(c.snapshot_json, '$.flow.decided_on') = {m}
              OR (c.server_status IN ('approved', 'denied', 'concluded', 'delivered')
                  AND substr(c.server_confirmed_at, 1, 10) = {m}))"
        ));
    }
    if q.ready_for_collection {
        clauses.push(
            "c.server_status IN ('approved', 'denied', 'concluded') AND c.status <> 'delivered'"
                .to_owned(),
        );
    }
    if let Some(until) = q.in_handling_due_by {
        let m = arg(Box::new(until.to_string()), &mut args);
        clauses.push(in_handling_due_by_sql(&m));
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (filter, args)
}

/// How many cases match `q`.
pub fn count(conn: &Connection, q: &CaseQuery) -> Result<u32> {
    let (filter, args) = filter_sql(q);
    let refs: Vec<&dyn rusqlite::ToSql> = args.iter().map(|b| b.as_ref()).collect();
    let sql = format!(
        "SELECT count(*) FROM cases c JOIN applicants a ON a.applicant_id = c.applicant_id {filter}"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(refs.as_slice(), |r| r.get(0))?)
}

/// The cases matching `q`, newest first, at most `limit`.
pub fn search(conn: &Connection, q: &CaseQuery, limit: u32) -> Result<Vec<CaseSummary>> {
    let (filter, mut args) = filter_sql(q);
    let limit_mark = {
        args.push(Box::new(i64::from(limit)));
        format!("?{}", args.len())
    };
    let sql = format!(
        "{filter} ORDER BY c.received_on DESC, c.acceptance_number DESC LIMIT {limit_mark}"
    );
    let refs: Vec<&dyn rusqlite::ToSql> = args.iter().map(|b| b.as_ref()).collect();
    summaries(conn, &sql, &refs)
}
