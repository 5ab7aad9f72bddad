//! The tamper-evident case timeline (ARCHITECTURE.md §3): each entry carries the hash of the one
//! before it, sha256 over the canonical JSON of the entry without its own hash, bound to the case.
//! An edited entry changes its hash; a deleted or reordered one breaks the links; a deleted tail is
//! caught against the head hash and count kept on the case row.

use chrono::{DateTime, Utc};
use onestop_domain::lifecycle::CaseEvent;
use onestop_protocol::TimelineEntry;
use rusqlite::{params, Connection};

// The hashing and the chain check are part of the wire contract (the server checks the same
// chain), so they live in `onestop-protocol`; re-exported here where the store uses them.
pub use onestop_protocol::timeline::{entry_hash, verify_entries, ChainBreak, GENESIS_HASH};

use crate::error::Result;

/// An entry to append; seq and hashes are filled in by [`append`].
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: String,
    pub event: Option<CaseEvent>,
    pub data: serde_json::Value,
}

/// Chains `new` after the head `(count, hash)` and inserts the entries. Returns them with their
/// seq and hashes. Call inside the transaction of the change.
pub fn append(
    conn: &Connection,
    case_id: &str,
    head: (u32, &str),
    new: Vec<NewEntry>,
) -> Result<Vec<TimelineEntry>> {
    let (mut seq, prev) = head;
    let mut prev = prev.to_owned();
    let mut out = Vec::with_capacity(new.len());
    let mut stmt = conn.prepare_cached(
        "INSERT INTO case_events (case_id, seq, kind, prev_hash, hash, entry_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for e in new {
        seq += 1;
        let mut entry = TimelineEntry {
            seq,
            at: e.at,
            actor: e.actor,
            kind: e.kind,
            event: e.event,
            data: e.data,
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        entry.hash = entry_hash(case_id, &entry);
        stmt.execute(params![
            case_id,
            seq,
            entry.kind,
            entry.prev_hash,
            entry.hash,
            serde_json::to_string(&entry)?
        ])?;
        prev = entry.hash.clone();
        out.push(entry);
    }
    Ok(out)
}

/// The stored entries of a case in order.
pub fn load(conn: &Connection, case_id: &str) -> Result<Vec<TimelineEntry>> {
    let mut stmt =
        conn.prepare_cached("SELECT entry_json FROM case_events WHERE case_id = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([case_id], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(serde_json::from_str(&json?)?);
    }
    Ok(out)
}

/// Verifies a stored case: every row's JSON against its hash columns, the chain, and the head on
/// the case row.
pub fn verify(conn: &Connection, case_id: &str) -> Result<std::result::Result<(), ChainBreak>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, prev_hash, hash, entry_json FROM case_events WHERE case_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok((
            r.get::<_, u32>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut entries = Vec::new();
    for row in rows {
        let (seq, prev_hash, hash, json) = row?;
        let entry: TimelineEntry = serde_json::from_str(&json)?;
        // The indexed columns must say what the JSON says.
        if entry.seq != seq || entry.prev_hash != prev_hash || entry.hash != hash {
            return Ok(Err(ChainBreak::Edited { seq }));
        }
        entries.push(entry);
    }
    let head: (u32, String) = conn.query_row(
        "SELECT event_count, head_hash FROM cases WHERE case_id = ?1",
        [case_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(verify_entries(
        case_id,
        &entries,
        Some((head.0, head.1.as_str())),
    ))
}
