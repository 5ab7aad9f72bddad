//! What the sync engine reads and writes (ARCHITECTURE.md §5): the next batch of the outbox under
//! the hold-back rule, the server's per-op results, the change-log cursor, the server-owned status
//! of each case and the notices for the clerk. The engine itself lives in `onestop-sync`; `desk`
//! adapts these functions to its ports.

use chrono::{DateTime, NaiveDate, Utc};
use onestop_domain::lifecycle::{CaseFlow, Transition};
use onestop_protocol::{RawOp, MAX_OPS_PER_PUSH};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::settings;

/// The settings key of the change-log cursor.
pub const CURSOR_KEY: &str = "sync.changes_cursor";

/// The hold-back rule (§5.2) in SQL: an unacknowledged op is sent unless an earlier op of the
/// same case was rejected and the clerk has not retried that case since. Ops of other cases, and
/// ops without a case (applicant records), are never held back by it.
const NEXT_BATCH: &str = "SELECT o.seq, o.op_id, o.kind, o.sha256, o.payload FROM outbox o
     WHERE o.acked_at IS NULL
       AND (o.case_id IS NULL OR NOT EXISTS (
             SELECT 1 FROM outbox r
             WHERE r.case_id = o.case_id AND r.outcome = 'rejected' AND r.retried_at IS NULL
               AND r.seq < o.seq))
     ORDER BY o.seq LIMIT ?1";

/// Up to `limit` ops to push, in seq order, with `device_id` (the server's id of this device).
/// Payloads stay the JSON text they were stored as: the push writes them to the wire unparsed.
pub fn next_batch(conn: &Connection, device_id: &str, limit: usize) -> Result<Vec<RawOp>> {
    let mut stmt = conn.prepare_cached(NEXT_BATCH)?;
    let mut rows = stmt.query([i64::try_from(limit).unwrap_or(i64::MAX)])?;
    let mut ops = Vec::with_capacity(limit.min(MAX_OPS_PER_PUSH));
    while let Some(r) = rows.next()? {
        ops.push(RawOp::new(
            device_id,
            r.get::<_, u64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(3)?,
        )?);
    }
    Ok(ops)
}

/// Ops waiting for the server (held back or not) and the UTF-8 bytes of their payloads. Read
/// from the counts the outbox's triggers keep (migration 3), so it costs the same with 3 or
/// 3,000 ops queued.
pub fn queue_stats(conn: &Connection) -> Result<(u64, u64)> {
    let mut stmt = conn.prepare_cached("SELECT ops, bytes FROM outbox_queue WHERE id = 1")?;
    Ok(stmt.query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?)
}

/// A rejected op the clerk has not retried yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub case_id: Option<String>,
    pub seq: u64,
    pub kind: String,
    /// The server's `{code, message, details}`, as stored.
    pub error: Option<serde_json::Value>,
}

pub fn open_rejections(conn: &Connection) -> Result<Vec<Rejection>> {
    let mut stmt = conn.prepare_cached(
        "SELECT case_id, seq, kind, error_json FROM outbox
         WHERE outcome = 'rejected' AND retried_at IS NULL ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, Option<String>>(0)?,
            r.get::<_, u64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (case_id, seq, kind, error) = row?;
        out.push(Rejection {
            case_id,
            seq,
            kind,
            error: error.map(|e| serde_json::from_str(&e)).transpose()?,
        });
    }
    Ok(out)
}

/// The clerk retries a case: its rejected ops stop holding it back. Returns how many there were.
/// The caller queues a fresh snapshot in the same transaction.
pub fn mark_retried(conn: &Connection, case_id: &str, now: DateTime<Utc>) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE outbox SET retried_at = ?2
         WHERE case_id = ?1 AND outcome = 'rejected' AND retried_at IS NULL",
        params![case_id, now.to_rfc3339()],
    )?)
}

pub fn cursor(conn: &Connection) -> Result<u64> {
    Ok(settings::get(conn, CURSOR_KEY)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

pub fn set_cursor(conn: &Connection, cursor: u64) -> Result<()> {
    settings::set(conn, CURSOR_KEY, &cursor.to_string())
}

/// The server-owned state of a case as one change reported it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerCaseState<'a> {
    pub status: &'a str,
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    pub version: u64,
}

/// Stores what the server says about a case. Returns false when the case is not on this window
/// (a change for a case this database never had, e.g. after a reinstall) or the change is older
/// than what is stored.
pub fn apply_server_state(
    conn: &Connection,
    case_id: &str,
    state: &ServerCaseState<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    // Cached: a drain applies thousands of confirmations, 200 to a transaction.
    let changed = conn
        .prepare_cached(
            "UPDATE cases SET server_status = ?2, server_due_on = ?3, server_due_provisional = ?4,
                 server_version = ?5, server_confirmed_at = ?6
             WHERE case_id = ?1 AND (server_version IS NULL OR server_version <= ?5)",
        )?
        .execute(params![
            case_id,
            state.status,
            state.due_on.map(|d| d.to_string()),
            state.due_provisional,
            state.version,
            now.to_rfc3339()
        ])?;
    Ok(changed > 0)
}

/// The server-owned columns of a case, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredServerState {
    pub status: String,
    pub due_on: Option<String>,
    pub due_provisional: bool,
    pub version: u64,
    /// The server's flow as JSON (migration 0005), kept from its last `case.status` change.
    pub flow_json: Option<String>,
}

impl StoredServerState {
    /// The server's flow while it holds the case in a special procedure, its clock stopped.
    pub fn paused_flow(&self) -> Result<Option<CaseFlow>> {
        let Some(json) = self
            .flow_json
            .as_deref()
            .filter(|_| self.status == "suspended")
        else {
            return Ok(None);
        };
        let flow: CaseFlow = serde_json::from_str(json)?;
        Ok(flow.is_suspended().then_some(flow))
    }
}

pub fn server_state(conn: &Connection, case_id: &str) -> Result<Option<StoredServerState>> {
    Ok(conn
        .query_row(
            "SELECT server_status, server_due_on, server_due_provisional, server_version,
                    server_flow
             FROM cases WHERE case_id = ?1 AND server_status IS NOT NULL",
            [case_id],
            |r| {
                Ok(StoredServerState {
                    status: r.get(0)?,
                    due_on: r.get(1)?,
                    due_provisional: r.get::<_, Option<bool>>(2)?.unwrap_or(true),
                    version: r.get::<_, Option<u64>>(3)?.unwrap_or(0),
                    flow_json: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// The 受理 or 不予受理 the window a village reports to took on a case the village forwarded: what
/// the village prints the citizen's notice from (migration 0004).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerDecision {
    pub on: NaiveDate,
    /// `Transition::Accept` or `Transition::Reject` with its reason and legal basis.
    pub transition: Transition,
    /// The deciding account; its clerk's name and window when the server sent them.
    pub actor: String,
    pub actor_name: Option<String>,
    pub actor_window: Option<String>,
}

pub fn record_server_decision(
    conn: &Connection,
    case_id: &str,
    decision: &ServerDecision,
) -> Result<()> {
    conn.prepare_cached("UPDATE cases SET server_decision = ?2 WHERE case_id = ?1")?
        .execute(params![case_id, serde_json::to_string(decision)?])?;
    Ok(())
}

pub fn server_decision(conn: &Connection, case_id: &str) -> Result<Option<ServerDecision>> {
    let json: Option<String> = conn
        .query_row(
            "SELECT server_decision FROM cases WHERE case_id = ?1",
            [case_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    Ok(json.map(|j| serde_json::from_str(&j)).transpose()?)
}

/// Keeps the server's flow of a case it owns (migration 0005), after `apply_server_state` took the
/// change.
pub fn record_server_flow(conn: &Connection, case_id: &str, flow: &CaseFlow) -> Result<()> {
    conn.prepare_cached("UPDATE cases SET server_flow = ?2 WHERE case_id = ?1")?
        .execute(params![case_id, serde_json::to_string(flow)?])?;
    Ok(())
}

/// Remembers a notice for the clerk; a change applied twice (resync) notifies once.
pub fn add_notice(
    conn: &Connection,
    change_seq: u64,
    case_id: &str,
    kind: &str,
    message: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "INSERT OR IGNORE INTO sync_notices (change_seq, case_id, kind, message, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            change_seq,
            case_id,
            kind,
            message,
            now.to_rfc3339()
        ])?
        > 0)
}

/// A file whose whole-file sha256 the server has not confirmed yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUpload {
    pub case_id: String,
    pub slot: String,
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
}

/// Every unconfirmed attachment, oldest first.
pub fn unconfirmed_attachments(conn: &Connection) -> Result<Vec<PendingUpload>> {
    let mut stmt = conn.prepare_cached(
        "SELECT case_id, slot, sha256, size, file_name FROM attachments
         WHERE uploaded_at IS NULL ORDER BY added_at, case_id, slot",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(PendingUpload {
            case_id: r.get(0)?,
            slot: r.get(1)?,
            sha256: r.get(2)?,
            size: r.get(3)?,
            file_name: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records upload progress; `confirmed` when the server checked the whole file's sha256.
pub fn record_upload(
    conn: &Connection,
    case_id: &str,
    slot: &str,
    sha256: &str,
    sent: u64,
    confirmed: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE attachments SET uploaded_bytes = ?4,
             uploaded_at = CASE WHEN ?5 THEN ?6 ELSE uploaded_at END
         WHERE case_id = ?1 AND slot = ?2 AND sha256 = ?3",
        params![case_id, slot, sha256, sent, confirmed, now.to_rfc3339()],
    )?;
    Ok(())
}

/// The settings key of the ETag of the catalogue edition installed from the server.
pub const CATALOGUE_ETAG_KEY: &str = "sync.catalogue_etag";

pub fn catalogue_etag(conn: &Connection) -> Result<Option<String>> {
    settings::get(conn, CATALOGUE_ETAG_KEY)
}

/// Call in the transaction that installs the edition, so the two never disagree.
pub fn set_catalogue_etag(conn: &Connection, etag: &str) -> Result<()> {
    settings::set(conn, CATALOGUE_ETAG_KEY, etag)
}
