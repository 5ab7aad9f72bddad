//! The desk's side of sync, shared between the `Desk` methods, the engine's re-authentication and
//! the status forwarder: the signer, the running engine, the status stream and the session.

use std::sync::{Arc, Mutex, RwLock};

use onestop_sync::engine::SyncEngine;
use onestop_sync::status::SyncStatus;
use tokio::sync::{watch, OnceCell};
use tokio::task::JoinHandle;

use crate::sync::signer::DeskSigner;

/// Settings keys written by enrolment and sign-in.
pub mod keys {
    pub const DEVICE_ID: &str = "server.device_id";
    pub const SERVER_URL: &str = "server.url";
    pub const WINDOW_ID: &str = "server.window_id";
    /// JSON `{username, phc, valid_until}`: the argon2 verifier for offline sign-in.
    pub const VERIFIER: &str = "auth.verifier";
}

/// A running engine and the task copying its status into the desk's stream.
pub(crate) struct RunningEngine {
    pub engine: SyncEngine,
    pub forwarder: JoinHandle<()>,
}

impl Drop for RunningEngine {
    fn drop(&mut self) {
        self.forwarder.abort();
    }
}

pub(crate) struct SyncLink {
    pub signer: OnceCell<Arc<DeskSigner>>,
    pub engine: Mutex<Option<RunningEngine>>,
    pub status: watch::Sender<SyncStatus>,
    /// The clerk's username and password while signed in, to sign in again after a 401 without
    /// interrupting the clerk. Kept in memory only, never written.
    pub credentials: Mutex<Option<(String, String)>>,
    pub server_url: RwLock<Option<String>>,
}

impl SyncLink {
    pub fn new() -> Arc<Self> {
        let (status, _) = watch::channel(SyncStatus::default());
        Arc::new(Self {
            signer: OnceCell::new(),
            engine: Mutex::new(None),
            status,
            credentials: Mutex::new(None),
            server_url: RwLock::new(None),
        })
    }

    /// Runs a round now, if the engine runs.
    pub fn trigger(&self) {
        if let Some(running) = self
            .engine
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            running.engine.trigger();
        }
    }

    pub fn is_running(&self) -> bool {
        self.engine
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    pub fn credentials(&self) -> Option<(String, String)> {
        self.credentials
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
