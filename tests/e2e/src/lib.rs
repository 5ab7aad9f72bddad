//! Harness for the end-to-end tests: the real `onestop-server` on a free loopback port, the real
//! desktop app started by `tauri-driver` (which drives Debian's `WebKitWebDriver`), and a WebDriver
//! client. Run under Xvfb (`make test` does). Processes are stopped with SIGTERM, never SIGKILL:
//! an orphaned WebKitWebDriver keeps its port and the run hangs (ARCHITECTURE.md §9).

pub mod flows;
mod process;
pub mod procfs;
pub mod seed;
mod server;
mod webdriver;

pub use process::Managed;
pub use server::TestServer;
pub use webdriver::{AppSession, AppSessionBuilder, DriverReady};

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The cargo profile whose binaries [`binary`] returns; debug unless [`use_profile`] said otherwise.
static PROFILE: OnceLock<String> = OnceLock::new();

/// Makes [`binary`], and so every helper that starts the app or the server, use the binaries of
/// `profile` (`"release"` for the window-speed benchmark) instead of the debug ones. Call it once,
/// before anything is started; the tests never call it.
pub fn use_profile(profile: &str) {
    let set =
        PROFILE.set(profile.to_owned()).is_ok() || PROFILE.get().is_some_and(|p| p == profile);
    assert!(set, "use_profile called twice with different profiles");
}

/// The workspace's target folder, where `make test` built the binaries.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// A built binary of this workspace (debug profile unless [`use_profile`] chose another), with a
/// clear message when it is missing.
pub fn binary(name: &str) -> PathBuf {
    let profile = PROFILE.get().map_or("debug", String::as_str);
    let path = target_dir().join(profile).join(name);
    assert!(
        path.exists(),
        "{} is missing: build it first (`make test` runs `cargo build --workspace --bins`)",
        path.display()
    );
    path
}

/// Where screenshots and logs of a run go.
pub fn artifacts_dir() -> PathBuf {
    let dir = target_dir().join("e2e");
    std::fs::create_dir_all(&dir).expect("create target/e2e");
    dir
}

/// A TCP port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("find a free port")
}

/// The lines of the app's log files (`<data dir>/logs`, oldest file first) that contain `needle`.
pub fn app_log_lines(data_dir: &Path, needle: &str) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir.join("logs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|text| {
            text.lines()
                .filter(|l| l.contains(needle))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}
