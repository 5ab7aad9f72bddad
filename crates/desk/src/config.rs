use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use onestop_local::KeyStore;

use crate::clock::{Clock, SystemClock};

/// Where the demo server listens when nothing else is configured.
pub const DEFAULT_SERVER_URL: &str = "http://127.0.0.1:8480";

/// How a `Desk` is started. The shell fills it from the OS (data folder) and the environment.
#[derive(Debug, Clone)]
pub struct DeskConfig {
    /// The app's data folder: database, scans, logs.
    pub data_dir: PathBuf,
    pub server_url: String,
    /// How often the server's `/healthz` is probed. The status bar is at most this stale.
    pub health_interval: Duration,
    /// Per-request timeout of the probe; kept below the interval so probes never pile up.
    pub health_timeout: Duration,
    /// Where the database key lives. `None`: the OS keyring (Secret Service, else keyutils).
    pub keystore: Option<Arc<dyn KeyStore>>,
    /// With nothing to push, the change log is polled this often.
    pub sync_idle_poll: Duration,
    /// Per-request timeout of the sync engine; a black-holed network fails a round after this.
    pub sync_timeout: Duration,
    /// Where "now" comes from; tests fix it.
    pub clock: Arc<dyn Clock>,
}

impl DeskConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            server_url: DEFAULT_SERVER_URL.to_string(),
            health_interval: Duration::from_secs(5),
            health_timeout: Duration::from_secs(3),
            keystore: None,
            sync_idle_poll: Duration::from_secs(30),
            sync_timeout: Duration::from_secs(30),
            clock: Arc::new(SystemClock),
        }
    }

    /// Applies `ONESTOP_SERVER_URL` and `ONESTOP_HEALTH_INTERVAL_SECS` from the environment, which
    /// is how `make demo` and the end-to-end harness point the app at their server.
    pub fn with_env(mut self) -> Self {
        if let Ok(url) = std::env::var("ONESTOP_SERVER_URL") {
            if !url.trim().is_empty() {
                self.server_url = url.trim().to_string();
            }
        }
        if let Some(secs) = std::env::var("ONESTOP_HEALTH_INTERVAL_SECS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|s| *s > 0)
        {
            self.health_interval = Duration::from_secs(secs);
            self.health_timeout = Duration::from_secs(secs.clamp(1, 3));
        }
        self
    }

    pub fn logs_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }
}
