//! One command per `Desk` method, nothing more.

use std::sync::Arc;

use onestop_desk::{ApiError, AppStatus, ConnectionStatus, Desk};
use tauri::State;

#[tauri::command]
pub fn app_status(desk: State<'_, Arc<Desk>>) -> AppStatus {
    desk.app_status()
}

#[tauri::command]
pub async fn check_connection_now(
    desk: State<'_, Arc<Desk>>,
) -> Result<ConnectionStatus, ApiError> {
    Ok(desk.check_connection_now().await)
}

/// "立即同步".
#[tauri::command]
pub fn sync_now(desk: State<'_, Arc<Desk>>) -> Result<(), ApiError> {
    desk.sync_now()
}
