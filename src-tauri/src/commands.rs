//! One command per `Desk` method, nothing more.

use std::sync::Arc;

use onestop_desk::{
    ApiError, AppStatus, ConnectionStatus, Desk, EnrollResponse, Printer, SessionInfo, SyncStatus,
};
use tauri::State;

#[tauri::command]
pub async fn app_status(desk: State<'_, Arc<Desk>>) -> Result<AppStatus, ApiError> {
    Ok(desk.app_status().await)
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

/// 登记本机: the one-time code an administrator issued.
#[tauri::command]
pub async fn enrol(
    desk: State<'_, Arc<Desk>>,
    server_url: String,
    code: String,
) -> Result<EnrollResponse, ApiError> {
    desk.enrol(server_url, code).await
}

#[tauri::command]
pub async fn login(
    desk: State<'_, Arc<Desk>>,
    username: String,
    password: String,
) -> Result<SessionInfo, ApiError> {
    desk.login(username, password).await
}

#[tauri::command]
pub fn sync_status(desk: State<'_, Arc<Desk>>) -> SyncStatus {
    desk.sync_status()
}

/// "重试" on a case the server rejected.
#[tauri::command]
pub async fn retry_case_sync(desk: State<'_, Arc<Desk>>, case_id: String) -> Result<(), ApiError> {
    desk.retry_case_sync(case_id).await
}

#[tauri::command]
pub async fn list_printers(desk: State<'_, Arc<Desk>>) -> Result<Vec<Printer>, ApiError> {
    desk.list_printers().await
}

#[tauri::command]
pub async fn default_printer(desk: State<'_, Arc<Desk>>) -> Result<Option<String>, ApiError> {
    desk.default_printer().await
}

#[tauri::command]
pub async fn set_default_printer(desk: State<'_, Arc<Desk>>, name: String) -> Result<(), ApiError> {
    desk.set_default_printer(name).await
}
