//! The desktop shell: starts `onestop-desk`, maps Tauri commands 1:1 onto its methods and
//! forwards its status streams as events. No rule and no storage lives here.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod events;
mod scan_picker;
mod ui_font;
mod web_process_memory_limit;
mod webview_memory;
mod window_commands;

use std::path::PathBuf;
use std::sync::Arc;

use onestop_desk::{logging, Desk, DeskConfig};
use tauri::Manager;

/// Holds the log writer's guard for the life of the app so buffered lines are flushed at exit.
struct LogGuard(#[allow(dead_code)] logging::WorkerGuard);

fn main() {
    // First: these set environment variables before any thread exists (WebKit and fontconfig
    // read them when GTK starts), and the window's web context is created while the app is built.
    let webview_memory = webview_memory::before_gtk();
    let context = tauri::generate_context!();
    let resource_dirs = [
        tauri::utils::platform::resource_dir(context.package_info(), &tauri::Env::default()).ok(),
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(PathBuf::from)),
    ];
    let ui_font = ui_font::before_gtk(&resource_dirs.into_iter().flatten().collect::<Vec<_>>());
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            // ONESTOP_DATA_DIR lets tests and a shared village PC keep data where they choose.
            let data_dir = match std::env::var_os("ONESTOP_DATA_DIR") {
                Some(dir) => PathBuf::from(dir),
                None => app.path().app_data_dir()?,
            };
            let config = DeskConfig::new(data_dir).with_env();
            let guard = logging::init(&config.logs_dir())?;
            app.manage(LogGuard(guard));
            tracing::info!(
                compositing = webview_memory.compositing,
                jit = webview_memory.jit,
                web_process_limit_mb = ?webview_memory.web_process_limit_mb,
                contexts_limited = web_process_memory_limit::contexts_limited(),
                "webview memory settings"
            );
            ui_font::log(&ui_font);
            let desk = tauri::async_runtime::block_on(async move { Desk::start(config) })
                .map_err(|e| format!("{} ({})", e.message, e.code))?;
            let desk = Arc::new(desk);
            events::forward_connection(app.handle().clone(), &desk);
            events::forward_sync(app.handle().clone(), &desk);
            app.manage(desk);
            for window in app.webview_windows().values() {
                webview_memory::use_document_viewer_cache(window);
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::check_connection_now,
            commands::sync_now,
            commands::enrol,
            commands::login,
            commands::sync_status,
            commands::retry_case_sync,
            commands::list_printers,
            commands::default_printer,
            commands::set_default_printer,
            window_commands::logout,
            window_commands::session_info,
            window_commands::home_summary,
            window_commands::search_items,
            window_commands::item_view,
            window_commands::check_id,
            window_commands::lookup_applicants,
            window_commands::register_applicant,
            window_commands::prefilled_form,
            window_commands::check_form,
            window_commands::submit_application,
            window_commands::supplement_and_accept,
            window_commands::case_view,
            window_commands::deliver_result,
            window_commands::withdraw_case,
            window_commands::proxy_powers,
            window_commands::forwarded_cases,
            window_commands::forwarded_case_detail,
            window_commands::decide_forwarded,
            window_commands::status_choices,
            window_commands::short_materials,
            window_commands::list_cases,
            window_commands::preview_voucher,
            window_commands::print_voucher,
            window_commands::device_info,
            scan_picker::pick_scan_file,
        ])
        .build(context);
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(err) => {
            eprintln!("一站通无法启动：{err}");
            std::process::exit(1);
        }
    }
}
