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
    own_keyring: bool,
    application: Option<PathBuf>,
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
            own_keyring: false,
            application: None,
        }
    }

    /// Another binary than `onestop-app` (the speed bench's empty Tauri window).
    pub fn application(mut self, path: PathBuf) -> Self {
        self.application = Some(path);
        self
    }

    /// A window app for a scenario: this server, this data folder, the connection checked
    /// every 2 s, and a keyring of its own ([`AppSessionBuilder::own_keyring`]).
    pub fn window(server_url: &str, data_dir: &std::path::Path) -> Self {
        Self::new()
            .own_keyring()
            .env("ONESTOP_SERVER_URL", server_url)
            .env("ONESTOP_HEALTH_INTERVAL_SECS", "2")
            .env("ONESTOP_DATA_DIR", data_dir.to_string_lossy())
    }

    /// Runs tauri-driver (and so the app) in a session keyring of its own. The app keeps its
    /// database key in the kernel keyring under a fixed name, so a second app enrolled on this
    /// machine (another scenario's, or another suite run at the same time) would otherwise
    /// replace the first one's key, and the first could not open its database again. The key is
    /// gone with the session: an app relaunched on the same data folder (the speed bench's) must
    /// share one keyring instead.
    pub fn own_keyring(mut self) -> Self {
        self.own_keyring = true;
        self
    }

    /// An environment variable for the app (tauri-driver → WebKitWebDriver → app inherit it).
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.insert(key.to_string(), value.into());
        self
    }

    pub async fn launch(self) -> AppSession {
        self.start_driver().await.open().await
    }

    /// The first half of [`AppSessionBuilder::launch`]: tauri-driver is started and listening,
    /// the app is not. A benchmark can prepare the machine (drop the page cache) before
    /// [`DriverReady::open`] starts the app.
    pub async fn start_driver(self) -> DriverReady {
        assert!(
            std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some(),
            "no display: run the end-to-end tests under xvfb-run (make test does)"
        );
        let app = self
            .application
            .clone()
            .unwrap_or_else(|| binary("onestop-app"));
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
        if self.own_keyring {
            use std::os::unix::process::CommandExt;
            // SAFETY: between fork and exec only the keyctl system call runs (async-signal-safe).
            unsafe {
                cmd.pre_exec(|| {
                    // KEYCTL_JOIN_SESSION_KEYRING with no name: a new anonymous session keyring.
                    if libc::syscall(libc::SYS_keyctl, 1, std::ptr::null::<libc::c_char>()) < 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        let driver = Managed::spawn("tauri-driver", &mut cmd);
        wait_port(port, Duration::from_secs(20)).await;
        DriverReady {
            app,
            port,
            native_port,
            log,
            driver,
        }
    }
}

/// tauri-driver is listening; [`DriverReady::open`] asks it for a session, which starts the app.
pub struct DriverReady {
    app: PathBuf,
    port: u16,
    native_port: u16,
    log: PathBuf,
    driver: Managed,
}

impl DriverReady {
    /// tauri-driver's process id (the app is a descendant of it once the session exists).
    pub fn driver_pid(&self) -> Option<u32> {
        self.driver.pid()
    }

    /// Waits (up to `limit`) until tauri-driver's WebKitWebDriver listens too, so that the first
    /// session request is not refused and retried.
    pub async fn wait_native(&self, limit: Duration) {
        wait_port(self.native_port, limit).await;
    }

    /// Opens the WebDriver session: WebKitWebDriver starts the app.
    pub async fn open(self) -> AppSession {
        let DriverReady {
            app,
            port,
            log,
            driver,
            ..
        } = self;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app.to_string_lossy() }),
        );
        caps.insert("browserName".into(), "wry".into());
        // tauri-driver listens before its WebKitWebDriver does; on a loaded machine the first
        // session request can arrive too early, so it is retried for a while.
        let mut attempt = 0;
        let client = loop {
            attempt += 1;
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if attempt < 5 => {
                    eprintln!("WebDriver session attempt {attempt} failed ({e}); retrying");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
                Err(e) => panic!(
                    "could not open a WebDriver session (see {}): {e}",
                    log.display()
                ),
            }
        };
        AppSession { client, driver }
    }
}

impl Default for AppSessionBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl AppSession {
    /// tauri-driver's process id; the app and its WebKit processes are descendants of it.
    pub fn driver_pid(&self) -> Option<u32> {
        self.driver.pid()
    }

    /// Polls until the element matching `css` has attribute `attr` equal to `value`; returns the
    /// time it took. Panics with what was last seen when `limit` passes.
    pub async fn wait_attr(&self, css: &str, attr: &str, value: &str, limit: Duration) -> Duration {
        let started = Instant::now();
        let mut last = String::from("<element not found>");
        while started.elapsed() < limit {
            let seen = self
                .probe(
                    "const e = document.querySelector(arguments[0]); \
                     return e ? e.getAttribute(arguments[1]) : null;",
                    &[css, attr],
                )
                .await;
            if let Some(v) = seen.as_str() {
                if v == value {
                    return started.elapsed();
                }
                last = v.to_owned();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} [{attr}] never became {value:?} within {limit:?}; last seen {last:?}");
    }

    /// Polls until an element matching `css` exists and is displayed; returns the time it took.
    pub async fn wait_visible(&self, css: &str, limit: Duration) -> Duration {
        let started = Instant::now();
        while started.elapsed() < limit {
            let shown = self
                .probe(
                    "const e = document.querySelector(arguments[0]); \
                     if (!e || !e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) return false; \
                     const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0;",
                    &[css],
                )
                .await;
            if shown.as_bool() == Some(true) {
                return started.elapsed();
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let shot = self.screenshot("timeout").await;
        panic!(
            "{css} never became visible within {limit:?} (see {})",
            shot.display()
        );
    }

    /// Polls until no element matches `css` (a row answered, a panel closed).
    pub async fn wait_gone(&self, css: &str, limit: Duration) {
        let started = Instant::now();
        while started.elapsed() < limit {
            let gone = self
                .probe(
                    "return document.querySelector(arguments[0]) === null;",
                    &[css],
                )
                .await;
            if gone.as_bool() == Some(true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let shot = self.screenshot("timeout").await;
        panic!(
            "{css} was still there after {limit:?} (see {})",
            shot.display()
        );
    }

    /// Polls until the text of `css` contains `needle`; returns the text.
    pub async fn wait_text(&self, css: &str, needle: &str, limit: Duration) -> String {
        let started = Instant::now();
        let mut last = String::new();
        while started.elapsed() < limit {
            if let Some(text) = self.rendered_text(css).await {
                last = text;
                if last.contains(needle) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let shot = self.screenshot("timeout").await;
        panic!(
            "{css} never contained {needle:?} within {limit:?}; last {last:?} (see {})",
            shot.display()
        );
    }

    /// Types into whatever has the keyboard focus, as a clerk would (WebDriver key codes, so
    /// `fantoccini::key::Key` values such as Tab, Enter and F2 work too).
    ///
    /// Sent as WebDriver key actions, which go to the focused element without asking WebDriver for
    /// a handle to it: see [`AppSession::probe`].
    pub async fn keys(&self, text: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut keyboard = KeyActions::new("keyboard".to_owned());
        for c in text.chars() {
            keyboard = keyboard
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.client
            .perform_actions(keyboard)
            .await
            .expect("send keys");
    }

    /// Runs `script` in the page with string arguments and returns its JSON result, or null when
    /// the script failed. Waits and reads go through here rather than through WebDriver's element
    /// handles: WebKit's automation keeps every node it ever handed out alive until the page
    /// reloads, which in a single-page app is never, so a long run (the window speed bench's 100
    /// acceptances) would measure nodes only WebDriver still holds.
    pub async fn probe(&self, script: &str, args: &[&str]) -> serde_json::Value {
        let args = args
            .iter()
            .map(|a| serde_json::Value::String((*a).to_owned()))
            .collect();
        self.client
            .execute(script, args)
            .await
            .unwrap_or(serde_json::Value::Null)
    }

    /// The rendered text of the first element matching `css` (what WebDriver's element text
    /// gives), if there is one.
    async fn rendered_text(&self, css: &str) -> Option<String> {
        self.probe(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;",
            &[css],
        )
        .await
        .as_str()
        .map(str::to_owned)
    }

    /// The `data-testid` of the focused element or its nearest ancestor that has one; with a
    /// `prefix`, the nearest whose id starts with it.
    pub async fn focused_testid(&self, prefix: &str) -> String {
        let script = "const e = document.activeElement; \
             const t = e && e.closest(arguments[0] ? `[data-testid^=\"${arguments[0]}\"]` : '[data-testid]'); \
             return t ? t.dataset.testid : '';";
        let v = self
            .client
            .execute(script, vec![serde_json::Value::String(prefix.to_owned())])
            .await
            .expect("execute");
        v.as_str().unwrap_or_default().to_owned()
    }

    /// The value of the focused input.
    pub async fn focused_value(&self) -> String {
        let v = self
            .client
            .execute(
                "return document.activeElement ? (document.activeElement.value ?? '') : '';",
                vec![],
            )
            .await
            .expect("execute");
        v.as_str().unwrap_or_default().to_owned()
    }

    pub async fn click(&self, css: &str) {
        let err = self
            .client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} not found: {e}"))
            .click()
            .await
            .err();
        if let Some(e) = err {
            // WebKitWebDriver refuses to click some links (an <a> the router handles) with an
            // empty error; the page's own click() does what the mouse would.
            let ok = self
                .client
                .execute(
                    "const e = document.querySelector(arguments[0]); if (!e) return false; e.click(); return true;",
                    vec![serde_json::Value::String(css.to_owned())],
                )
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if !ok {
                let shot = self.screenshot("click-failed").await;
                panic!("click {css}: {e} (see {})", shot.display());
            }
        }
    }

    /// Opens a page from the left navigation. WebKitWebDriver's element click does not follow
    /// the router's links, so the link is clicked from the page's own script.
    pub async fn nav(&self, page: &str) {
        self.client
            .execute(
                "document.querySelector(`[data-testid=\"nav-${arguments[0]}\"]`).click();",
                vec![serde_json::Value::String(page.to_owned())],
            )
            .await
            .unwrap_or_else(|e| panic!("navigate to {page}: {e}"));
        self.wait_visible(
            &format!("[data-testid=page-{page}]"),
            Duration::from_secs(30),
        )
        .await;
    }

    /// Moves the keyboard focus to the element matching `css` (as Tab would).
    pub async fn focus(&self, css: &str) {
        let ok = self
            .client
            .execute(
                "const e = document.querySelector(arguments[0]); if (!e) return false; e.focus(); return document.activeElement === e;",
                vec![serde_json::Value::String(css.to_owned())],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        assert!(ok, "could not focus {css}");
    }

    /// Types `text` into the input inside `css` (for set-up screens, not for the flows under test).
    pub async fn fill(&self, css: &str, text: &str) {
        // Element Plus puts the test id on the <input> itself, or on a wrapper of it.
        let input = format!("{css} input, {css} textarea, input{css}, textarea{css}");
        let el = self
            .client
            .find(Locator::Css(&input))
            .await
            .unwrap_or_else(|e| panic!("{input} not found: {e}"));
        // WebDriver's clear() does not reach Vue's v-model: select everything and type over it.
        let select_all = format!(
            "{}a{}",
            fantoccini::key::Key::Control,
            fantoccini::key::Key::Null
        );
        el.send_keys(&select_all).await.expect("select all");
        el.send_keys(text).await.expect("send keys");
    }

    pub async fn text(&self, css: &str) -> String {
        self.rendered_text(css)
            .await
            .unwrap_or_else(|| panic!("{css} not found"))
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
