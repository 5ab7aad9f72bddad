//! What /proc says about the app's processes, for the window-speed benchmark: the process tree
//! under tauri-driver, when a process started, and how much memory it holds (PSS).

use std::time::{Duration, SystemTime};

/// The short name of a process (`/proc/PID/comm`, at most 15 bytes), if it still exists.
pub fn comm(pid: u32) -> Option<String> {
    std::fs::read_to_string(format!("/proc/{pid}/comm"))
        .ok()
        .map(|s| s.trim_end().to_owned())
}

/// Fields of `/proc/PID/stat` after the `(comm)` field: index 0 is the state (field 3).
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    Some(rest.split_whitespace().map(str::to_owned).collect())
}

/// The parent of a process.
pub fn parent(pid: u32) -> Option<u32> {
    stat_fields(pid)?.get(1)?.parse().ok()
}

/// Every process whose ancestry reaches `root` (not `root` itself), as (pid, comm).
pub fn descendants(root: u32) -> Vec<(u32, String)> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let all: Vec<(u32, u32)> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| Some((pid, parent(pid)?)))
        .collect();
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let p = found[i];
        found.extend(all.iter().filter(|(_, pp)| *pp == p).map(|(pid, _)| *pid));
        i += 1;
    }
    found
        .into_iter()
        .skip(1)
        .filter_map(|pid| Some((pid, comm(pid)?)))
        .collect()
}

/// The first descendant of `root` whose `comm` is `name`.
pub fn find_descendant(root: u32, name: &str) -> Option<u32> {
    descendants(root)
        .into_iter()
        .find(|(_, c)| c == name)
        .map(|(pid, _)| pid)
}

fn clock(id: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec we own.
    unsafe {
        libc::clock_gettime(id, &mut ts);
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// When the kernel created the process (fork), as wall-clock time. `/proc/PID/stat` counts it in
/// clock ticks since boot (CLOCK_BOOTTIME), so the resolution is one tick (10 ms at USER_HZ
/// 100) and the value is rounded down: a duration measured from it is up to one tick too long.
pub fn start_time(pid: u32) -> Option<SystemTime> {
    let ticks: u64 = stat_fields(pid)?.get(19)?.parse().ok()?;
    // SAFETY: sysconf has no memory effects.
    let hz = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) }).ok()?;
    let since_boot = Duration::from_nanos(ticks * 1_000_000_000 / hz);
    let now_wall = SystemTime::now();
    let now_boot = clock(libc::CLOCK_BOOTTIME);
    Some(now_wall - (now_boot - since_boot))
}

/// Proportional set size of a process in KiB (`Pss:` of `/proc/PID/smaps_rollup`).
pub fn pss_kib(pid: u32) -> Option<u64> {
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    rollup
        .lines()
        .find_map(|l| l.strip_prefix("Pss:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The 1-minute load average.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_default()
}
