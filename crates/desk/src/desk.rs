use std::sync::Arc;

use onestop_protocol::ApiError;
use onestop_sync::ServerClient;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::config::DeskConfig;
use crate::connection::ConnectionMonitor;
use crate::status::{AppStatus, ConnectionStatus};
use crate::APP_VERSION;

/// How long `app_status` waits for the window database before answering without the window.
const IDENTITY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// One window's application. Cheap to share: the shell holds it in an `Arc`.
pub struct Desk {
    config: DeskConfig,
    connection: Arc<ConnectionMonitor>,
    monitor_task: JoinHandle<()>,
    /// The window database, opened on first use (see `desk_cases.rs`).
    pub(crate) local: tokio::sync::OnceCell<crate::local_store::LocalStore>,
    /// The key store (configured, or the OS keyring probed once), see `Desk::keys`.
    pub(crate) keys: tokio::sync::OnceCell<Arc<dyn onestop_local::KeyStore>>,
    pub(crate) calendar: Arc<onestop_domain::calendar::WorkCalendar>,
    /// Sync: signer, engine, status stream, session (see `sync/`).
    pub(crate) sync: Arc<crate::sync::link::SyncLink>,
    reconnect_task: JoinHandle<()>,
    /// Who is signed in (see `session.rs`).
    pub(crate) session: crate::session::Session,
    /// The item picker's search keys, per catalogue edition.
    pub(crate) item_index: crate::desk_window::ItemIndexCache,
}

impl Desk {
    /// Starts the window's background work (the server health probe) on the current tokio runtime.
    pub fn start(config: DeskConfig) -> Result<Self, ApiError> {
        let client = ServerClient::new(&config.server_url, config.health_timeout)
            .map_err(|e| e.to_api_error())?;
        let connection = ConnectionMonitor::new(client);
        let monitor_task = connection.spawn(config.health_interval);
        let sync = crate::sync::link::SyncLink::new();
        let reconnect_task = tokio::spawn(trigger_on_reconnect(
            connection.subscribe(),
            Arc::downgrade(&sync),
        ));
        tracing::info!(server = %config.server_url, "desk started");
        Ok(Self {
            config,
            connection,
            monitor_task,
            sync,
            reconnect_task,
            session: crate::session::Session::default(),
            item_index: Default::default(),
            local: tokio::sync::OnceCell::new(),
            keys: tokio::sync::OnceCell::new(),
            calendar: Arc::new(onestop_domain::calendar::WorkCalendar::default_cn()),
        })
    }

    pub fn config(&self) -> &DeskConfig {
        &self.config
    }

    /// The frame's start-up facts. Never fails: a window database that cannot be opened reads as
    /// "not enrolled" here (and `enrol` then reports the actual error), so the status bar always
    /// gets its connection state.
    pub async fn app_status(&self) -> AppStatus {
        let identity = tokio::time::timeout(IDENTITY_TIMEOUT, self.window_identity()).await;
        let window_name = match identity {
            Ok(Ok(identity)) => identity.map(|w| w.window_name),
            Ok(Err(err)) => {
                tracing::warn!(code = %err.code, "window identity unavailable");
                None
            }
            Err(_) => {
                tracing::warn!("window identity timed out");
                None
            }
        };
        AppStatus {
            version: APP_VERSION.to_string(),
            window_name,
            clerk_name: self.session_info().map(|s| s.display_name),
            health_interval_secs: u32::try_from(self.config.health_interval.as_secs())
                .unwrap_or(u32::MAX),
            connection: self.connection.current(),
        }
    }

    pub async fn check_connection_now(&self) -> ConnectionStatus {
        self.connection.check_now().await
    }

    /// A stream of connection changes, for the shell to forward to the UI as events.
    pub fn subscribe_connection(&self) -> watch::Receiver<ConnectionStatus> {
        self.connection.subscribe()
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        self.monitor_task.abort();
        self.reconnect_task.abort();
    }
}

/// The network came back: sync at once instead of waiting out the backoff (§5.2).
async fn trigger_on_reconnect(
    mut rx: watch::Receiver<ConnectionStatus>,
    sync: std::sync::Weak<crate::sync::link::SyncLink>,
) {
    let mut was_connected = rx.borrow().state == crate::status::ConnectionState::Connected;
    while rx.changed().await.is_ok() {
        let connected = rx.borrow().state == crate::status::ConnectionState::Connected;
        if connected && !was_connected {
            match sync.upgrade() {
                Some(link) => link.trigger(),
                None => return,
            }
        }
        was_connected = connected;
    }
}
