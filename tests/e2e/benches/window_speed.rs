//! Window speed (issue 8, item 10): the release app through tauri-driver and WebKitWebDriver under
//! Xvfb, against the release server, measuring
//!
//! - (a) launch → interactive login screen, cold (page cache dropped) and warm;
//! - (b) 受理 (F2) on a filled acceptance form → voucher preview image visible;
//! - (c) memory (PSS) of the app, WebKitWebProcess and WebKitNetworkProcess after the acceptances.
//!
//! ```sh
//! bash scripts/build-ui.sh
//! CARGO_TARGET_DIR=/work/target-speed cargo build --release -p onestop-app -p onestop-server
//! CARGO_TARGET_DIR=/work/target-speed xvfb-run -a -s "-screen 0 1366x768x24" \
//!   cargo bench -p onestop-e2e --bench window_speed
//! ```
//!
//! Environment: SPEED_LAUNCHES (cold/warm pairs, default 7), SPEED_ACCEPTS (default 100),
//! SPEED_COLD (`drop`: `echo 3 > /proc/sys/vm/drop_caches`, the default; `evict`:
//! posix_fadvise(DONTNEED) on every file the app's processes map; `off`), SPEED_APP_ENV
//! (`K=V,K2=V2`: extra environment for the app, to try WebKit switches), SPEED_SMAPS_DIR (keep
//! each process's /proc/PID/smaps at every memory checkpoint), SPEED_TRACE=1 (print each launch's
//! page timeline: the document, the app's performance marks, the paints; and when Tauri's setup
//! logged and the desk started, from the app's log), SPEED_PROFILE (the
//! cargo profile measured, `release` unless set; `dist` is the build for clerks' PCs, built with
//! `cargo build --profile dist -p onestop-app -p onestop-server`), SPEED_BASELINE=1
//! (launch Tauri's empty window, `src-tauri/examples/empty_window.rs`, instead of the app, and
//! stop after the launches).
//! Timings are taken inside the page (performance.now(), requestAnimationFrame) and from /proc,
//! not from WebDriver round trips; the method is in docs/benchmarks.md, "Window speed".
//! It never runs in `make test`: `cargo test`/nextest list or run it without `--bench`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::key::Key;
use onestop_e2e::flows::{
    enrol_and_sign_in, next_citizen, start_disability_case, start_disability_case_known,
    NextCitizen,
};
use onestop_e2e::procfs;
use onestop_e2e::seed::{Api, CLERK, CLERK_PASSWORD, DISABILITY_DEPT};
use onestop_e2e::{free_port, AppSession, AppSessionBuilder, TestServer};
use serde_json::Value;

const LONG: Duration = Duration::from_secs(60);
/// The idle wait before the last memory reading.
const IDLE_SECS: u64 = 20;
const APPLICANT_ID: &str = "110101199003071233";

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn epoch_ms(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
        * 1000.0
}

fn median(v: &[f64]) -> f64 {
    percentile(v, 0.5)
}

/// Nearest-rank percentile on a copy; NaN for an empty list.
fn percentile(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[rank - 1]
}

fn summary(v: &[f64]) -> String {
    if v.is_empty() {
        return "—".into();
    }
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!(
        "median {:.0} ms (min {:.0}, p90 {:.0}, max {:.0}; n={})",
        median(v),
        min,
        percentile(v, 0.9),
        max,
        v.len()
    )
}

// ---------------------------------------------------------------------------------------------
// Cold start: the page cache

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Cold {
    Drop,
    Evict,
    Off,
}

/// `sync; echo 3 > /proc/sys/vm/drop_caches`.
fn drop_caches() -> std::io::Result<()> {
    // SAFETY: sync(2) has no memory effects.
    unsafe { libc::sync() };
    std::fs::write("/proc/sys/vm/drop_caches", "3")
}

/// posix_fadvise(POSIX_FADV_DONTNEED) on each file: the kernel drops its clean cached pages,
/// except pages some running process has mapped.
fn evict(files: &BTreeSet<PathBuf>) {
    use std::os::fd::AsRawFd;
    // SAFETY: sync(2) has no memory effects.
    unsafe { libc::sync() };
    for f in files {
        if let Ok(file) = std::fs::File::open(f) {
            // SAFETY: fadvise on a descriptor we own; only a hint to the kernel.
            unsafe {
                libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_DONTNEED);
            }
        }
    }
}

/// The fraction of a file's pages in the page cache (mincore), to show that "cold" was cold.
fn cached_fraction(path: &Path) -> Option<f64> {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(path).ok()?;
    let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
    if len == 0 {
        return None;
    }
    // SAFETY: a private read-only mapping of a file we hold open, unmapped below; mincore only
    // writes one byte per page into a vector of the right size.
    unsafe {
        let addr = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            libc::MAP_PRIVATE,
            file.as_raw_fd(),
            0,
        );
        if addr == libc::MAP_FAILED {
            return None;
        }
        let page = usize::try_from(libc::sysconf(libc::_SC_PAGESIZE)).ok()?;
        let pages = len.div_ceil(page);
        let mut vec = vec![0u8; pages];
        let ok = libc::mincore(addr, len, vec.as_mut_ptr()) == 0;
        libc::munmap(addr, len);
        ok.then(|| vec.iter().filter(|b| *b & 1 == 1).count() as f64 / pages as f64)
    }
}

/// Every regular file the app's processes have mapped (binary, libraries, fonts, caches).
fn mapped_files(pids: &[u32]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for pid in pids {
        let Ok(maps) = std::fs::read_to_string(format!("/proc/{pid}/maps")) else {
            continue;
        };
        for line in maps.lines() {
            if let Some(i) = line.find(" /") {
                let p = line[i + 1..].trim_end_matches(" (deleted)");
                if !p.starts_with("/dev/") && !p.starts_with("/memfd") {
                    out.insert(PathBuf::from(p));
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Processes

/// The app process under tauri-driver, once WebKitWebDriver has started it.
async fn app_pid(app: &AppSession) -> u32 {
    let driver = app.driver_pid().expect("tauri-driver pid");
    let started = Instant::now();
    loop {
        if let Some(pid) = procfs::find_descendant(driver, app_name()) {
            return pid;
        }
        assert!(
            started.elapsed() < LONG,
            "no {} under tauri-driver",
            app_name()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Ends the session, then waits until the app and its WebKit processes have exited (SIGTERM to
/// any still there after 10 s), so the next launch does not meet the last one's database lock.
async fn close_and_wait(app: AppSession) {
    let pid = app_pid(&app).await;
    let mut pids = vec![pid];
    pids.extend(procfs::descendants(pid).into_iter().map(|(p, _)| p));
    app.close().await;
    let started = Instant::now();
    while pids
        .iter()
        .any(|p| Path::new(&format!("/proc/{p}")).exists())
    {
        if started.elapsed() > Duration::from_secs(10) {
            eprintln!("the app (pid {pid}) outlived its session; SIGTERM");
            for p in &pids {
                if let Ok(p) = i32::try_from(*p) {
                    // SAFETY: kill(2) with a valid signal; these are processes this bench started.
                    unsafe {
                        libc::kill(p, libc::SIGTERM);
                    }
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// PSS in KiB of the app and of each of its descendants, by name.
fn memory(app: u32) -> Vec<(String, u32, u64)> {
    let mut rows = vec![(
        app_name().to_owned(),
        app,
        procfs::pss_kib(app).unwrap_or(0),
    )];
    for (pid, name) in procfs::descendants(app) {
        rows.push((name, pid, procfs::pss_kib(pid).unwrap_or(0)));
    }
    rows
}

/// With `SPEED_SMAPS_DIR`, keeps `/proc/PID/smaps` of every process at a checkpoint as
/// `<label>-<process>.smaps`, to see which mappings grow (heap, JavaScriptCore, images, libraries).
fn keep_smaps(label: &str, rows: &[(String, u32, u64)]) {
    let Some(dir) = std::env::var_os("SPEED_SMAPS_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    let _ = std::fs::create_dir_all(&dir);
    for (name, pid, _) in rows {
        if let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/smaps")) {
            let _ = std::fs::write(dir.join(format!("{label}-{name}.smaps")), text);
        }
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// PSS of the processes named `name` in one reading, MiB.
fn pss_of(rows: &[(String, u32, u64)], name: &str) -> f64 {
    mib(rows.iter().filter(|r| r.0 == name).map(|r| r.2).sum())
}

/// PSS of every process in one reading, MiB.
fn pss_total(rows: &[(String, u32, u64)]) -> f64 {
    mib(rows.iter().map(|r| r.2).sum())
}

fn memory_line(rows: &[(String, u32, u64)]) -> String {
    let parts: Vec<String> = rows
        .iter()
        .map(|(n, _, k)| format!("{n} {:.1}", mib(*k)))
        .collect();
    format!("total {:.1} MiB ({})", pss_total(rows), parts.join(", "))
}

// ---------------------------------------------------------------------------------------------
// (a) launch → interactive login screen

/// Resolves at the first animation frame in which the login page's username input is
/// interactive: present, enabled, editable, visible (checkVisibility with opacity and CSS
/// visibility), inside the viewport with a non-empty box, the topmost element at its centre
/// (no overlay over it) and holding the keyboard focus (the page focuses it on mount; if it has
/// not, the probe focuses it and requires that to work). `at` is that frame's time, `painted` the
/// next frame's (by then the frame showing it has been produced), both as epoch ms.
const LOGIN_PROBE: &str = r#"
const done = arguments[arguments.length - 1];
if (location.protocol === 'about:' || !document.body) { done({ state: 'blank' }); return; }
const epoch = () => performance.timeOrigin + performance.now();
let why = 'not checked';
function interactive() {
  const input = document.querySelector('input[data-testid=login-username], [data-testid=login-username] input');
  if (!input || !input.isConnected) { why = 'no input; page ' + location.href + ' ' + (document.querySelector('[data-testid^=page-]')?.dataset.testid ?? 'none'); return null; }
  if (input.disabled || input.readOnly) { why = 'disabled'; return null; }
  if (!input.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) { why = 'hidden'; return null; }
  const r = input.getBoundingClientRect();
  if (r.width < 1 || r.height < 1 || r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) { why = 'box ' + JSON.stringify(r) + ' ' + innerWidth + 'x' + innerHeight; return null; }
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  if (hit !== input && !input.contains(hit)) { why = 'covered by ' + (hit ? hit.outerHTML.slice(0, 120) : 'null'); return null; }
  const byPage = document.activeElement === input;
  if (!byPage) input.focus();
  if (document.activeElement !== input) { why = 'focus refused'; return null; }
  return { byPage };
}
// What the page did between navigation start and `at` (SPEED_TRACE=1 prints it), ms from
// navigation start: the document, resource entries (WebKit lists none for Tauri's protocol), the
// app's own marks and the paints.
function trace(at) {
  const r = (x) => Math.round(x);
  const nav = performance.getEntriesByType('navigation')[0];
  const rows = [];
  if (nav) rows.push(['document', r(nav.startTime), r(nav.responseEnd)], ['dom interactive', r(nav.domInteractive)], ['DOMContentLoaded end', r(nav.domContentLoadedEventEnd)]);
  for (const e of performance.getEntriesByType('resource')) rows.push([e.name.replace(/^.*\//, ''), r(e.startTime), r(e.responseEnd)]);
  for (const e of performance.getEntriesByType('mark')) rows.push([e.name, r(e.startTime)]);
  for (const e of performance.getEntriesByType('paint')) rows.push([e.name, r(e.startTime)]);
  rows.push(['interactive', r(at)]);
  return rows.sort((a, b) => a[1] - b[1]);
}
const paint = performance.getEntriesByType('paint').map((e) => [e.name, performance.timeOrigin + e.startTime]);
const first = interactive();
if (first) { done({ state: 'already', at: epoch(), origin: performance.timeOrigin, paint, byPage: first.byPage }); return; }
const limit = performance.now() + 25000;
function tick() {
  const ok = interactive();
  if (ok) {
    const at = epoch();
    requestAnimationFrame(() => done({
      state: 'seen', at, painted: epoch(), origin: performance.timeOrigin, byPage: ok.byPage,
      paint: performance.getEntriesByType('paint').map((e) => [e.name, performance.timeOrigin + e.startTime]),
      trace: trace(at - performance.timeOrigin),
    }));
    return;
  }
  if (performance.now() > limit) { done({ state: 'timeout', why }); return; }
  requestAnimationFrame(tick);
}
requestAnimationFrame(tick);
"#;

struct Launch {
    cold: bool,
    /// Process creation (fork by WebKitWebDriver) → first frame with the input interactive.
    spawn_to_interactive: f64,
    /// … → the frame after it.
    spawn_to_painted: f64,
    /// Process creation → the webview's navigation start (performance.timeOrigin).
    spawn_to_navigation: f64,
    /// Process creation → the desk's "desk started" log line (inside Tauri's setup).
    spawn_to_desk: Option<f64>,
    /// The new-session request → interactive (includes tauri-driver's and WebKitWebDriver's work).
    request_to_interactive: f64,
    /// The new-session request → the app process exists.
    request_to_spawn: f64,
    /// The session request's answer, from the request.
    session_open: f64,
    first_paint: Option<f64>,
    /// libwebkit2gtk's share in the page cache just before the launch.
    webkit_cached: Option<f64>,
    load: String,
    pss_kib: u64,
}

/// The last "desk started" line in the app's logs, as epoch ms.
fn desk_started(data: &Path) -> Option<f64> {
    logged_at(data, "desk started")
}

/// The last line of the app's logs that contains `needle`, as epoch ms.
fn logged_at(data: &Path, needle: &str) -> Option<f64> {
    onestop_e2e::app_log_lines(data, needle)
        .iter()
        .filter_map(|line| parse_rfc3339(line.split_whitespace().next().unwrap_or_default()))
        .reduce(f64::max)
}

/// `2026-11-28T12:01:03.123456Z` (tracing's format) as epoch ms.
fn parse_rfc3339(s: &str) -> Option<f64> {
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    let mut d = date.split('-').map(|x| x.parse::<i64>());
    let (y, m, day) = (d.next()?.ok()?, d.next()?.ok()?, d.next()?.ok()?);
    let mut t = time.split(':');
    let (h, min) = (
        t.next()?.parse::<i64>().ok()?,
        t.next()?.parse::<i64>().ok()?,
    );
    let sec: f64 = t.next()?.parse().ok()?;
    // Days from civil (Howard Hinnant).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + min * 60) as f64 + sec) * 1000.0)
}

/// The app's environment; SPEED_APP_ENV adds more (`K=V,K2=V2`, e.g. WebKit switches to try).
fn builder(server: &TestServer, data: &Path) -> AppSessionBuilder {
    let mut b = AppSessionBuilder::new();
    if baseline() {
        b = b.application(onestop_e2e::binary("examples/empty_window"));
    }
    let mut b = b
        .env("ONESTOP_SERVER_URL", server.url())
        .env("ONESTOP_HEALTH_INTERVAL_SECS", "2")
        .env("ONESTOP_DATA_DIR", data.to_string_lossy());
    for kv in std::env::var("SPEED_APP_ENV")
        .unwrap_or_default()
        .split(',')
    {
        if let Some((k, v)) = kv.split_once('=') {
            b = b.env(k.trim(), v.trim());
        }
    }
    b
}

/// The cargo profile of the app and server measured: `SPEED_PROFILE`, `release` unless set
/// (`dist` is the build for clerks' PCs, `[profile.dist]` in Cargo.toml).
fn speed_profile() -> String {
    std::env::var("SPEED_PROFILE").unwrap_or_else(|_| "release".to_owned())
}

/// `SPEED_BASELINE=1`: launch Tauri's empty window (`src-tauri/examples/empty_window.rs`)
/// instead of the app, measured the same way, and stop after the launches.
fn baseline() -> bool {
    std::env::var("SPEED_BASELINE").is_ok_and(|v| v == "1")
}

/// The app process's name (`comm`).
fn app_name() -> &'static str {
    if baseline() {
        "empty_window"
    } else {
        "onestop-app"
    }
}

async fn launch_once(
    server: &TestServer,
    data: &Path,
    cold: Option<(Cold, &BTreeSet<PathBuf>)>,
) -> (Launch, AppSession) {
    let ready = builder(server, data).start_driver().await;
    ready.wait_native(Duration::from_secs(20)).await;
    // Let tauri-driver and WebKitWebDriver finish starting before the clock or the cache matter.
    tokio::time::sleep(Duration::from_millis(500)).await;
    match cold {
        Some((Cold::Drop, _)) => drop_caches().expect("drop_caches"),
        Some((Cold::Evict, files)) => evict(files),
        _ => {}
    }
    let webkit_cached = cached_fraction(Path::new(
        "/usr/lib/x86_64-linux-gnu/libwebkit2gtk-4.1.so.0",
    ));
    let load = procfs::load_average();
    let requested = SystemTime::now();
    let clock = Instant::now();
    let app = ready.open().await;
    let session_open = clock.elapsed().as_secs_f64() * 1000.0;
    let pid = app_pid(&app).await;
    let spawned = epoch_ms(procfs::start_time(pid).expect("app start time"));

    let probing = Instant::now();
    let probe = loop {
        match app.client.execute_async(LOGIN_PROBE, vec![]).await {
            Ok(v) if v["state"] == "blank" => {}
            Ok(v) => break v,
            Err(e) => {
                let shot = app.screenshot("login-probe").await;
                eprintln!("login probe: {e}; again (see {})", shot.display());
            }
        }
        assert!(probing.elapsed() < LONG, "the login probe never ran");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    match probe["state"].as_str() {
        Some("seen") => {}
        Some("already") => eprintln!(
            "warning: the login input was already interactive when the probe first ran; this \
             launch's time is an upper bound"
        ),
        other => panic!("login screen never became interactive: {other:?} {probe}"),
    }
    let at = probe["at"].as_f64().expect("at");
    let painted = probe["painted"].as_f64().unwrap_or(at);
    let origin = probe["origin"].as_f64().expect("origin");
    let first_paint = probe["paint"].as_array().and_then(|a| {
        a.iter()
            .find(|e| e[0] == "first-contentful-paint")
            .and_then(|e| e[1].as_f64())
    });
    if std::env::var("SPEED_TRACE").is_ok_and(|v| v == "1") {
        if let Some(rows) = probe["trace"].as_array() {
            let line: Vec<String> = rows
                .iter()
                .filter_map(|r| r.as_array())
                .map(|r| {
                    let cells: Vec<String> = r.iter().map(|c| c.to_string()).collect();
                    cells.join(" ")
                })
                .collect();
            eprintln!(
                "  page trace (ms from navigation start): {}",
                line.join(" | ")
            );
        }
    }
    if std::env::var("SPEED_TRACE").is_ok_and(|v| v == "1") {
        let since_spawn = |needle: &str| logged_at(data, needle).map(|t| (t - spawned).round());
        eprintln!(
            "  setup (ms from spawn): logging up {:?}, desk started {:?}",
            since_spawn("webview memory settings"),
            since_spawn("desk started")
        );
    }
    let pss = memory(pid).iter().map(|r| r.2).sum();
    let launch = Launch {
        cold: cold.is_some(),
        spawn_to_interactive: at - spawned,
        spawn_to_painted: painted - spawned,
        spawn_to_navigation: origin - spawned,
        spawn_to_desk: desk_started(data).map(|t| t - spawned),
        request_to_interactive: at - epoch_ms(requested),
        request_to_spawn: spawned - epoch_ms(requested),
        session_open,
        first_paint: first_paint.map(|t| t - spawned),
        webkit_cached,
        load,
        pss_kib: pss,
    };
    (launch, app)
}

// ---------------------------------------------------------------------------------------------
// (b) F2 → voucher preview

/// Installed before F2 is pressed. A capturing keydown listener on window sees the key before the
/// page's own handler; from there every animation frame checks for the result line and for the
/// preview image: a new one (the dialog keeps the previous case's image in the DOM while the next
/// loads), decoded (complete, natural width), visible (checkVisibility with opacity) and with a
/// non-empty box. `settled` is the first frame after that with no animation running in the
/// dialog (its 0.3 s fade-in done). All times are performance.now() ms.
const PREVIEW_PROBE: &str = r#"
const s = window.__speed = { key: null, result: null, shown: null, settled: null };
// One probe at a time: the previous acceptance's listener is removed, so 100 acceptances leave
// no listeners behind in the page being measured.
if (window.__speedProbe) window.removeEventListener('keydown', window.__speedProbe, { capture: true });
window.__speedProbe = (e) => {
  if (e.key !== 'F2' || s.key !== null) return;
  s.key = performance.now();
  // The dialog keeps the last voucher's image while it loads the next: only a new one counts.
  const stale = document.querySelector('img[data-testid=voucher-page]')?.src ?? null;
  const tick = () => {
    const now = performance.now();
    if (s.result === null && document.querySelector('[data-testid=accept-result]')) s.result = now;
    const img = document.querySelector('img[data-testid=voucher-page]');
    if (s.shown === null && img && img.src !== stale && img.complete && img.naturalWidth > 0
        && img.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) {
      const r = img.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) s.shown = now;
    }
    if (s.shown !== null && s.settled === null) {
      const overlay = img && img.closest('.el-overlay');
      const running = overlay ? overlay.getAnimations({ subtree: true }).filter((a) => a.playState === 'running') : [];
      if (running.length === 0) s.settled = now;
    }
    if (s.settled === null && now - s.key < 60000) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
};
window.addEventListener('keydown', window.__speedProbe, { capture: true });
return true;
"#;

/// What the page holds at a memory checkpoint: a count that grows with each acceptance points at
/// what the web process keeps.
const PAGE_SIZE_PROBE: &str = r#"
return {
  elements: document.getElementsByTagName('*').length,
  body_children: document.body.children.length,
  images: document.images.length,
  window_keys: Object.keys(window).length,
};
"#;

struct Preview {
    /// keydown in the page → first frame with the image visible.
    key_to_shown: f64,
    /// keydown → the result line (受理 done, before the preview is rendered).
    key_to_result: f64,
    /// keydown → the dialog's fade-in finished.
    key_to_settled: f64,
    /// WebDriver's view: before the F2 request → wait_visible saw an image (polls every 25 ms).
    /// Not the measure: the previous case's image, still in the dialog, satisfies it.
    webdriver: f64,
}

async fn accept_and_time(app: &AppSession) -> Preview {
    app.client
        .execute(PREVIEW_PROBE, vec![])
        .await
        .expect("install preview probe");
    let pressed = Instant::now();
    app.keys(&Key::F2.to_string()).await;
    app.wait_visible("img[data-testid=voucher-page]", LONG)
        .await;
    let webdriver = pressed.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let s: Value = loop {
        let v = app
            .client
            .execute("return window.__speed;", vec![])
            .await
            .expect("read probe");
        if !v["settled"].is_null() {
            break v;
        }
        assert!(started.elapsed() < LONG, "preview never settled: {v}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let result = app.text("[data-testid=accept-result]").await;
    assert!(result.contains("已受理"), "{result}");
    let t = |k: &str| s[k].as_f64().unwrap_or(f64::NAN);
    Preview {
        key_to_shown: t("shown") - t("key"),
        key_to_result: t("result") - t("key"),
        key_to_settled: t("settled") - t("key"),
        webdriver,
    }
}

// ---------------------------------------------------------------------------------------------

fn main() {
    // Only `cargo bench` runs this: nextest lists targets with --list, and `cargo test --benches`
    // runs a harness-less bench without --bench.
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") || !args.iter().any(|a| a == "--bench") {
        return;
    }
    onestop_e2e::use_profile(&speed_profile());
    // The app keeps its database key in the kernel keyring under a fixed name (keyutils, as no
    // Secret Service runs here), in the user-session keyring that every process of the user
    // shares. Another e2e run enrolling a window at the same time replaces that key and this run's
    // window can no longer open its database (`local.key_missing`, the enrol page on the next
    // launch). A session keyring of our own, inherited by tauri-driver and the app, keeps them
    // apart.
    // SAFETY: keyctl(KEYCTL_JOIN_SESSION_KEYRING, NULL) only replaces this process's keyring.
    let keyring = unsafe {
        libc::syscall(
            libc::SYS_keyctl,
            1, // KEYCTL_JOIN_SESSION_KEYRING
            std::ptr::null::<libc::c_char>(),
        )
    };
    if keyring < 0 {
        eprintln!(
            "could not join a private session keyring ({}): a concurrent e2e run may break this one",
            std::io::Error::last_os_error()
        );
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(run());
}

/// The launch table: cold and warm columns, one row per measure.
fn print_launch_table(launches: &[Launch]) {
    let pick = |cold: bool, f: fn(&Launch) -> f64| -> Vec<f64> {
        launches.iter().filter(|l| l.cold == cold).map(f).collect()
    };
    println!("| measure | cold | warm |");
    println!("|---|---|---|");
    type Row = (&'static str, fn(&Launch) -> f64);
    let rows: [Row; 7] = [
        ("spawn → login input interactive (frame)", |l| {
            l.spawn_to_interactive
        }),
        ("spawn → next frame (painted)", |l| l.spawn_to_painted),
        ("spawn → webview navigation start", |l| {
            l.spawn_to_navigation
        }),
        ("spawn → \"desk started\" (Tauri setup)", |l| {
            l.spawn_to_desk.unwrap_or(f64::NAN)
        }),
        ("session request → interactive (incl. WebDriver)", |l| {
            l.request_to_interactive
        }),
        ("session request → app spawned", |l| l.request_to_spawn),
        ("session request → session open", |l| l.session_open),
    ];
    for (name, f) in rows {
        let keep = |v: Vec<f64>| v.into_iter().filter(|x| x.is_finite()).collect::<Vec<_>>();
        println!(
            "| {name} | {} | {} |",
            summary(&keep(pick(true, f))),
            summary(&keep(pick(false, f)))
        );
    }
    let cached: Vec<String> = launches
        .iter()
        .map(|l| {
            format!(
                "{}:{}",
                if l.cold { "c" } else { "w" },
                l.webkit_cached
                    .map_or("?".into(), |f| format!("{:.0}%", f * 100.0))
            )
        })
        .collect();
    println!(
        "| libwebkit2gtk in page cache before launch | {} | |",
        cached.join(" ")
    );
    let loads: Vec<&str> = launches.iter().map(|l| l.load.as_str()).collect();
    println!("| load average at each launch | {} | |", loads.join(" "));
    let pss: Vec<f64> = launches.iter().map(|l| mib(l.pss_kib)).collect();
    println!(
        "| PSS total at the login screen, MiB | median {:.1} | |",
        median(&pss)
    );
}

/// Enrols the app once (its first run), so that every measured launch opens on the login page;
/// returns the files its processes map (the eviction set for `SPEED_COLD=evict`).
async fn enrol(server: &TestServer, data: &Path, code: &str) -> BTreeSet<PathBuf> {
    let app = builder(server, data).launch().await;
    enrol_and_sign_in(&app, &server.url(), code).await;
    app.wait_text("[data-testid=home-last-sync]", "202", LONG)
        .await;
    let pid = app_pid(&app).await;
    let mut pids = vec![pid];
    pids.extend(procfs::descendants(pid).into_iter().map(|(p, _)| p));
    let mut files = mapped_files(&pids);
    files.insert(onestop_e2e::binary("onestop-app"));
    close_and_wait(app).await;
    files
}

async fn run() {
    let pairs = env_num("SPEED_LAUNCHES", 7);
    let accepts = env_num("SPEED_ACCEPTS", 100).max(1);
    let mut cold_mode = match std::env::var("SPEED_COLD").as_deref() {
        Ok("evict") => Cold::Evict,
        Ok("off") => Cold::Off,
        _ => Cold::Drop,
    };
    if cold_mode == Cold::Drop {
        if let Err(e) = drop_caches() {
            eprintln!(
                "cannot write /proc/sys/vm/drop_caches ({e}): falling back to evicting the app's \
                 mapped files with posix_fadvise(DONTNEED)"
            );
            cold_mode = Cold::Evict;
        }
    }
    let load_start = procfs::load_average();
    eprintln!(
        "window speed: {pairs} cold/warm launch pairs, {accepts} acceptances, cold = {cold_mode:?}, \
         app env {:?}, load {load_start}",
        std::env::var("SPEED_APP_ENV").unwrap_or_default()
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("desk");
    let server = TestServer::start_demo(dir.path(), free_port()).await;
    let api = Api::new(&server.url());
    let seed = api
        .seed("示范县政务服务中心 综合受理 1 号窗口", DISABILITY_DEPT)
        .await;

    let files = if baseline() {
        BTreeSet::from([onestop_e2e::binary("examples/empty_window")])
    } else {
        enrol(&server, &data, &seed.code).await
    };
    eprintln!(
        "the app's processes map {} files (the eviction set)",
        files.len()
    );

    // (a) Launches: one unmeasured warm-up, then cold and warm alternately.
    let (_, app) = launch_once(&server, &data, None).await;
    close_and_wait(app).await;
    let mut launches = Vec::new();
    for i in 0..pairs {
        for cold in [true, false] {
            let mode = (cold && cold_mode != Cold::Off).then_some((cold_mode, &files));
            let (l, app) = launch_once(&server, &data, mode).await;
            eprintln!(
                "launch {i} {}: spawn→interactive {:.0} ms (painted {:.0}, navigation {:.0}, desk {:?}, FCP {:?}), request→interactive {:.0} ms (→spawn {:.0}, session {:.0}), webkit cached {:?}, load {}",
                if l.cold { "cold" } else { "warm" },
                l.spawn_to_interactive,
                l.spawn_to_painted,
                l.spawn_to_navigation,
                l.spawn_to_desk.map(|v| v.round()),
                l.first_paint.map(|v| v.round()),
                l.request_to_interactive,
                l.request_to_spawn,
                l.session_open,
                l.webkit_cached.map(|f| (f * 100.0).round()),
                l.load,
            );
            launches.push(l);
            close_and_wait(app).await;
        }
    }

    if baseline() {
        drop(server);
        println!();
        println!("## window speed: Tauri's empty window (release example; load average start {load_start}, end {}; cold = {cold_mode:?})", procfs::load_average());
        println!();
        print_launch_table(&launches);
        return;
    }

    // (b) Acceptances in one session, from the keyboard, as acceptance_flow.rs does.
    let (login, app) = launch_once(&server, &data, None).await;
    let pid = app_pid(&app).await;
    let mem_login = memory(pid);
    keep_smaps("login", &mem_login);
    app.fill("[data-testid=login-username]", CLERK).await;
    app.fill("[data-testid=login-password]", CLERK_PASSWORD)
        .await;
    app.click("[data-testid=login-submit]").await;
    app.wait_visible("[data-testid=page-home]", LONG).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mem_home = memory(pid);
    keep_smaps("home", &mem_home);
    eprintln!(
        "signed in (launch {:.0} ms); memory at login {}, at home {}",
        login.spawn_to_interactive,
        memory_line(&mem_login),
        memory_line(&mem_home)
    );
    app.keys(&Key::Enter.to_string()).await;
    let load_accept = procfs::load_average();
    let mut previews = Vec::new();
    let mut between: Vec<Vec<(String, u32, u64)>> = Vec::new();
    let mut nexts: Vec<NextCitizen> = Vec::new();
    let loop_started = Instant::now();
    for i in 0..accepts {
        if i == 0 {
            start_disability_case(&app, APPLICANT_ID, "李残新").await;
        } else {
            start_disability_case_known(&app, APPLICANT_ID).await;
        }
        if i % 10 == 0 {
            // The form is filled, the preview not yet asked for: splits an acceptance's growth
            // into the flow's screens and the voucher preview.
            let rows = memory(pid);
            keep_smaps(&format!("form{:03}", i + 1), &rows);
            let page = app
                .client
                .execute(PAGE_SIZE_PROBE, vec![])
                .await
                .unwrap_or_default();
            eprintln!(
                "acceptance {} before F2: {}; page {page}",
                i + 1,
                memory_line(&rows)
            );
        }
        let p = accept_and_time(&app).await;
        if i % 10 == 0 || i + 1 == accepts {
            let rows = memory(pid);
            keep_smaps(&format!("accept{:03}", i + 1), &rows);
            eprintln!(
                "acceptance {}: key→shown {:.0} ms (→result {:.0}, →settled {:.0}; WebDriver {:.0}), load {}, {}",
                i + 1,
                p.key_to_shown,
                p.key_to_result,
                p.key_to_settled,
                p.webdriver,
                procfs::load_average(),
                memory_line(&rows),
            );
        }
        previews.push(p);
        // Escape closes the preview (the focus goes to 下一件), Enter starts the next case.
        app.keys(&Key::Escape.to_string()).await;
        app.wait_visible("[data-testid=accept-next]", LONG).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        // One reading per citizen, the preview closed: the web process rises and falls by 10–20
        // MiB around WebKit's 5 s memory check, so a single reading is a poor A/B figure.
        between.push(memory(pid));
        nexts.push(next_citizen(&app).await);
    }
    let loop_secs = loop_started.elapsed().as_secs_f64();
    // (c) Memory after the acceptances, the preview closed, a moment to settle.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mem_after = memory(pid);
    keep_smaps("after", &mem_after);
    // And once the window has sat idle as long as between two citizens (WebKit's memory check
    // runs every 5 s), which tells memory still in use from garbage not yet returned.
    tokio::time::sleep(Duration::from_secs(IDLE_SECS)).await;
    let mem_idle = memory(pid);
    keep_smaps("idle", &mem_idle);
    let load_end = procfs::load_average();
    app.close().await;
    drop(server);

    // The table.
    println!();
    println!("## window speed ({} app and server; load average start {load_start}, acceptances {load_accept}, end {load_end}; cold = {cold_mode:?})", speed_profile());
    println!();
    print_launch_table(&launches);
    println!();
    let col =
        |f: fn(&Preview) -> f64, n: usize| -> Vec<f64> { previews.iter().take(n).map(f).collect() };
    println!("| F2 → preview ({accepts} acceptances in {loop_secs:.0} s) | first 20 | all |");
    println!("|---|---|---|");
    type PRow = (&'static str, fn(&Preview) -> f64);
    let prows: [PRow; 4] = [
        ("keydown → preview image visible (frame)", |p| {
            p.key_to_shown
        }),
        ("keydown → result line (accept done)", |p| p.key_to_result),
        ("keydown → dialog fade-in finished", |p| p.key_to_settled),
        (
            "WebDriver: F2 request → an image seen (the old one counts)",
            |p| p.webdriver,
        ),
    ];
    for (name, f) in prows {
        println!(
            "| {name} | {} | {} |",
            summary(&col(f, 20)),
            summary(&col(f, accepts))
        );
    }
    let ms = |fresh: bool| -> Vec<f64> {
        nexts
            .iter()
            .filter(|n| n.fresh_page == fresh)
            .map(|n| n.elapsed.as_secs_f64() * 1000.0)
            .collect()
    };
    let (in_place, fresh) = (ms(false), ms(true));
    println!();
    println!("| 下一件 (Enter) → item search focused, WebDriver polling every 5 ms | |");
    println!("|---|---|");
    println!("| the page empties in place | {} |", summary(&in_place));
    println!(
        "| the page loads afresh (fresh-page.ts) | {} |",
        summary(&fresh)
    );
    println!();
    println!(
        "| PSS, MiB | at login | at home | after {accepts} acceptances | then {IDLE_SECS} s idle |"
    );
    println!("|---|---|---|---|---|");
    let names: BTreeSet<String> = mem_login
        .iter()
        .chain(&mem_home)
        .chain(&mem_after)
        .chain(&mem_idle)
        .map(|r| r.0.clone())
        .collect();
    for n in &names {
        println!(
            "| {n} | {:.1} | {:.1} | {:.1} | {:.1} |",
            pss_of(&mem_login, n),
            pss_of(&mem_home, n),
            pss_of(&mem_after, n),
            pss_of(&mem_idle, n)
        );
    }
    println!(
        "| **total** | {:.1} | {:.1} | {:.1} | {:.1} |",
        pss_total(&mem_login),
        pss_total(&mem_home),
        pss_total(&mem_after),
        pss_total(&mem_idle)
    );
    print_between_medians(&between, &names);
}

/// Medians of the readings taken between citizens (preview closed), over the last 20 of them:
/// the figure to compare two builds by.
fn print_between_medians(between: &[Vec<(String, u32, u64)>], names: &BTreeSet<String>) {
    let last = &between[between.len().saturating_sub(20)..];
    if last.is_empty() {
        return;
    }
    let parts: Vec<String> = names
        .iter()
        .map(|n| {
            let v: Vec<f64> = last.iter().map(|rows| pss_of(rows, n)).collect();
            format!("{n} {:.1}", median(&v))
        })
        .collect();
    let totals: Vec<f64> = last.iter().map(|rows| pss_total(rows)).collect();
    let (lo, hi) = totals
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
    println!();
    println!(
        "PSS between citizens, median of the last {}: total {:.1} MiB (min {lo:.1}, max {hi:.1}; {})",
        last.len(),
        median(&totals),
        parts.join(", ")
    );
}
