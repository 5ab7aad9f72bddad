use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use onestop_sync::ServerClient;
use tokio::sync::{watch, Mutex};
use tokio::task::JoinHandle;

use crate::status::{ConnectionState, ConnectionStatus};

/// Probes the server's `/healthz` on a fixed interval and publishes each result.
///
/// The probe runs in Rust rather than in the webview, so the state is the app's real ability to
/// reach the server (same client, same TLS, same proxy settings as sync) and other Rust parts can
/// subscribe to it.
pub struct ConnectionMonitor {
    client: ServerClient,
    tx: watch::Sender<ConnectionStatus>,
    // Serialises probes so a manual "check now" and the timer never race on the published state.
    probe_lock: Mutex<()>,
}

impl ConnectionMonitor {
    pub fn new(client: ServerClient) -> Arc<Self> {
        let (tx, _) = watch::channel(ConnectionStatus::checking(client.base_url()));
        Arc::new(Self {
            client,
            tx,
            probe_lock: Mutex::new(()),
        })
    }

    /// Starts the periodic probe on the current tokio runtime. The first probe runs at once.
    pub fn spawn(self: &Arc<Self>, interval: Duration) -> JoinHandle<()> {
        let monitor = Arc::clone(self);
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            // After a suspend or a long stall, probe once rather than in a burst.
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                monitor.check_now().await;
            }
        })
    }

    pub fn current(&self) -> ConnectionStatus {
        self.tx.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<ConnectionStatus> {
        self.tx.subscribe()
    }

    /// Probes now, publishes the result (only if it changed anything the UI shows) and returns it.
    pub async fn check_now(&self) -> ConnectionStatus {
        let _guard = self.probe_lock.lock().await;
        let previous = self.current();
        let now = Utc::now();
        let next = match self.client.probe().await {
            Ok(probe) => ConnectionStatus {
                state: ConnectionState::Connected,
                server_url: previous.server_url.clone(),
                last_checked_at: Some(now),
                last_ok_at: Some(now),
                latency_ms: Some(u32::try_from(probe.latency.as_millis()).unwrap_or(u32::MAX)),
                server_version: Some(probe.health.version),
                error: None,
            },
            Err(err) => {
                if previous.state != ConnectionState::Offline {
                    tracing::warn!(code = err.code(), error = %err, "server unreachable");
                }
                ConnectionStatus {
                    state: ConnectionState::Offline,
                    server_url: previous.server_url.clone(),
                    last_checked_at: Some(now),
                    last_ok_at: previous.last_ok_at,
                    latency_ms: None,
                    server_version: previous.server_version.clone(),
                    error: Some(err.to_api_error()),
                }
            }
        };
        if previous.state != next.state {
            tracing::info!(from = ?previous.state, to = ?next.state, "connection state changed");
        }
        self.tx.send_replace(next.clone());
        next
    }
}
