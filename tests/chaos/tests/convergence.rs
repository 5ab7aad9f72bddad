//! The chaos test, short version (ARCHITECTURE.md §5): two real windows (in-process desks) reach
//! the real server (in-process; SQLite temp file, and PostgreSQL when `ONESTOP_TEST_PG` is set)
//! through the seeded fault-injecting proxy. Each window accepts N cases offline, ~10% with a
//! scan; then cuts, latency, lost replies, a black hole and a server restart on the same
//! database; then the faults stop and everything must converge within 60 s (the full run adds
//! time for its gigabytes of scans, see `convergence_limit`).
//!
//! `ONESTOP_CHAOS_SEED=<n>` replays a run; `ONESTOP_CHAOS_FULL=1` runs 2,000 cases per window with
//! 1–20 MB scans (see docs/sync.md).

#[path = "../../../crates/desk/tests/common/mod.rs"]
#[allow(unused_imports)]
mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::server::TestServer;
use common::window::{window_as, Window};
use common::*;
use onestop_chaos::{ChaosProxy, Faults, SplitMix};
use onestop_desk::{AttachmentInput, NewCaseInput};
use onestop_domain::lifecycle::Transition;
use reqwest::StatusCode;

const FOOD: &str = "019900040000";

fn seed() -> u64 {
    let seed = std::env::var("ONESTOP_CHAOS_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    eprintln!("chaos seed {seed} (replay with ONESTOP_CHAOS_SEED={seed})");
    seed
}

fn full() -> bool {
    std::env::var("ONESTOP_CHAOS_FULL").is_ok_and(|v| v == "1")
}

/// The PostgreSQL URL from `ONESTOP_TEST_PG`: required in CI, loudly skipped elsewhere.
fn pg_url() -> Option<String> {
    match std::env::var("ONESTOP_TEST_PG") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must set ONESTOP_TEST_PG: the PostgreSQL store is part of what is tested"
            );
            eprintln!("ONESTOP_TEST_PG is not set: the PostgreSQL half of this test did NOT run");
            None
        }
    }
}

/// A fresh schema on the test database so runs do not see each other's rows.
async fn fresh_pg(url: &str) -> String {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let schema = format!("chaos_{}", uuid::Uuid::now_v7().simple());
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .await
        .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

fn scan_file(dir: &Path, name: &str, len: usize, rng: &mut SplitMix) -> PathBuf {
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        bytes.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    bytes.truncate(len);
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Accepts `n` cases on `w`, about one in ten with a scan; returns (case id, scan sha256).
async fn accept_offline(
    w: &Window,
    id_number: &str,
    n: usize,
    rng: &mut SplitMix,
) -> Vec<(String, Option<String>)> {
    let applicant = w
        .desk
        .register_applicant(person(
            id_number,
            "王芳",
            "13800138000",
            "城关镇人民路 8 号",
        ))
        .await
        .unwrap();
    let food = item(FOOD);
    let (lo, hi) = if full() {
        (1_000_000, 20_000_000)
    } else {
        (64 * 1024, 512 * 1024)
    };
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let form = w
            .desk
            .prefill_form(applicant.applicant_id.clone(), food.impl_code.clone())
            .await
            .unwrap();
        let mut attachments = Vec::new();
        let mut sha = None;
        if rng.next_u64() % 10 == 0 {
            let len = lo + (rng.next_u64() % (hi - lo) as u64) as usize;
            let path = scan_file(w.dir.path(), &format!("scan-{i}.pdf"), len, rng);
            let scratch = tempfile::tempdir().unwrap();
            sha = Some(
                onestop_local::attachments::import_file(scratch.path(), &path)
                    .unwrap()
                    .0,
            );
            attachments.push(AttachmentInput {
                slot: food.materials[0].id.clone(),
                path,
            });
        }
        let case = w
            .desk
            .accept(NewCaseInput {
                actor: clerk(),
                impl_code: food.impl_code.clone(),
                applicant_id: applicant.applicant_id.clone(),
                form: complete_form(&food, form),
                materials: all_materials(&food),
                attachments,
                proxy: None,
            })
            .await
            .unwrap();
        out.push((case.snapshot.case_id, sha));
    }
    out
}

/// Rounds keep being asked for (as new cases and the connection monitor would), so the faults
/// meet real traffic instead of a scheduler sitting out its backoff.
async fn busy(a: &Window, b: &Window, for_: Duration) {
    let until = Instant::now() + for_;
    while Instant::now() < until {
        a.desk.sync_now().unwrap();
        b.desk.sync_now().unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Random cuts land at a random byte of a connection, and the status calls of a quiet round
/// can end before it; so each hostile phase also cuts, for certain, the connection carrying
/// one of the next few hundred upstream bytes. A run that was meant to be hostile then always
/// is, whatever the timing (a PostgreSQL round once saw 116 connections and no cut).
fn hostile(rng: &mut SplitMix, proxy: &ChaosProxy) -> Faults {
    let sent = proxy.stats().bytes_up.load(Ordering::Relaxed);
    Faults {
        cut_probability: 0.4 + (rng.next_u64() % 20) as f64 / 100.0,
        cut_within_bytes: 16 * 1024,
        latency: Duration::from_millis(10 + rng.next_u64() % 20),
        blackhole: false,
        lose_reply_probability: 0.25,
        cut_up_at: Some(sent + 1 + rng.next_u64() % 256),
    }
}

async fn run(database: Option<String>, label: &str, seed: u64, n: usize) {
    let started = Instant::now();
    let mut rng = SplitMix::new(seed);
    let mut server = TestServer::start_on(database).await;
    let proxy = ChaosProxy::start(server.addr, seed).await.unwrap();
    let a = window_as(&server, &proxy.url(), "a").await;
    let b = window_as(&server, &proxy.url(), "b").await;

    // Offline: the proxy swallows everything while both windows accept their cases.
    proxy.set(Faults {
        blackhole: true,
        ..Faults::none()
    });
    let mut rng_b = SplitMix::new(seed ^ 0x5eed);
    let (cases_a, cases_b) = tokio::join!(
        accept_offline(&a, "110101199003071233", n, &mut rng),
        accept_offline(&b, "110101196006060069", n, &mut rng_b)
    );
    eprintln!(
        "[{label}] {n} cases per window accepted offline in {:?}",
        started.elapsed()
    );

    // Hostile network, a black hole, a server restart on the same database, hostile again.
    proxy.set(hostile(&mut rng, &proxy));
    busy(&a, &b, Duration::from_secs(6)).await;
    proxy.set(Faults {
        blackhole: true,
        ..Faults::none()
    });
    busy(&a, &b, Duration::from_secs(3)).await;
    proxy.set(hostile(&mut rng, &proxy));
    busy(&a, &b, Duration::from_secs(2)).await;
    server.stop().await;
    busy(&a, &b, Duration::from_millis(500)).await;
    server.restart().await;

    // A status change on the server during the run, for a case of window a that has arrived.
    let target = loop {
        let mut found = None;
        for (id, _) in &cases_a {
            if case_on_server(&server, &a.approver, id).await.is_some() {
                found = Some(id.clone());
                break;
            }
        }
        if let Some(id) = found {
            break id;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "no case of window a reached the server"
        );
        a.desk.sync_now().unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    for step in [
        Transition::Handle {
            opinion: "同意".into(),
        },
        Transition::Review {
            opinion: "同意".into(),
        },
        Transition::Decide {
            approve: true,
            reason: String::new(),
            legal_basis: String::new(),
        },
    ] {
        let (code, body) = server.act(&a.approver, &target, step).await;
        assert_eq!(code, StatusCode::OK, "{body}");
    }
    busy(&a, &b, Duration::from_secs(3)).await;

    // Faults off: everything converges within the limit.
    proxy.set(Faults::none());
    let stats = proxy.stats();
    eprintln!(
        "[{label}] faults off after {:?}: {} connections, {} cuts, {} lost replies, {} black-holed",
        started.elapsed(),
        stats.connections.load(Ordering::Relaxed),
        stats.cuts.load(Ordering::Relaxed),
        stats.lost_replies.load(Ordering::Relaxed),
        stats.blackholed.load(Ordering::Relaxed),
    );
    // The run really was hostile.
    assert!(
        stats.cuts.load(Ordering::Relaxed) > 0,
        "no cut happened (seed {seed})"
    );
    assert!(
        stats.blackholed.load(Ordering::Relaxed) > 0
            || stats.connections.load(Ordering::Relaxed) > 2
    );
    let scan_bytes = scan_bytes(&a) + scan_bytes(&b);
    let limit = convergence_limit(scan_bytes);
    eprintln!(
        "[{label}] {} MB of scans to have on the server; convergence limit {limit:?}",
        scan_bytes / 1_000_000
    );
    let calm = Instant::now();
    let scans: Vec<&(String, Option<String>)> = cases_a
        .iter()
        .chain(cases_b.iter())
        .filter(|(_, sha)| sha.is_some())
        .collect();
    loop {
        let sa = a.desk.sync_status();
        let sb = b.desk.sync_status();
        let quiet = sa.queued_ops == 0
            && sb.queued_ops == 0
            && sa.upload.is_none()
            && sb.upload.is_none()
            && server_cases(&server).await.len() == 2 * n;
        if quiet && scans_complete(&server, &a, &scans).await {
            let approved = a.desk.case_detail(target.clone()).await.unwrap();
            if approved.server_status.as_deref() == Some("approved") {
                break;
            }
        }
        assert!(
            calm.elapsed() < limit,
            "[{label}] no convergence {limit:?} after the faults stopped (seed {seed}): a {sa:?} b {sb:?}"
        );
        a.desk.sync_now().unwrap();
        b.desk.sync_now().unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    eprintln!(
        "[{label}] converged {:?} after the faults stopped",
        calm.elapsed()
    );

    // Exactly 2N cases, no duplicates, unique acceptance numbers, every scan byte-identical.
    let on_server = server_cases(&server).await;
    assert_eq!(on_server.len(), 2 * n);
    let ids: HashSet<&str> = on_server.iter().map(|c| c.0.as_str()).collect();
    let numbers: HashSet<&str> = on_server.iter().map(|c| c.1.as_str()).collect();
    assert_eq!(ids.len(), 2 * n, "duplicate case ids on the server");
    assert_eq!(numbers.len(), 2 * n, "duplicate acceptance numbers");
    for (id, _) in cases_a.iter().chain(cases_b.iter()) {
        assert!(ids.contains(id.as_str()), "case {id} missing on the server");
    }
    let files = server_files(&server.upload_dir());
    for (_, sha) in &scans {
        let sha = sha.as_ref().unwrap();
        assert!(
            files.contains(sha),
            "scan {sha} not on the server byte for byte"
        );
    }
    assert_eq!(a.desk.sync_status().queued_ops, 0);
    assert_eq!(b.desk.sync_status().queued_ops, 0);
    eprintln!(
        "[{label}] {} cases, {} scans, total {:?}",
        2 * n,
        scans.len(),
        started.elapsed()
    );
}

/// 60 s, plus for the full run the time its scans need at 10 MB/s: 400-odd scans of 1–20 MB are
/// about 4 GB, which no 2-core machine uploads, hashes twice and fsyncs in 60 s (the windows
/// upload one file at a time, most of it only once the faults stop). The short run's scans
/// (64–512 KiB) fit in the 60 s.
fn convergence_limit(scan_bytes: u64) -> Duration {
    let base = Duration::from_secs(60);
    if full() {
        base + Duration::from_secs(scan_bytes / 10_000_000)
    } else {
        base
    }
}

/// Bytes of the scans a window made (`scan-*.pdf` in its folder).
fn scan_bytes(w: &Window) -> u64 {
    std::fs::read_dir(w.dir.path())
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with("scan-"))
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

async fn server_cases(server: &TestServer) -> Vec<(String, String)> {
    let from = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let to = chrono::NaiveDate::from_ymd_opt(2100, 1, 1).unwrap();
    server
        .store
        .cases_received(common::server::COUNTY, from, to)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.case_id, c.acceptance_number))
        .collect()
}

/// `GET /v1/cases/{id}`; `None` when it is not there or the request failed (a connection pooled
/// before the restart may be dead).
async fn case_on_server(server: &TestServer, token: &str, id: &str) -> Option<serde_json::Value> {
    let r = server
        .http
        .get(format!("{}/v1/cases/{id}", server.url))
        .bearer_auth(token)
        .send()
        .await
        .ok()?;
    if r.status() != StatusCode::OK {
        return None;
    }
    r.json().await.ok()
}

async fn scans_complete(
    server: &TestServer,
    w: &Window,
    scans: &[&(String, Option<String>)],
) -> bool {
    for (id, _) in scans {
        match case_on_server(server, &w.approver, id).await {
            Some(body) if body["attachments_incomplete"] == false => {}
            _ => return false,
        }
    }
    true
}

fn server_files(dir: &Path) -> HashSet<String> {
    let scratch = tempfile::tempdir().unwrap();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return HashSet::new();
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_none())
        .map(|p| {
            onestop_local::attachments::import_file(scratch.path(), &p)
                .unwrap()
                .0
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_windows_converge_after_chaos() {
    let seed = seed();
    let n = if full() { 2000 } else { 150 };
    run(None, "sqlite", seed, n).await;
    if let Some(url) = pg_url() {
        let url = fresh_pg(&url).await;
        run(Some(url), "postgres", seed, n).await;
    }
}
