//! Harness for the end-to-end tests: the real `onestop-server` on a free loopback port, the real
//! desktop app started by `tauri-driver` (which drives Debian's `WebKitWebDriver`), and a WebDriver
//! client. Run under Xvfb (`make test` does). Processes are stopped with SIGTERM, never SIGKILL:
//! an orphaned WebKitWebDriver keeps its port and the run hangs (ARCHITECTURE.md §9).

pub mod flows;
mod process;
pub mod seed;
mod server;
mod webdriver;

pub use process::Managed;
pub use server::TestServer;
pub use webdriver::{AppSession, AppSessionBuilder};

use std::path::PathBuf;

/// The workspace's target folder, where `make test` built the binaries.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// A built binary of this workspace (debug profile), with a clear message when it is missing.
pub fn binary(name: &str) -> PathBuf {
    let path = target_dir().join("debug").join(name);
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
