//! Streams from `desk`, forwarded to the webview as Tauri events.

use std::sync::Arc;

use onestop_desk::Desk;
use tauri::{AppHandle, Emitter};

/// The event the status bar listens to.
pub const CONNECTION_CHANGED: &str = "connection-changed";

pub fn forward_connection(app: AppHandle, desk: &Arc<Desk>) {
    let mut rx = desk.subscribe_connection();
    tauri::async_runtime::spawn(async move {
        while rx.changed().await.is_ok() {
            let status = rx.borrow_and_update().clone();
            if let Err(err) = app.emit(CONNECTION_CHANGED, status) {
                tracing::warn!(%err, "could not emit connection status");
            }
        }
    });
}

/// The event the sync panel listens to.
pub const SYNC_STATUS: &str = "sync-status";

pub fn forward_sync(app: AppHandle, desk: &Arc<Desk>) {
    let mut rx = desk.subscribe_sync();
    tauri::async_runtime::spawn(async move {
        while rx.changed().await.is_ok() {
            let status = rx.borrow_and_update().clone();
            if let Err(err) = app.emit(SYNC_STATUS, status) {
                tracing::warn!(%err, "could not emit sync status");
            }
        }
    });
}
