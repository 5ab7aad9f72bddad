//! onestop-sync benchmarks through the real parts (docs/benchmarks.md, "onestop-sync (drain and
//! resume)"): a real window (`onestop-desk`, its encrypted SQLite file) syncs through a counting
//! loopback proxy (`ChaosProxy` without faults) to the real server in process on a SQLite file.
//!
//! - **drain**: the window accepts N cases (default 10,000) while the server is down; the server
//!   comes back and the clock runs until the outbox is empty and the round has ended. Figures:
//!   cases per second, bytes on the wire per case each way (counted by the proxy), and the
//!   process's CPU time (getrusage; window and server share the process). Run with request
//!   compression on and off (`ONESTOP_SYNC_GZIP=0`), each in a fresh child process.
//! - **resume**: a 50 MB scan; the proxy cuts the upload at 90 % of the file; the engine resumes
//!   from the server's offset. Figures: bytes sent after the cut against the bytes missing, and
//!   the bytes of the file sent twice.
//! - **accept** (`--only accept`, not in the default run): the clerk is signed in, the server is
//!   down, and the window accepts `--queue` cases (default 3,000) one after another; each accept
//!   is timed. Every accept triggers a round that fails at once, so this is what the clerk waits
//!   for with a long offline queue.
//!
//! `cargo bench -p onestop-chaos --bench drain_resume` (options after `--`: `--runs 2`,
//! `--cases 10000`, `--windows 2`, `--scan-bytes 50000000`, `--only drain|resume|accept`,
//! `--store sqlite|pg`, `--queue 3000`, `--gzip on|off|both`). `--store pg` runs the drain's
//! server on a fresh schema of the PostgreSQL database in `ONESTOP_TEST_PG`, dropped afterwards.
//! A terminal numbers at most 9,999 cases a day, so more cases than that need two windows.

#[path = "../../../crates/desk/tests/common/mod.rs"]
#[allow(unused_imports)]
mod common;
#[path = "support/measure.rs"]
mod measure;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::server::{TestServer, PASSWORD};
use common::window::{window_as, Window};
use common::*;
use measure::{cpu_seconds, AcceptLatency, Args, Drain, Resume};
use onestop_chaos::{ChaosProxy, Faults, SplitMix};
use onestop_desk::{
    AttachmentInput, Desk, DeskConfig, KeyStore, MemoryKeyStore, NewCaseInput, SyncStatus,
};
use onestop_domain::lifecycle::Role;
use onestop_local::{settings, sync_state, Db, DB_FILE};
use onestop_protocol::MAX_OPS_PER_PUSH;

const FOOD: &str = "019900040000";

fn main() {
    let args = Args::parse();
    if let Some(child) = &args.child {
        let line = match child.as_str() {
            "drain" => {
                serde_json::to_string(&drain_child(args.cases, args.windows, &args.store)).unwrap()
            }
            "accept" => {
                let rt = runtime("cli");
                serde_json::to_string(&rt.block_on(accept_latency(args.queue))).unwrap()
            }
            "resume" => {
                let rt = runtime("cli");
                serde_json::to_string(&rt.block_on(resume(args.scan_bytes))).unwrap()
            }
            other => panic!("unknown child {other}"),
        };
        println!("RESULT {line}");
        return;
    }
    let machine = measure::machine_note();
    println!("onestop-sync drain and resume; {machine}");
    if args.only.as_deref() == Some("accept") {
        for run in 1..=args.runs {
            let a: AcceptLatency = run_child("accept", true, &args);
            println!("accept run {run}: {}", a.line());
        }
        return;
    }
    if args.only.as_deref() != Some("resume") {
        let mut on = Vec::new();
        let mut off = Vec::new();
        for run in 1..=args.runs {
            for (gzip, out) in [(true, &mut on), (false, &mut off)] {
                if args.gzip == if gzip { "off" } else { "on" } {
                    continue;
                }
                let d: Drain = run_child("drain", gzip, &args);
                println!("drain run {run}, gzip {}: {}", onoff(gzip), d.line());
                out.push(d);
            }
        }
        println!();
        println!(
            "| drain {} cases, {} window(s), {} store | cases/s | up B/case | down B/case | CPU s (process) | CPU ms/case | of which server | of which window | sign-in to round end s | server handlers s |",
            args.cases, args.windows, args.store
        );
        println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (label, runs) in [("gzip on", &on), ("gzip off", &off)] {
            if !runs.is_empty() {
                println!("{}", Drain::table_row(label, runs));
            }
        }
        if let Some(first) = on.first() {
            println!();
            println!("{}", first.gzip.line());
        }
    }
    if args.only.as_deref() != Some("drain") {
        let mut runs = Vec::new();
        for run in 1..=args.runs {
            let r: Resume = run_child("resume", true, &args);
            println!("resume run {run}: {}", r.line());
            runs.push(r);
        }
        println!();
        println!("{}", Resume::table(&runs));
        let worst = runs.iter().map(|r| r.resent_bytes).max().unwrap_or(0);
        println!(
            "goal ≤ 4 MiB resent: {}",
            if worst <= 4 * 1024 * 1024 {
                "met"
            } else {
                "MISSED"
            }
        );
    }
}

fn onoff(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

/// Runs one measurement in a fresh process, so CPU time and the compression switch are its own.
fn run_child<T: serde::de::DeserializeOwned>(what: &str, gzip: bool, args: &Args) -> T {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--child", what])
        .args(["--cases", &args.cases.to_string()])
        .args(["--windows", &args.windows.to_string()])
        .args(["--scan-bytes", &args.scan_bytes.to_string()])
        .args(["--store", &args.store])
        .args(["--queue", &args.queue.to_string()])
        .env(
            onestop_sync::compress::GZIP_ENV,
            if gzip { "1" } else { "0" },
        )
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Some(line) = stdout.lines().find_map(|l| l.strip_prefix("RESULT ")) else {
        panic!(
            "child {what} failed ({}):\n{stdout}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    };
    serde_json::from_str(line).unwrap()
}

/// Waits on the window's status stream (not a fixed sleep) until `ok` holds.
async fn until(w: &Window, what: &str, limit: Duration, ok: impl Fn(&SyncStatus) -> bool) {
    let started = Instant::now();
    let mut rx = w.desk.subscribe_sync();
    loop {
        if ok(&rx.borrow_and_update()) {
            return;
        }
        let left = limit.saturating_sub(started.elapsed());
        assert!(
            !left.is_zero(),
            "{what}: not within {limit:?}: {:?}",
            *rx.borrow()
        );
        let _ = tokio::time::timeout(left, rx.changed()).await;
    }
}

/// A runtime whose threads (workers and blocking pool) carry `name`, so their CPU time can be
/// told apart in /proc (`measure::thread_cpu`).
fn runtime(name: &str) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(name)
        .enable_all()
        .build()
        .unwrap()
}

/// The server, the proxy and the window each on their own runtime, so the drain's CPU time can
/// be split between them.
fn drain_child(cases: usize, windows: usize, store: &str) -> Drain {
    let srv = runtime("srv");
    let net = runtime("net");
    let cli = runtime("cli");
    let pg = (store == "pg").then(|| srv.block_on(PgSchema::fresh()));
    let server = srv.block_on(TestServer::start_on(pg.as_ref().map(|p| p.url.clone())));
    let proxy = net.block_on(ChaosProxy::start(server.addr, 1)).unwrap();
    let out = cli.block_on(drain(cases, windows, server, proxy));
    if let Some(pg) = pg {
        srv.block_on(pg.drop_schema());
    }
    out
}

/// A schema of its own on the PostgreSQL test database (`ONESTOP_TEST_PG`), as the chaos
/// convergence test makes one, so a run neither sees nor leaves other runs' rows.
struct PgSchema {
    base: String,
    schema: String,
    url: String,
}

impl PgSchema {
    async fn fresh() -> PgSchema {
        let base = std::env::var("ONESTOP_TEST_PG")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .expect("--store pg needs ONESTOP_TEST_PG (a PostgreSQL URL)");
        let schema = format!("drain_{}", uuid::Uuid::now_v7().simple());
        Self::admin(&base)
            .await
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .await
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
        PgSchema { base, schema, url }
    }

    async fn admin(url: &str) -> tokio_postgres::Client {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client
    }

    async fn drop_schema(self) {
        let dropped = Self::admin(&self.base)
            .await
            .batch_execute(&format!("DROP SCHEMA {} CASCADE", self.schema))
            .await;
        if let Err(e) = dropped {
            eprintln!("schema {} left behind: {e}", self.schema);
        }
    }
}

async fn drain(cases: usize, windows: usize, server: TestServer, proxy: ChaosProxy) -> Drain {
    // A terminal numbers at most 9,999 acceptances a day, so 10,000 cases come from two
    // windows (two terminals) that sign in and drain at the same moment.
    assert!((1..=2).contains(&windows), "--windows is 1 or 2");
    let per_window = cases / windows;
    let a = enrolled_window(&server, &proxy.url(), "a").await;
    let b = if windows == 2 {
        Some(enrolled_window(&server, &proxy.url(), "b").await)
    } else {
        None
    };
    let started = Instant::now();
    match &b {
        Some(b) => {
            tokio::join!(
                queue_cases(&a, "110101199003071233", per_window),
                queue_cases(b, "110101196006060069", cases - per_window)
            );
        }
        None => queue_cases(&a, "110101199003071233", cases).await,
    }
    let accept_secs = started.elapsed().as_secs_f64();
    let (mut queued, mut queued_bytes) = queue_of(&a);
    if let Some(b) = &b {
        let (ops, bytes) = queue_of(b);
        queued += ops;
        queued_bytes += bytes;
    }
    let gzip = measure::gzip_sample(&first_push_body(&a));

    // For profiling: `DRAIN_PROFILE_PAUSE=20` leaves time to attach `perf record -p`.
    if let Some(secs) = std::env::var("DRAIN_PROFILE_PAUSE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        eprintln!(
            "drain: pid {} pausing {secs} s before the clerks sign in",
            std::process::id()
        );
        tokio::time::sleep(Duration::from_secs(secs)).await;
    }

    // The clerks sign in: each engine starts and its first round drains the queue, pulls the
    // server's confirmations and checks the catalogue. From here the clock runs.
    let up0 = proxy.stats().bytes_up.load(Ordering::Relaxed);
    let down0 = proxy.stats().bytes_down.load(Ordering::Relaxed);
    let cpu0 = cpu_seconds();
    let threads0 = measure::thread_cpu();
    let t0 = Instant::now();
    match &b {
        Some(b) => {
            tokio::join!(sign_in_and_drain(&a, "a"), sign_in_and_drain(b, "b"));
        }
        None => sign_in_and_drain(&a, "a").await,
    }
    let done = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    let threads = measure::thread_cpu().since(&threads0);
    let up = proxy.stats().bytes_up.load(Ordering::Relaxed) - up0;
    let down = proxy.stats().bytes_down.load(Ordering::Relaxed) - down0;
    let on_server = server_cases(&server).await;
    assert_eq!(on_server, cases, "every case reached the server");
    // The server's own time in the handlers (its request-duration histogram, summed), so the
    // wall time can be split into server and window (+ loopback).
    let server_secs = measure::server_handler_secs(&server.http, &server.url).await;
    Drain {
        cases,
        windows,
        queued_ops: queued,
        queued_bytes,
        accept_secs,
        round_end_secs: done,
        bytes_up: up,
        bytes_down: down,
        cpu_secs: cpu,
        cpu_server_secs: threads.server,
        cpu_proxy_secs: threads.proxy,
        cpu_window_secs: threads.window,
        server_push_secs: server_secs.0,
        server_pull_secs: server_secs.1,
        gzip,
    }
}

/// `n` cases accepted on `w` for one applicant.
async fn queue_cases(w: &Window, id_number: &str, n: usize) {
    let food = item(FOOD);
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
    for _ in 0..n {
        let form = w
            .desk
            .prefill_form(applicant.applicant_id.clone(), food.impl_code.clone())
            .await
            .unwrap();
        w.desk
            .accept(NewCaseInput {
                actor: clerk(),
                impl_code: food.impl_code.clone(),
                applicant_id: applicant.applicant_id.clone(),
                form: complete_form(&food, form),
                materials: all_materials(&food),
                attachments: Vec::new(),
                proxy: None,
            })
            .await
            .unwrap();
    }
}

/// Signs the clerk of `w` in and waits for the engine's first round to end with an empty outbox.
async fn sign_in_and_drain(w: &Window, suffix: &str) {
    w.desk
        .login(format!("clerk{suffix}"), PASSWORD.into())
        .await
        .unwrap();
    until(w, "the queue to drain", Duration::from_secs(900), |s| {
        s.last_success_at.is_some() && s.queued_ops == 0 && !s.running
    })
    .await;
}

/// A window enrolled on `server` through `url`, its clerk (`clerk{suffix}`) created on the
/// server but not signed in.
async fn enrolled_window(server: &TestServer, url: &str, suffix: &str) -> Window {
    let admin = server.login("admin", common::server::ADMIN_PASSWORD).await;
    let code = server.enrolment_code(&admin, "城关镇便民服务中心").await;
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let mut config = DeskConfig::new(dir.path());
    config.keystore = Some(keys.clone() as Arc<dyn KeyStore>);
    config.server_url = url.to_owned();
    config.sync_timeout = Duration::from_secs(30);
    let desk = Desk::start(config).unwrap();
    desk.install_catalogue(demo_json()).await.unwrap();
    let enrolled = desk.enrol(url.to_owned(), code.code).await.unwrap();
    server
        .create_user(
            &admin,
            &format!("clerk{suffix}"),
            Role::WindowClerk,
            None,
            Some(&enrolled.window_id),
        )
        .await;
    Window {
        desk,
        dir,
        keys,
        admin,
        approver: String::new(),
    }
}

/// Ops and payload bytes waiting in the window's outbox, from its database file.
fn queue_of(w: &Window) -> (u64, u64) {
    let db = Db::open(&w.dir.path().join(DB_FILE), w.keys.as_ref()).unwrap();
    sync_state::queue_stats(db.conn()).unwrap()
}

/// The body of the first push the window will send: the first 100 queued ops, as JSON (the
/// protocol's `PushRequest`).
fn first_push_body(w: &Window) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Push<T> {
        ops: Vec<T>,
    }
    let db = Db::open(&w.dir.path().join(DB_FILE), w.keys.as_ref()).unwrap();
    let device = settings::get(db.conn(), "server.device_id")
        .unwrap()
        .unwrap();
    let ops = sync_state::next_batch(db.conn(), &device, MAX_OPS_PER_PUSH).unwrap();
    serde_json::to_vec(&Push { ops }).unwrap()
}

/// The clerk signed in, the server gone: `queue` accepts, each timed, each triggering a round that
/// fails at once (the proxy finds nothing listening behind it).
async fn accept_latency(queue: usize) -> AcceptLatency {
    let mut server = TestServer::start_on(None).await;
    let proxy = ChaosProxy::start(server.addr, 3).await.unwrap();
    let w = enrolled_window(&server, &proxy.url(), "a").await;
    w.desk
        .login("clerka".into(), PASSWORD.into())
        .await
        .unwrap();
    until(&w, "the first round", Duration::from_secs(60), |s| {
        s.last_success_at.is_some() && !s.running
    })
    .await;
    let applicant = w
        .desk
        .register_applicant(person(
            "110101199003071233",
            "王芳",
            "13800138000",
            "城关镇人民路 8 号",
        ))
        .await
        .unwrap();
    server.stop().await;
    let food = item(FOOD);
    let mut accept_ms = Vec::with_capacity(queue);
    let started = Instant::now();
    for _ in 0..queue {
        let form = w
            .desk
            .prefill_form(applicant.applicant_id.clone(), food.impl_code.clone())
            .await
            .unwrap();
        let t = Instant::now();
        w.desk
            .accept(NewCaseInput {
                actor: clerk(),
                impl_code: food.impl_code.clone(),
                applicant_id: applicant.applicant_id.clone(),
                form: complete_form(&food, form),
                materials: all_materials(&food),
                attachments: Vec::new(),
                proxy: None,
            })
            .await
            .unwrap();
        accept_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let total_secs = started.elapsed().as_secs_f64();
    let status = w.desk.sync_status();
    assert!(
        status.failures > 0 && status.queued_ops as usize > queue / 2,
        "the rounds were meant to fail with the queue growing: {status:?}"
    );
    AcceptLatency {
        queue,
        accept_ms,
        total_secs,
    }
}

async fn server_cases(server: &TestServer) -> usize {
    let from = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let to = chrono::NaiveDate::from_ymd_opt(2100, 1, 1).unwrap();
    server
        .store
        .cases_received(common::server::COUNTY, from, to)
        .await
        .unwrap()
        .len()
}

fn scan_file(dir: &Path, len: usize, second: bool) -> PathBuf {
    // Random bytes: a scan is already compressed.
    let mut rng = SplitMix::new(if second { 0x5ca9 } else { 0x9ac5 });
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        bytes.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    bytes.truncate(len);
    let path = dir.join(if second { "scan-2.pdf" } else { "scan-1.pdf" });
    std::fs::write(&path, bytes).unwrap();
    path
}

async fn resume(size: usize) -> Resume {
    let server = TestServer::start_on(None).await;
    let proxy = ChaosProxy::start(server.addr, 2).await.unwrap();
    let w = window_as(&server, &proxy.url(), "").await;
    until(&w, "the first round", Duration::from_secs(60), |s| {
        s.last_success_at.is_some() && !s.running
    })
    .await;
    let applicant = w
        .desk
        .register_applicant(person(
            "110101199003071233",
            "王芳",
            "13800138000",
            "城关镇人民路 8 号",
        ))
        .await
        .unwrap();

    // The same upload twice, first clean, then cut at 90 %: the difference in upstream bytes is
    // what the cut cost (the file bytes sent twice, plus one more round's requests).
    let clean = upload_case(&w, &server, &proxy, &applicant.applicant_id, size, None).await;
    let cut = upload_case(
        &w,
        &server,
        &proxy,
        &applicant.applicant_id,
        size,
        Some(0.9),
    )
    .await;
    let cut_offset = cut.server_offset_at_cut.expect("the proxy cut the upload");
    Resume {
        size: size as u64,
        clean_upstream: clean.upstream,
        cut_upstream: cut.upstream,
        resent_bytes: cut.upstream.saturating_sub(clean.upstream),
        cut_at_file_byte: cut.cut_at_file_byte,
        server_offset_at_cut: cut_offset,
        missing_after_cut: size as u64 - cut_offset,
        sent_after_cut: cut.sent_after_cut,
        clean_secs: clean.secs,
        cut_secs: cut.secs,
    }
}

struct Upload {
    upstream: u64,
    secs: f64,
    cut_at_file_byte: u64,
    server_offset_at_cut: Option<u64>,
    sent_after_cut: u64,
}

/// Accepts a case with a scan of `size` random bytes and waits until the server has the whole
/// file; with `cut`, the proxy cuts the connection at that fraction of the file.
async fn upload_case(
    w: &Window,
    server: &TestServer,
    proxy: &ChaosProxy,
    applicant_id: &str,
    size: usize,
    cut: Option<f64>,
) -> Upload {
    let food = item(FOOD);
    let form = w
        .desk
        .prefill_form(applicant_id.to_owned(), food.impl_code.clone())
        .await
        .unwrap();
    let path = scan_file(w.dir.path(), size, cut.is_some());
    until(w, "a quiet window", Duration::from_secs(60), |s| {
        s.queued_ops == 0 && !s.running && s.upload.is_none()
    })
    .await;
    let up0 = proxy.stats().bytes_up.load(Ordering::Relaxed);
    let cuts0 = proxy.stats().cuts.load(Ordering::Relaxed);
    // The case's push and the upload's create go first (a few KB), so the cut lands just short
    // of the fraction of the file.
    let cut_mark = cut.map(|f| up0 + (size as f64 * f) as u64);
    proxy.set(Faults {
        cut_up_at: cut_mark,
        ..Faults::none()
    });
    let started = Instant::now();
    let case = w
        .desk
        .accept(NewCaseInput {
            actor: clerk(),
            impl_code: food.impl_code.clone(),
            applicant_id: applicant_id.to_owned(),
            form: complete_form(&food, form),
            materials: all_materials(&food),
            attachments: vec![AttachmentInput {
                slot: food.materials[0].id.clone(),
                path,
            }],
            proxy: None,
        })
        .await
        .unwrap();
    let case_id = case.snapshot.case_id;
    let mut server_offset_at_cut = None;
    let mut up_at_cut = 0;
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let rows = server.store.case_uploads(&case_id).await.unwrap();
        if rows.iter().any(|r| r.completed_at.is_some()) {
            break;
        }
        // Read the server's offset the moment the proxy cuts: it cannot move again before the
        // window has noticed the failure and started a new round (several requests later).
        if server_offset_at_cut.is_none() && proxy.stats().cuts.load(Ordering::Relaxed) > cuts0 {
            server_offset_at_cut = Some(rows.iter().map(|r| r.offset).max().unwrap_or(0));
            up_at_cut = proxy.stats().bytes_up.load(Ordering::Relaxed);
        }
        // After the cut the engine backs off (≤ 2 s with jitter); ask at once, as the clerk's
        // "sync now" or the next local write would.
        let s = w.desk.sync_status();
        if server_offset_at_cut.is_some() && s.failures > 0 && !s.running {
            w.desk.sync_now().unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "the upload did not finish: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    proxy.set(Faults::none());
    let up = proxy.stats().bytes_up.load(Ordering::Relaxed);
    Upload {
        upstream: up - up0,
        secs,
        cut_at_file_byte: cut_mark.map(|m| m - up0).unwrap_or(0),
        server_offset_at_cut,
        sent_after_cut: if cut.is_some() { up - up_at_cut } else { 0 },
    }
}
