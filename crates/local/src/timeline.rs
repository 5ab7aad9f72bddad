//! The tamper-evident case timeline (ARCHITECTURE.md §3): each entry carries the hash of the one
//! before it, sha256 over the canonical JSON of the entry without its own hash, bound to the case.
//! An edited entry changes its hash; a deleted or reordered one breaks the links; a deleted tail is
//! caught against the head hash and count kept on the case row.

use chrono::{DateTime, Utc};
use onestop_domain::canonical::hash_of;
use onestop_domain::lifecycle::CaseEvent;
use onestop_protocol::TimelineEntry;
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::error::Result;

/// The `prev_hash` of a case's first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry to append; seq and hashes are filled in by [`append`].
#[derive(Debug, Clone)]
pub struct NewEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub kind: String,
    pub event: Option<CaseEvent>,
    pub data: serde_json::Value,
}

/// The hash of `entry` as it sits in `case_id`'s chain (its own `hash` field is left out).
pub fn entry_hash(case_id: &str, entry: &TimelineEntry) -> String {
    #[derive(Serialize)]
    struct Hashed<'a> {
        case_id: &'a str,
        seq: u32,
        at: &'a DateTime<Utc>,
        actor: &'a str,
        kind: &'a str,
        event: &'a Option<CaseEvent>,
        data: &'a serde_json::Value,
        prev_hash: &'a str,
    }
    hash_of(&Hashed {
        case_id,
        seq: entry.seq,
        at: &entry.at,
        actor: &entry.actor,
        kind: &entry.kind,
        event: &entry.event,
        data: &entry.data,
        prev_hash: &entry.prev_hash,
    })
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

/// What is wrong with a timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub enum ChainBreak {
    #[error("第 {seq} 条记录的内容与其哈希不符（已被修改）")]
    Edited { seq: u32 },
    #[error("第 {seq} 条记录与前一条记录的哈希链接断开（有记录被删除、插入或调换）")]
    Broken { seq: u32 },
    #[error("记录序号不连续：期望第 {expected} 条，实际为第 {found} 条")]
    Gap { expected: u32, found: u32 },
    #[error("办件记录的末尾与登记的链头不符（末尾记录被删除或追加）")]
    HeadMismatch,
}

/// Checks the chain of `entries`, and that it ends at `head` (count and last hash from the case
/// row) when given.
pub fn verify_entries(
    case_id: &str,
    entries: &[TimelineEntry],
    head: Option<(u32, &str)>,
) -> std::result::Result<(), ChainBreak> {
    let mut prev = GENESIS_HASH.to_owned();
    for (i, e) in entries.iter().enumerate() {
        let expected = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if e.seq != expected {
            return Err(ChainBreak::Gap {
                expected,
                found: e.seq,
            });
        }
        if entry_hash(case_id, e) != e.hash {
            return Err(ChainBreak::Edited { seq: e.seq });
        }
        if e.prev_hash != prev {
            return Err(ChainBreak::Broken { seq: e.seq });
        }
        prev = e.hash.clone();
    }
    if let Some((count, hash)) = head {
        let n = u32::try_from(entries.len()).unwrap_or(u32::MAX);
        if n != count || prev != hash {
            return Err(ChainBreak::HeadMismatch);
        }
    }
    Ok(())
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
