//! The tamper-evident case timeline (ARCHITECTURE.md §3): each entry carries the hash of the one
//! before it, sha256 over the canonical JSON of the entry without its own hash, bound to the case.
//! An edited entry changes its hash; a deleted or reordered one breaks the links; a deleted tail is
//! caught against the head (count and last hash) the holder keeps. The window writes the chain and
//! the server checks it on every `case.snapshot`, so both use this one implementation.

use chrono::{DateTime, Utc};
use onestop_domain::canonical::hash_of;
use onestop_domain::lifecycle::CaseEvent;
use serde::Serialize;

use crate::TimelineEntry;

/// The `prev_hash` of a case's first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

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
