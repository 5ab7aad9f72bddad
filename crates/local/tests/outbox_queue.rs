//! The outbox's queue counts (`sync_state::queue_stats`, kept by the triggers of migration 3)
//! against a full recount, after every kind of change the outbox can see.

use chrono::Utc;
use onestop_local::db::migrate::{migrate, MIGRATIONS};
use onestop_local::rusqlite::{params, Connection};
use onestop_local::{outbox, sync_state, Db, MemoryKeyStore, DB_FILE};
use serde_json::json;

/// What the counts must be: every unacknowledged row, its payload's UTF-8 bytes.
fn recount(c: &Connection) -> (u64, u64) {
    c.query_row(
        "SELECT count(*), COALESCE(SUM(length(CAST(payload AS BLOB))), 0)
         FROM outbox WHERE acked_at IS NULL",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

fn assert_counts(c: &Connection, step: &str) {
    assert_eq!(
        sync_state::queue_stats(c).unwrap(),
        recount(c),
        "after {step}"
    );
}

/// A small deterministic generator: the mix of operations is the same on every run.
struct Mix(u64);

impl Mix {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % below
    }
}

fn payload(mix: &mut Mix, case: &str) -> serde_json::Value {
    // Multi-byte text, so characters and bytes differ.
    let name = "王芳".repeat(1 + mix.next(40) as usize);
    json!({"case": case, "name": name, "n": mix.next(1_000_000)})
}

#[test]
fn the_counts_are_utf8_bytes_of_the_unacknowledged_payloads() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join(DB_FILE), &MemoryKeyStore::new()).unwrap();
    let c = db.conn();
    assert_eq!(sync_state::queue_stats(c).unwrap(), (0, 0));
    let p = json!({"申请人": "王芳", "n": 1});
    outbox::append(c, "dev", "case.snapshot", Some("a"), p.clone(), Utc::now()).unwrap();
    let bytes = serde_json::to_string(&p).unwrap().len() as u64;
    assert!(bytes > serde_json::to_string(&p).unwrap().chars().count() as u64);
    assert_eq!(sync_state::queue_stats(c).unwrap(), (1, bytes));
    outbox::mark_result(c, 1, "applied", None, Utc::now()).unwrap();
    assert_eq!(sync_state::queue_stats(c).unwrap(), (0, 0));
}

#[test]
fn the_counts_match_a_recount_after_mixed_operations() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join(DB_FILE), &MemoryKeyStore::new()).unwrap();
    let c = db.conn();
    let mut mix = Mix(7);
    let cases = ["a", "b", "c", "d"];
    let now = Utc::now();
    for step in 0..600 {
        let max_seq: u64 = c
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM outbox", [], |r| r.get(0))
            .unwrap();
        let seq = 1 + mix.next(max_seq.max(1));
        let case = cases[mix.next(cases.len() as u64) as usize];
        let what = match mix.next(13) {
            // Appends, in their own transaction as the desk does, or bare.
            0..=3 => {
                let tx = c.unchecked_transaction().unwrap();
                let kase = (mix.next(5) != 0).then_some(case);
                outbox::append(
                    &tx,
                    "dev",
                    "case.snapshot",
                    kase,
                    payload(&mut mix, case),
                    now,
                )
                .unwrap();
                tx.commit().unwrap();
                "append"
            }
            // A push's results: applied, replayed or rejected (an op answered twice included).
            4..=6 => {
                let tx = c.unchecked_transaction().unwrap();
                for s in seq..seq + 1 + mix.next(5) {
                    let (outcome, error) = match mix.next(3) {
                        0 => ("applied", None),
                        1 => ("replayed", None),
                        _ => ("rejected", Some(json!({"code": "op.bad_hash"}))),
                    };
                    outbox::mark_result(&tx, s, outcome, error.as_ref(), now).unwrap();
                }
                tx.commit().unwrap();
                "results"
            }
            // The clerk retries a case: rejected ops marked, a fresh snapshot queued.
            7 => {
                let tx = c.unchecked_transaction().unwrap();
                sync_state::mark_retried(&tx, case, now).unwrap();
                outbox::append(
                    &tx,
                    "dev",
                    "case.snapshot",
                    Some(case),
                    payload(&mut mix, case),
                    now,
                )
                .unwrap();
                tx.commit().unwrap();
                "retry"
            }
            // A payload edited by hand (acknowledged or not), as the desk's damage test does.
            8 => {
                c.execute(
                    "UPDATE outbox SET payload = json_set(payload, '$.form.poisoned', ?2)
                     WHERE seq = ?1",
                    params![seq, "损坏".repeat(mix.next(30) as usize)],
                )
                .unwrap();
                "hand edit"
            }
            // An acknowledgement taken back, and one written twice in one statement.
            9 => {
                c.execute(
                    "UPDATE outbox SET acked_at = NULL, outcome = NULL WHERE seq = ?1",
                    [seq],
                )
                .unwrap();
                c.execute(
                    "UPDATE outbox SET acked_at = 'x', payload = payload || ' ' WHERE seq = ?1",
                    [seq + 1],
                )
                .unwrap();
                "un-ack"
            }
            // Rows removed, or replaced whole (the delete half fires through recursive_triggers).
            10 => {
                c.execute("DELETE FROM outbox WHERE seq = ?1", [seq])
                    .unwrap();
                "delete"
            }
            11 => {
                c.execute(
                    "INSERT OR REPLACE INTO outbox (seq, op_id, kind, case_id, payload, sha256,
                         created_at) VALUES (?1, ?2, 'case.snapshot', ?3, ?4, 'h', 'now')",
                    params![
                        seq,
                        format!("replaced-{step}"),
                        case,
                        payload(&mut mix, case).to_string()
                    ],
                )
                .unwrap();
                "replace"
            }
            // A transaction that appends and acknowledges, then rolls back.
            _ => {
                let tx = c.unchecked_transaction().unwrap();
                outbox::append(
                    &tx,
                    "dev",
                    "case.snapshot",
                    Some(case),
                    payload(&mut mix, case),
                    now,
                )
                .unwrap();
                outbox::mark_result(&tx, seq, "applied", None, now).unwrap();
                drop(tx);
                "rollback"
            }
        };
        assert_counts(c, &format!("step {step} ({what}, seq {seq})"));
    }
    // The mix must really have left work queued and work acknowledged, or it proved little.
    let (queued, _) = recount(c);
    let total: u64 = c
        .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
        .unwrap();
    assert!(queued > 10 && total - queued > 10, "{queued} of {total}");
}

#[test]
fn a_queue_from_before_the_counts_is_counted_when_the_migration_runs() {
    let mut c = Connection::open_in_memory().unwrap();
    c.execute_batch(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
             applied_at TEXT NOT NULL) STRICT;",
    )
    .unwrap();
    for &(version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 < 3) {
        c.execute_batch(sql).unwrap();
        c.execute(
            "INSERT INTO schema_migrations VALUES (?1, ?2, 'then')",
            params![version, name],
        )
        .unwrap();
    }
    // An older database: ops queued and acknowledged without any trigger counting them.
    for seq in 1..=30u64 {
        c.execute(
            "INSERT INTO outbox (seq, op_id, kind, case_id, payload, sha256, created_at, acked_at)
             VALUES (?1, ?2, 'case.snapshot', 'a', ?3, 'h', 'then', ?4)",
            params![
                seq,
                format!("op-{seq}"),
                json!({"名": "王".repeat(seq as usize)}).to_string(),
                (seq % 3 == 0).then_some("then")
            ],
        )
        .unwrap();
    }
    assert!(migrate(&mut c, "now").unwrap().contains(&3));
    assert_eq!(recount(&c).0, 20);
    assert_eq!(sync_state::queue_stats(&c).unwrap(), recount(&c));
}
