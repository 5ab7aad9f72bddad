//! The crash test (ARCHITECTURE.md §8): a child process accepts cases in a loop and is killed
//! with SIGKILL at random moments, 100 times. Afterwards the database must be intact, every
//! committed case complete (events, outbox row, verified hash chain), and the acceptance numbers
//! unique and gapless per day. The child is this test binary re-run on `crash_child_loop`.
//!
//! The seed is printed; rerun a failure with `ONESTOP_CRASH_SEED=<seed>`.

mod common;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use onestop_desk::{Desk, DeskConfig, FixedClock, KeyStore, MemoryKeyStore, NewCaseInput};
use onestop_domain::catalogue::WindowLevel;
use onestop_local::keystore::DB_KEY;
use onestop_local::{timeline, Db, DB_FILE};

const KILLS: u32 = 100;
const RELIEF: &str = "059900100000";

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Which day a child accepts on: a new day every 20 runs, so the daily counter is exercised
/// across days and never nears its 9999 limit.
fn run_day(run: u32) -> chrono::NaiveDate {
    day(2026, 3, 2) + chrono::Duration::days(i64::from(run / 20))
}

/// The child: accept cases until killed. Does nothing when not started by the parent.
#[tokio::test]
async fn crash_child_loop() {
    let (Ok(dir), Ok(key), Ok(run)) = (
        std::env::var("ONESTOP_CRASH_DIR"),
        std::env::var("ONESTOP_CRASH_KEY"),
        std::env::var("ONESTOP_CRASH_RUN"),
    ) else {
        return;
    };
    let keys = Arc::new(MemoryKeyStore::new());
    keys.set(DB_KEY, &hex::decode(key).unwrap()).unwrap();
    let mut config = DeskConfig::new(&dir);
    config.keystore = Some(keys);
    config.clock = Arc::new(FixedClock::at_day(run_day(run.parse().unwrap())));
    let desk = Desk::start(config).unwrap();
    let applicant_id = std::env::var("ONESTOP_CRASH_APPLICANT").unwrap();
    let relief = item(RELIEF);
    let form = desk
        .prefill_form(applicant_id.clone(), relief.impl_code.clone())
        .await
        .unwrap();
    let form = complete_form(&relief, form);
    loop {
        desk.accept(NewCaseInput {
            actor: clerk(),
            impl_code: relief.impl_code.clone(),
            applicant_id: applicant_id.clone(),
            form: form.clone(),
            materials: all_materials(&relief),
            attachments: vec![],
            proxy: None,
        })
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn killed_a_hundred_times_mid_save_nothing_is_lost_or_numbered_twice() {
    if std::env::var("ONESTOP_CRASH_DIR").is_ok() {
        return;
    }
    let seed = std::env::var("ONESTOP_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    println!("crash test seed: {seed} (ONESTOP_CRASH_SEED={seed} to replay)");
    let mut rng = XorShift(seed);
    let dir = tempfile::tempdir().unwrap();
    let t = desk_at(dir.path(), day(2026, 3, 2), WindowLevel::County).await;
    let applicant = t
        .desk
        .register_applicant(person(
            "110101199003071233",
            "王芳",
            "13800138000",
            "人民路 8 号",
        ))
        .await
        .unwrap();
    let key = t.keys.get(DB_KEY).unwrap().unwrap();
    drop(t.desk);

    let exe = std::env::current_exe().unwrap();
    let started = Instant::now();
    for run in 0..KILLS {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_child_loop",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("ONESTOP_CRASH_DIR", dir.path())
            .env("ONESTOP_CRASH_KEY", hex::encode(&key))
            .env("ONESTOP_CRASH_RUN", run.to_string())
            .env("ONESTOP_CRASH_APPLICANT", &applicant.applicant_id)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Start-up takes a few tens of ms; kill anywhere from before the first save to deep in
        // the loop.
        std::thread::sleep(Duration::from_millis(10 + rng.next() % 140));
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        assert!(
            !status.success(),
            "run {run}: the child must have been killed, not finished"
        );
    }
    println!("{KILLS} kills in {:?}", started.elapsed());

    let keys = MemoryKeyStore::new();
    keys.set(DB_KEY, &key).unwrap();
    let db = Db::open(&dir.path().join(DB_FILE), &keys).unwrap();
    let c = db.conn();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");

    let mut stmt = c
        .prepare("SELECT case_id, acceptance_number, event_count, last_outbox_seq FROM cases")
        .unwrap();
    let cases: Vec<(String, String, u32, u64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        cases.len() > 50,
        "only {} cases were committed",
        cases.len()
    );
    println!("{} cases committed", cases.len());

    let mut by_day: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (case_id, number, events, last_seq) in &cases {
        assert_eq!(*events, 2, "{number}: received and accepted");
        assert_eq!(timeline::verify(c, case_id).unwrap(), Ok(()), "{number}");
        let ops: i64 = c
            .query_row(
                "SELECT count(*) FROM outbox WHERE case_id = ?1 AND seq = ?2 AND kind = 'case.snapshot'",
                onestop_local::rusqlite::params![case_id, last_seq],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(ops, 1, "{number}: its outbox row");
        by_day
            .entry(number[10..16].to_owned())
            .or_default()
            .push(number[16..20].parse().unwrap());
    }
    for (d, mut seqs) in by_day {
        seqs.sort_unstable();
        let expected: Vec<u32> = (1..=seqs.len() as u32).collect();
        assert_eq!(seqs, expected, "day {d}: unique and gapless");
        // The counter stopped exactly at the last committed number: nothing was skipped.
        let counter: u32 = c
            .query_row(
                "SELECT value FROM sequences WHERE name LIKE 'acceptance/%/20' || ?1",
                [format!("{}-{}-{}", &d[0..2], &d[2..4], &d[4..6])],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(counter as usize, expected.len(), "day {d}");
    }
    // The outbox seq is gapless too: the applicant op plus one per case.
    let (n, max): (u64, u64) = c
        .query_row("SELECT count(*), max(seq) FROM outbox", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(n, max);
    assert_eq!(n as usize, cases.len() + 1);
}
