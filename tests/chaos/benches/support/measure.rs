//! The drain and resume benchmark's arguments, figures and table rows.

use serde::{Deserialize, Serialize};

pub struct Args {
    pub runs: usize,
    pub cases: usize,
    pub windows: usize,
    pub scan_bytes: usize,
    pub only: Option<String>,
    /// The server's store for the drain: `sqlite` (a temp file) or `pg` (a fresh schema on the
    /// database `ONESTOP_TEST_PG` names).
    pub store: String,
    /// Drain with request compression `on`, `off` or `both` (each run, in that order).
    pub gzip: String,
    /// Cases queued, with the engine running and the server down, for `--only accept`.
    pub queue: usize,
    /// Set in the child processes that take one measurement each.
    pub child: Option<String>,
}

impl Args {
    pub fn parse() -> Args {
        let mut args = Args {
            runs: 2,
            cases: 10_000,
            windows: 2,
            scan_bytes: 50_000_000,
            only: None,
            store: "sqlite".into(),
            gzip: "both".into(),
            queue: 3_000,
            child: None,
        };
        let mut it = std::env::args().skip(1);
        while let Some(a) = it.next() {
            let mut value = || it.next().unwrap_or_else(|| panic!("{a} needs a value"));
            match a.as_str() {
                "--runs" => args.runs = value().parse().unwrap(),
                "--cases" => args.cases = value().parse().unwrap(),
                "--windows" => args.windows = value().parse().unwrap(),
                "--scan-bytes" => args.scan_bytes = value().parse().unwrap(),
                "--only" => args.only = Some(value()),
                "--store" => {
                    args.store = value();
                    assert!(
                        matches!(args.store.as_str(), "sqlite" | "pg"),
                        "--store is sqlite or pg"
                    );
                }
                "--queue" => args.queue = value().parse().unwrap(),
                "--gzip" => {
                    args.gzip = value();
                    assert!(
                        matches!(args.gzip.as_str(), "on" | "off" | "both"),
                        "--gzip is on, off or both"
                    );
                }
                "--child" => args.child = Some(value()),
                // `cargo bench` passes `--bench`; nothing else is ours.
                _ => {}
            }
        }
        args
    }
}

/// User + system CPU of the whole process (window and server together), seconds.
pub fn cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a whole rusage into the pointer it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// CPU seconds of the process's threads by runtime name: "srv", "net" (the proxy) and the rest
/// (the window's "cli" runtime and the main thread). From /proc/self/task/*/stat.
#[derive(Debug, Default, Clone)]
pub struct ThreadCpu {
    pub server: f64,
    pub proxy: f64,
    pub window: f64,
    per_thread: std::collections::HashMap<String, (String, f64)>,
}

impl ThreadCpu {
    /// What each side used since `before` (threads that came and went in between are lost,
    /// those started since count from zero).
    pub fn since(&self, before: &ThreadCpu) -> ThreadCpu {
        let mut out = ThreadCpu::default();
        for (tid, (name, secs)) in &self.per_thread {
            let was = before.per_thread.get(tid).map_or(0.0, |t| t.1);
            out.add(name, secs - was);
        }
        out
    }

    fn add(&mut self, name: &str, secs: f64) {
        match name {
            n if n.starts_with("srv") => self.server += secs,
            n if n.starts_with("net") => self.proxy += secs,
            _ => self.window += secs,
        }
    }
}

pub fn thread_cpu() -> ThreadCpu {
    // SAFETY: sysconf only reads a constant.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let mut out = ThreadCpu::default();
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return out;
    };
    for task in tasks.filter_map(|t| t.ok()) {
        let Ok(stat) = std::fs::read_to_string(task.path().join("stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = stat[open + 1..close].to_owned();
        // After the name: state is field 3, utime 14 and stime 15 of the whole line.
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        let num = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let secs = (num(11) + num(12)) / ticks;
        out.add(&name, secs);
        out.per_thread.insert(
            task.file_name().to_string_lossy().into_owned(),
            (name, secs),
        );
    }
    out
}

/// CPU model, cores and load, for the record.
pub fn machine_note() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    format!("{model}, {cores} cores, load average {load} at start")
}

pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let mid = v.len() / 2;
    if v.len() % 2 == 0 {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Drain {
    pub cases: usize,
    pub windows: usize,
    pub queued_ops: u64,
    pub queued_bytes: u64,
    pub accept_secs: f64,
    /// From sign-in to the end of the first round (outbox empty, changes pulled).
    pub round_end_secs: f64,
    pub bytes_up: u64,
    pub bytes_down: u64,
    pub cpu_secs: f64,
    /// The same split by thread: server runtime, proxy runtime, window (+ main thread).
    pub cpu_server_secs: f64,
    pub cpu_proxy_secs: f64,
    pub cpu_window_secs: f64,
    /// Seconds the server spent answering `POST /v1/ops` and `GET /v1/changes` (whole run).
    pub server_push_secs: f64,
    pub server_pull_secs: f64,
    pub gzip: GzipSample,
}

/// Sums of the server's request-duration histogram for `POST /v1/ops` and `GET /v1/changes`.
pub async fn server_handler_secs(http: &reqwest::Client, url: &str) -> (f64, f64) {
    let text = http
        .get(format!("{url}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let sum = |route: &str| -> f64 {
        text.lines()
            .filter(|l| l.starts_with("onestop_http_request_duration_seconds_sum{"))
            .filter(|l| l.contains(&format!("\"{route}\"")))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    (sum("/v1/ops"), sum("/v1/changes"))
}

/// One real push body (100 queued ops) gzipped at levels 1 and 6.
#[derive(Debug, Serialize, Deserialize)]
pub struct GzipSample {
    pub raw: usize,
    pub level1: usize,
    pub level1_ms: f64,
    pub level6: usize,
    pub level6_ms: f64,
}

pub fn gzip_sample(body: &[u8]) -> GzipSample {
    use std::io::Write;
    let run = |level: u32| {
        // Best of five, so a scheduling hiccup does not count as compression time.
        let mut best = f64::MAX;
        let mut size = 0;
        for _ in 0..5 {
            let started = std::time::Instant::now();
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
            e.write_all(body).unwrap();
            size = e.finish().unwrap().len();
            best = best.min(started.elapsed().as_secs_f64() * 1000.0);
        }
        (size, best)
    };
    let (level1, level1_ms) = run(1);
    let (level6, level6_ms) = run(6);
    GzipSample {
        raw: body.len(),
        level1,
        level1_ms,
        level6,
        level6_ms,
    }
}

impl GzipSample {
    pub fn line(&self) -> String {
        format!(
            "one push of 100 ops: {} B JSON; gzip level 1 {} B ({:.1}×) in {:.2} ms; level 6 {} B ({:.1}×) in {:.2} ms",
            self.raw,
            self.level1,
            self.raw as f64 / self.level1 as f64,
            self.level1_ms,
            self.level6,
            self.raw as f64 / self.level6 as f64,
            self.level6_ms,
        )
    }
}

impl Drain {
    pub fn cases_per_sec(&self) -> f64 {
        self.cases as f64 / self.round_end_secs
    }

    pub fn line(&self) -> String {
        format!(
            "{:.0} cases/s (round over {:.2} s), up {} B ({:.0} B/case), \
             down {} B ({:.0} B/case), CPU {:.2} s (server {:.2}, window {:.2}, proxy {:.2}), \
             server in handlers {:.2} s push + {:.2} s \
             pull; queued {} ops / {} B, accepted in {:.1} s",
            self.cases_per_sec(),
            self.round_end_secs,
            self.bytes_up,
            self.bytes_up as f64 / self.cases as f64,
            self.bytes_down,
            self.bytes_down as f64 / self.cases as f64,
            self.cpu_secs,
            self.cpu_server_secs,
            self.cpu_window_secs,
            self.cpu_proxy_secs,
            self.server_push_secs,
            self.server_pull_secs,
            self.queued_ops,
            self.queued_bytes,
            self.accept_secs,
        )
    }

    /// A markdown row of medians over `runs`.
    pub fn table_row(label: &str, runs: &[Drain]) -> String {
        let m = |f: &dyn Fn(&Drain) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
        let n = |d: &Drain| d.cases as f64;
        format!(
            "| {label} | {:.0} | {:.0} | {:.0} | {:.2} | {:.3} | {:.3} | {:.3} | {:.2} | {:.2} |",
            m(&|d| d.cases_per_sec()),
            m(&|d| d.bytes_up as f64 / n(d)),
            m(&|d| d.bytes_down as f64 / n(d)),
            m(&|d| d.cpu_secs),
            m(&|d| d.cpu_secs * 1000.0 / n(d)),
            m(&|d| d.cpu_server_secs * 1000.0 / n(d)),
            m(&|d| d.cpu_window_secs * 1000.0 / n(d)),
            m(&|d| d.round_end_secs),
            m(&|d| d.server_push_secs + d.server_pull_secs),
        )
    }
}

/// `accept` with the engine running and the server down (every accept triggers a round that fails
/// at once), timed one by one while the queue grows to `queue` cases.
#[derive(Debug, Serialize, Deserialize)]
pub struct AcceptLatency {
    pub queue: usize,
    /// Each accept's wall time, ms, in order (the queue held `i` cases before the `i`th).
    pub accept_ms: Vec<f64>,
    pub total_secs: f64,
}

impl AcceptLatency {
    fn window(&self, from: usize, to: usize) -> (f64, f64) {
        let w = &self.accept_ms[from.min(self.accept_ms.len())..to.min(self.accept_ms.len())];
        let mut sorted = w.to_vec();
        sorted.sort_by(|a, b| a.total_cmp(b));
        let p90 = sorted
            .get((sorted.len() * 9 / 10).min(sorted.len().saturating_sub(1)))
            .copied()
            .unwrap_or(f64::NAN);
        (median(w), p90)
    }

    pub fn line(&self) -> String {
        let n = self.accept_ms.len();
        let (first, first90) = self.window(0, 100);
        let (last, last90) = self.window(n.saturating_sub(100), n);
        format!(
            "{n} accepts with the server down in {:.1} s; first 100: median {first:.1} ms, p90 \
             {first90:.1} ms; last 100 ({}–{n} queued): median {last:.1} ms, p90 {last90:.1} ms",
            self.total_secs,
            n.saturating_sub(100),
        )
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Resume {
    pub size: u64,
    /// Upstream bytes of the same upload without a cut, and with it.
    pub clean_upstream: u64,
    pub cut_upstream: u64,
    /// `cut_upstream - clean_upstream`: the file bytes sent twice plus one more round's requests.
    pub resent_bytes: u64,
    /// Where the proxy cut, counted from the case's push (so a few KB short of the file byte).
    pub cut_at_file_byte: u64,
    pub server_offset_at_cut: u64,
    pub missing_after_cut: u64,
    pub sent_after_cut: u64,
    pub clean_secs: f64,
    pub cut_secs: f64,
}

impl Resume {
    pub fn line(&self) -> String {
        format!(
            "{} B scan: clean upload {} B up in {:.2} s; cut at ≈{} B, server held {} B, {} B \
             missing, {} B sent after the cut; cut upload {} B up in {:.2} s; resent {} B",
            self.size,
            self.clean_upstream,
            self.clean_secs,
            self.cut_at_file_byte,
            self.server_offset_at_cut,
            self.missing_after_cut,
            self.sent_after_cut,
            self.cut_upstream,
            self.cut_secs,
            self.resent_bytes,
        )
    }

    pub fn table(runs: &[Resume]) -> String {
        let m = |f: &dyn Fn(&Resume) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
        let size = runs.first().map_or(0, |r| r.size);
        format!(
            "| resume {size} B cut at 90 % | server offset at cut | missing after cut | sent after cut | resent (cut − clean upstream) | clean s | cut s |\n\
             |---|---:|---:|---:|---:|---:|---:|\n\
             | median of {} | {:.0} | {:.0} | {:.0} | {:.0} | {:.2} | {:.2} |",
            runs.len(),
            m(&|r| r.server_offset_at_cut as f64),
            m(&|r| r.missing_after_cut as f64),
            m(&|r| r.sent_after_cut as f64),
            m(&|r| r.resent_bytes as f64),
            m(&|r| r.clean_secs),
            m(&|r| r.cut_secs),
        )
    }
}
