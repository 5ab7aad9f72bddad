//! The status bar tells the clerk whether the server can be reached, from the real periodic
//! `/healthz` probe in `desk`: 已连接 with the server up, 离线 within one probe interval of the
//! server stopping, and 已连接 again once it is back.

use std::time::Duration;

use onestop_e2e::{
    app_log_lines, artifacts_dir, free_port, procfs, AppSession, AppSessionBuilder, TestServer,
};

const STATE: &str = "[data-testid=connection-state]";
/// The probe interval the app is started with; its timeout is the same (see DeskConfig::with_env).
const INTERVAL_SECS: u64 = 2;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_bar_follows_the_server() {
    let data = tempfile::tempdir().unwrap();
    let mut server = TestServer::start(data.path(), free_port()).await;

    let app = AppSessionBuilder::window(&server.url(), &data.path().join("desk"))
        .env("ONESTOP_HEALTH_INTERVAL_SECS", INTERVAL_SECS.to_string())
        .launch()
        .await;

    assert_eq!(
        app.client.title().await.unwrap(),
        "一站通 · 政务服务窗口",
        "window title"
    );
    // A probe needs at most one interval plus its timeout; allow start-up on a slow CI machine.
    app.wait_attr(STATE, "data-state", "connected", Duration::from_secs(30))
        .await;
    assert_eq!(app.text(STATE).await.trim(), "已连接");
    webview_memory_settings_reached_webkit(&app, &data.path().join("desk")).await;
    let shot = app.screenshot("connected").await;
    // The README's picture: refreshed on request (`make screenshots`), or when missing, so that
    // an ordinary test run does not dirty the tree with a new clock in the corner.
    let readme_shot = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/screenshots/app-frame.png");
    if std::env::var_os("ONESTOP_UPDATE_SCREENSHOTS").is_some() || !readme_shot.exists() {
        std::fs::copy(&shot, &readme_shot).expect("copy screenshot for the README");
    }

    server.stop();
    // Loopback refuses at once, so the next probe (at most one interval away) fails fast; the
    // slack covers the event reaching the webview and WebDriver's polling.
    let limit = Duration::from_secs(INTERVAL_SECS) + Duration::from_millis(1500);
    let took = app.wait_attr(STATE, "data-state", "offline", limit).await;
    assert_eq!(app.text(STATE).await.trim(), "离线");
    eprintln!("offline shown {took:?} after the server stopped");
    app.screenshot("offline").await;

    server.resume().await;
    app.wait_attr(STATE, "data-state", "connected", limit).await;
    assert_eq!(app.text(STATE).await.trim(), "已连接");
    app.screenshot("reconnected").await;

    app.close().await;
    server.stop();
    eprintln!("screenshots in {}", artifacts_dir().display());
}

/// The window's WebKit settings that keep its memory down (src-tauri/src/webview_memory.rs) are
/// in effect in the real processes: the web process was started without accelerated compositing
/// and without JavaScriptCore's JIT, and the memory limit reached the one web context wry created
/// (the app logs how many got it); and it draws its text with the bundled UI font.
async fn webview_memory_settings_reached_webkit(app: &AppSession, data_dir: &std::path::Path) {
    let driver = app.driver_pid().expect("tauri-driver pid");
    let app_pid = procfs::find_descendant(driver, "onestop-app").expect("the app process");
    let web = procfs::find_descendant(app_pid, "WebKitWebProces").expect("the web process");
    let environ = std::fs::read(format!("/proc/{web}/environ")).expect("web process environment");
    let has = |var: &[u8]| environ.split(|b| *b == 0).any(|kv| kv == var);
    assert!(
        has(b"WEBKIT_DISABLE_COMPOSITING_MODE=1"),
        "the web process runs with accelerated compositing"
    );
    assert!(
        has(b"JSC_useJIT=0"),
        "the web process runs JavaScriptCore's JIT"
    );
    // The UI font (src-tauri/src/ui_font.rs): fontconfig's configuration reached the web
    // process, and the text on screen is drawn with the bundled, cut-down face (a mapped file).
    assert!(
        environ
            .split(|b| *b == 0)
            .any(|kv| kv.starts_with(b"FONTCONFIG_FILE=") && kv.ends_with(b"/fonts/fonts.conf")),
        "the web process does not use the bundled font configuration"
    );
    let started = std::time::Instant::now();
    while !std::fs::read_to_string(format!("/proc/{web}/maps"))
        .unwrap_or_default()
        .contains("/fonts/OnestopSansSC-Regular.otf")
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the web process never mapped the UI font (Onestop Sans SC)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The log line is written after the window is built; the file writer is asynchronous.
    let started = std::time::Instant::now();
    let line = loop {
        let found = app_log_lines(data_dir, "webview memory settings").pop();
        if let Some(line) = found {
            break line;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no \"webview memory settings\" line in the app's log"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        line.contains("compositing=false")
            && line.contains("jit=false")
            && line.contains("web_process_limit_mb=Some(150)")
            && line.contains("contexts_limited=1"),
        "webview memory settings not applied: {line}"
    );
}
