use std::collections::HashMap;
use std::fs::File;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::{artifacts_dir, binary, free_port, Managed};

/// Starts `tauri-driver` with the environment the app should see, then opens a session on the app.
pub struct AppSessionBuilder {
    env: HashMap<String, String>,
}

/// The running app under WebDriver. Dropping it ends the session and stops tauri-driver (SIGTERM).
pub struct AppSession {
    pub client: Client,
    driver: Managed,
}

impl AppSessionBuilder {
    pub fn new() -> Self {
        Self {
            env: HashMap::new(),
        }
    }

    /// An environment variable for the app (tauri-driver → WebKitWebDriver → app inherit it).
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.insert(key.to_string(), value.into());
        self
    }

    pub async fn launch(self) -> AppSession {
        assert!(
            std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some(),
            "no display: run the end-to-end tests under xvfb-run (make test does)"
        );
        let app = binary("onestop-app");
        let port = free_port();
        let native_port = free_port();
        let log = artifacts_dir().join(format!("tauri-driver-{port}.log"));
        let out = File::create(&log).expect("driver log");
        let err = out.try_clone().expect("driver log");
        let driver_bin = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
        let mut cmd = Command::new(driver_bin);
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .envs(&self.env)
            .stdout(out)
            .stderr(err);
        let driver = Managed::spawn("tauri-driver", &mut cmd);
        wait_port(port, Duration::from_secs(20)).await;

        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app.to_string_lossy() }),
        );
        caps.insert("browserName".into(), "wry".into());
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "could not open a WebDriver session (see {}): {e}",
                    log.display()
                )
            });
        AppSession { client, driver }
    }
}

impl Default for AppSessionBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl AppSession {
    /// Polls until the element matching `css` has attribute `attr` equal to `value`; returns the
    /// time it took. Panics with what was last seen when `limit` passes.
    pub async fn wait_attr(&self, css: &str, attr: &str, value: &str, limit: Duration) -> Duration {
        let started = Instant::now();
        let mut last = String::from("<element not found>");
        while started.elapsed() < limit {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(Some(v)) = el.attr(attr).await {
                    if v == value {
                        return started.elapsed();
                    }
                    last = v;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} [{attr}] never became {value:?} within {limit:?}; last seen {last:?}");
    }

    pub async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} not found: {e}"))
            .text()
            .await
            .unwrap_or_default()
    }

    /// Saves a PNG of the window to target/e2e/<name>.png. WebDriver screenshots can lag a frame
    /// behind the DOM, so wait a moment first.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let png = self.client.screenshot().await.expect("screenshot");
        let path = artifacts_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// Ends the WebDriver session (the app closes), then stops tauri-driver with SIGTERM.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        self.driver.terminate(Duration::from_secs(10));
    }
}

async fn wait_port(port: u16, limit: Duration) {
    let started = Instant::now();
    while started.elapsed() < limit {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("tauri-driver did not listen on {port} within {limit:?}");
}
