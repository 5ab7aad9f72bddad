//! The status bar tells the clerk whether the server can be reached, from the real periodic
//! `/healthz` probe in `desk`: 已连接 with the server up, 离线 within one probe interval of the
//! server stopping, and 已连接 again once it is back.

use std::time::Duration;

use onestop_e2e::{artifacts_dir, free_port, AppSessionBuilder, TestServer};

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
