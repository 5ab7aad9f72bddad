//! Load benchmark of the real server, in process on 127.0.0.1:0, over real HTTP with signed
//! requests: (a) ingest — N windows each pushing batches of 100 valid `case.snapshot` ops at once;
//! (b) polling — 20,000 windows polling `GET /v1/changes` every 30 s (≈667 requests/s, open loop)
//! from a pool of enrolled devices. Runs on SQLite (temp file) and on PostgreSQL when
//! `ONESTOP_TEST_PG` is set.
//!
//! `cargo bench -p onestop-server --bench load`; scale with LOAD_DEVICES, LOAD_BATCHES,
//! LOAD_POLL_RATE, LOAD_POLL_SECS, LOAD_POLL_POOL, LOAD_STORES (e.g. `sqlite,postgres`).
//! Figures and commands: docs/benchmarks.md, section "onestop-server (load)".

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::*;
use ed25519_dalek::Signer;
use onestop_domain::lifecycle::Role;
use onestop_protocol::*;
use reqwest::Method;

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

struct Window {
    device: Device,
    token: String,
}

/// A signed request with a fresh nonce; the body is already serialised.
fn signed(
    http: &reqwest::Client,
    base: &str,
    w: &Window,
    method: Method,
    path: &str,
    body: Vec<u8>,
) -> reqwest::RequestBuilder {
    let s = Signing::now(&w.device);
    let text = signing::signing_string(
        method.as_str(),
        path,
        s.timestamp,
        &s.nonce,
        &signing::body_sha256(&body),
    );
    let sig = STANDARD.encode(w.device.key.sign(text.as_bytes()).to_bytes());
    let mut req = http
        .request(method, format!("{base}{path}"))
        .header(signing::HEADER_DEVICE, w.device.id())
        .header(signing::HEADER_TIMESTAMP, s.timestamp.to_string())
        .header(signing::HEADER_NONCE, s.nonce)
        .header(signing::HEADER_SIGNATURE, sig)
        .bearer_auth(&w.token);
    if !body.is_empty() {
        req = req.header("content-type", "application/json").body(body);
    }
    req
}

/// `n` more enrolled windows, each with its own clerk signed in on its device.
async fn windows(s: &Running, world: &World, n: usize) -> Vec<Window> {
    let mut out = vec![Window {
        device: world.device.clone(),
        token: world.clerk_token.clone(),
    }];
    for i in 1..n {
        let device = enrol(s, &world.admin_token, &format!("窗口{i}")).await;
        let username = format!("clerk{i}");
        create_user(
            s,
            &world.admin_token,
            &username,
            Role::WindowClerk,
            None,
            Some(&device.enrolled.window_id),
        )
        .await;
        let token = s.login(&username, PASSWORD, Some(&device)).await.token;
        out.push(Window { device, token });
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// CPU seconds used so far by this process (clients and server, all threads) and by the local
/// PostgreSQL processes (live backends plus those already reaped by the postmaster), from
/// `/proc`. Wall time on a shared 2-core machine swings with other load; CPU per op does not.
/// The PostgreSQL figure counts every local `postgres` process, so another client of the same
/// cluster would add to it.
fn cpu_secs() -> (f64, f64) {
    // utime + stime (+ cutime + cstime when `children`), in clock ticks of 1/100 s on Linux.
    fn ticks(stat: &str, children: bool) -> Option<u64> {
        let rest = &stat[stat.rfind(')')? + 2..];
        let f: Vec<&str> = rest.split(' ').collect();
        let n = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        // Fields 14–17 of stat(5), counted from field 3 (state) at index 0.
        Some(n(11) + n(12) + if children { n(13) + n(14) } else { 0 })
    }
    let own = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| ticks(&s, false))
        .unwrap_or(0);
    let mut pg = 0;
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        if !stat.contains("(postgres)") {
            continue;
        }
        // The postmaster (its parent is not a postgres) also carries its reaped backends.
        let ppid_is_pg = stat
            .rsplit(')')
            .next()
            .and_then(|r| r.split(' ').nth(2))
            .and_then(|ppid| std::fs::read_to_string(format!("/proc/{ppid}/stat")).ok())
            .is_some_and(|p| p.contains("(postgres)"));
        pg += ticks(&stat, !ppid_is_pg).unwrap_or(0);
    }
    (own as f64 / 100.0, pg as f64 / 100.0)
}

struct Row {
    store: &'static str,
    phase: String,
    requests: usize,
    wall: Duration,
    rate: String,
    p50: f64,
    p99: f64,
    errors: usize,
    /// CPU ms per op (ingest) or per request (poll): this process, then the local PostgreSQL.
    cpu: (f64, f64),
}

/// (a) Every window pushes its batches back to back, all windows at once.
async fn ingest(s: &Running, ws: &[Window], batches: usize) -> Row {
    // Bodies are built before the clock starts: the client's JSON is not the server's cost.
    let mut plans = Vec::new();
    for w in ws {
        let applicant_id = uuid::Uuid::now_v7().to_string();
        let first = op(
            &w.device,
            1,
            op_kind::APPLICANT_UPSERT,
            &applicant(&applicant_id),
        );
        let r = signed(
            &s.http,
            &s.url,
            w,
            Method::POST,
            "/v1/ops",
            serde_json::to_vec(&PushRequest { ops: vec![first] }).unwrap(),
        )
        .send()
        .await
        .unwrap();
        assert!(r.status().is_success(), "{:?}", r.text().await);
        let template = accepted_case(&w.device, 0, 1, &applicant_id);
        let today = template.flow.received_on;
        let mut bodies = Vec::new();
        for b in 0..batches {
            let ops = (0..100u64)
                .map(|i| {
                    let n = (b as u64) * 100 + i + 1;
                    let mut case = template.clone();
                    case.case_id = uuid::Uuid::now_v7().to_string();
                    case.acceptance_number = onestop_domain::numbering::AcceptanceNumber::new(
                        &onestop_domain::ids::DivisionCode::parse(COUNTY).unwrap(),
                        onestop_domain::numbering::TerminalCode::new(w.device.terminal()).unwrap(),
                        today,
                        n as u16,
                    )
                    .unwrap()
                    .to_string();
                    // The timeline's hashes are bound to the case id (§3), so chain it anew.
                    seal_timeline(&mut case);
                    op(&w.device, n + 1, op_kind::CASE_SNAPSHOT, &case)
                })
                .collect();
            bodies.push(serde_json::to_vec(&PushRequest { ops }).unwrap());
        }
        plans.push(bodies);
    }
    let cpu_before = cpu_secs();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (w, bodies) in ws.iter().zip(plans) {
        let (http, url) = (s.http.clone(), s.url.clone());
        let w = Window {
            device: w.device.clone(),
            token: w.token.clone(),
        };
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut errors = 0;
            for body in bodies {
                let t = Instant::now();
                let r = signed(&http, &url, &w, Method::POST, "/v1/ops", body)
                    .send()
                    .await;
                let ok = match r {
                    Ok(r) if r.status().is_success() => {
                        let res: PushResponse = r.json().await.unwrap();
                        let bad = res.results.iter().find(|r| r.outcome != OpOutcome::Applied);
                        if let (Some(bad), 0) = (bad, errors) {
                            eprintln!("push not applied: {bad:?}");
                        }
                        bad.is_none()
                    }
                    // The first failure of each window says why, so a red run explains itself.
                    Ok(r) => {
                        if errors == 0 {
                            eprintln!("push failed: {} {:?}", r.status(), r.text().await);
                        }
                        false
                    }
                    Err(e) => {
                        if errors == 0 {
                            eprintln!("push failed: {e}");
                        }
                        false
                    }
                };
                lat.push(t.elapsed());
                errors += usize::from(!ok);
            }
            (lat, errors)
        }));
    }
    let mut lat = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await.unwrap();
        lat.extend(l);
        errors += e;
    }
    let wall = started.elapsed();
    let cpu_after = cpu_secs();
    lat.sort();
    let ops = ws.len() * batches * 100;
    Row {
        store: "",
        phase: format!("ingest {} windows × {batches} × 100 ops", ws.len()),
        requests: lat.len(),
        wall,
        rate: format!("{:.0} ops/s", ops as f64 / wall.as_secs_f64()),
        p50: percentile(&lat, 0.5),
        p99: percentile(&lat, 0.99),
        errors,
        cpu: per_unit(cpu_before, cpu_after, ops),
    }
}

/// CPU ms per op or request between two [`cpu_secs`] readings.
fn per_unit(before: (f64, f64), after: (f64, f64), n: usize) -> (f64, f64) {
    let n = n.max(1) as f64;
    (
        (after.0 - before.0) * 1000.0 / n,
        (after.1 - before.1) * 1000.0 / n,
    )
}

/// (b) Open-loop polling at `rate` requests/s for `secs`, round-robin over the pool, each window
/// asking from its own cursor (most answers are empty, as for an idle window).
async fn polling(s: &Running, ws: &[Window], rate: f64, secs: u64) -> Row {
    let mut cursors = Vec::new();
    for w in ws {
        let mut after = 0;
        loop {
            let path = format!("/v1/changes?after={after}&limit=1000");
            let page: ChangesPage = signed(&s.http, &s.url, w, Method::GET, &path, vec![])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            after = page.next_cursor;
            if !page.has_more {
                break;
            }
        }
        cursors.push(after);
    }
    let ws: Arc<Vec<(Window, u64)>> = Arc::new(
        ws.iter()
            .zip(cursors)
            .map(|(w, c)| {
                (
                    Window {
                        device: w.device.clone(),
                        token: w.token.clone(),
                    },
                    c,
                )
            })
            .collect(),
    );
    let total = (rate * secs as f64) as usize;
    let period = Duration::from_secs_f64(1.0 / rate);
    let cpu_before = cpu_secs();
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(total);
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    for i in 0..total {
        tick.tick().await;
        let (http, url, ws) = (s.http.clone(), s.url.clone(), Arc::clone(&ws));
        tasks.push(tokio::spawn(async move {
            let (w, after) = &ws[i % ws.len()];
            let path = format!("/v1/changes?after={after}&limit=100");
            let t = Instant::now();
            let ok = match signed(&http, &url, w, Method::GET, &path, vec![])
                .send()
                .await
            {
                Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                Err(_) => false,
            };
            (t.elapsed(), ok)
        }));
    }
    let mut lat = Vec::with_capacity(total);
    let mut errors = 0;
    for t in tasks {
        let (l, ok) = t.await.unwrap();
        lat.push(l);
        errors += usize::from(!ok);
    }
    let wall = started.elapsed();
    let cpu_after = cpu_secs();
    lat.sort();
    Row {
        store: "",
        cpu: per_unit(cpu_before, cpu_after, lat.len()),
        phase: format!("poll {} windows, target {rate:.0}/s × {secs} s", ws.len()),
        requests: lat.len(),
        wall,
        rate: format!("{:.0} req/s", lat.len() as f64 / wall.as_secs_f64()),
        p50: percentile(&lat, 0.5),
        p99: percentile(&lat, 0.99),
        errors,
    }
}

async fn run(store: &'static str, s: Running) -> Vec<Row> {
    let devices: usize = env_num("LOAD_DEVICES", 10);
    let batches: usize = env_num("LOAD_BATCHES", 10);
    let rate: f64 = env_num("LOAD_POLL_RATE", 20_000.0 / 30.0);
    let secs: u64 = env_num("LOAD_POLL_SECS", 30);
    let pool: usize = env_num("LOAD_POLL_POOL", 50);
    let world = world(&s).await;
    let ws = windows(&s, &world, devices.max(pool)).await;
    let mut a = ingest(&s, &ws[..devices], batches).await;
    a.store = store;
    eprintln!("{store}: ingest done");
    // LOAD_POLL_SECS=0 measures ingest alone.
    if secs == 0 {
        return vec![a];
    }
    let mut b = polling(&s, &ws[..pool], rate, secs).await;
    b.store = store;
    vec![a, b]
}

fn main() {
    // Only `cargo bench` runs this; `cargo test --benches` passes --bench too, the list does not.
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let stores = std::env::var("LOAD_STORES").unwrap_or_else(|_| "sqlite,postgres".into());
        let mut rows = Vec::new();
        if stores.contains("sqlite") {
            rows.extend(run("sqlite", start_sqlite().await).await);
        }
        if stores.contains("postgres") {
            match std::env::var("ONESTOP_TEST_PG") {
                Ok(url) if !url.is_empty() => {
                    rows.extend(run("postgres", start_pg(&url).await).await)
                }
                _ => eprintln!("ONESTOP_TEST_PG is not set: the PostgreSQL run did NOT happen"),
            }
        }
        println!(
            "\n| store | phase | requests | wall s | achieved | p50 ms | p99 ms | errors \
             | CPU ms/unit: bench process | local PostgreSQL |"
        );
        println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for r in rows {
            println!(
                "| {} | {} | {} | {:.2} | {} | {:.1} | {:.1} | {} | {:.3} | {:.3} |",
                r.store,
                r.phase,
                r.requests,
                r.wall.as_secs_f64(),
                r.rate,
                r.p50,
                r.p99,
                r.errors,
                r.cpu.0,
                r.cpu.1
            );
        }
    });
}
