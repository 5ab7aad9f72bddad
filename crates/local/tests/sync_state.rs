//! The hold-back rule and the change cursor on a real encrypted database.

use chrono::Utc;
use onestop_local::sync_state::{self, ServerCaseState};
use onestop_local::{outbox, Db, MemoryKeyStore, DB_FILE};
use serde_json::json;

#[test]
fn a_rejected_op_holds_back_its_own_case_only_until_retried() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let db = Db::open(&dir.path().join(DB_FILE), &keys).unwrap();
    let c = db.conn();
    let now = Utc::now();
    for (case, n) in [("a", 1), ("b", 1), ("a", 2), (("-"), 0), ("b", 2)] {
        let case = (case != "-").then_some(case);
        outbox::append(c, "dev", "case.snapshot", case, json!({"n": n}), now).unwrap();
    }
    let seqs = |limit| {
        sync_state::next_batch(c, "srv-dev", limit)
            .unwrap()
            .iter()
            .map(|o| (o.seq, o.device_id.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(seqs(100).len(), 5);
    assert_eq!(seqs(100)[0].1, "srv-dev");
    // seq 1 (case a) is rejected: seq 3 (case a) waits; b and the case-less op go on.
    outbox::mark_result(c, 1, "rejected", Some(&json!({"code": "op.bad_hash"})), now).unwrap();
    let left: Vec<u64> = seqs(100).into_iter().map(|s| s.0).collect();
    assert_eq!(left, vec![2, 4, 5]);
    assert_eq!(sync_state::queue_stats(c).unwrap().0, 4);
    assert_eq!(sync_state::open_rejections(c).unwrap().len(), 1);
    // The clerk retries case a: its later op is released.
    assert_eq!(sync_state::mark_retried(c, "a", now).unwrap(), 1);
    let left: Vec<u64> = seqs(100).into_iter().map(|s| s.0).collect();
    assert_eq!(left, vec![2, 3, 4, 5]);
    assert!(sync_state::open_rejections(c).unwrap().is_empty());
    assert_eq!(seqs(2).len(), 2);
}

#[test]
fn cursor_is_stored_and_a_notice_is_kept_once() {
    let dir = tempfile::tempdir().unwrap();
    let keys = MemoryKeyStore::new();
    let db = Db::open(&dir.path().join(DB_FILE), &keys).unwrap();
    let c = db.conn();
    assert_eq!(sync_state::cursor(c).unwrap(), 0);
    sync_state::set_cursor(c, 42).unwrap();
    assert_eq!(sync_state::cursor(c).unwrap(), 42);
    let state = ServerCaseState {
        status: "approved",
        due_on: None,
        due_provisional: false,
        version: 3,
    };
    // No such case on this window: nothing to update.
    assert!(!sync_state::apply_server_state(c, "nope", &state, Utc::now()).unwrap());
    assert!(sync_state::add_notice(c, 7, "x", "case.status", "m", Utc::now()).unwrap());
    assert!(!sync_state::add_notice(c, 7, "x", "case.status", "m", Utc::now()).unwrap());
}
