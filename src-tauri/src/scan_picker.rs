//! The file picker for a material's scan. It is a native GTK dialog (tauri-plugin-dialog), so
//! the path comes back whole; the UI only receives it and hands it to `desk` with the case.

use onestop_desk::ApiError;
use tauri_plugin_dialog::DialogExt;

const SCAN_TYPES: &[&str] = &["pdf", "ofd", "jpg", "jpeg", "png", "tif", "tiff"];

/// Shows the picker; `None` when the clerk cancels.
#[tauri::command]
pub async fn pick_scan_file(window: tauri::WebviewWindow) -> Result<Option<String>, ApiError> {
    let dialog = window
        .dialog()
        .file()
        .set_parent(&window)
        .set_title("选择扫描件")
        .add_filter("扫描件", SCAN_TYPES)
        .add_filter("所有文件", &["*"]);
    // The dialog runs its own loop until the clerk answers: off the async workers.
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_pick_file())
        .await
        .map_err(|e| ApiError::new("scan.picker_failed", format!("无法打开文件选择框：{e}")))?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}
