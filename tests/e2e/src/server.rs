use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{artifacts_dir, binary, Managed};

/// The real `onestop-server` on its SQLite file, on a fixed loopback port so it can be stopped
/// and started again at the same address the app was given.
pub struct TestServer {
    pub port: u16,
    database: PathBuf,
    process: Option<Managed>,
    starts: u32,
    http: reqwest::Client,
}

impl TestServer {
    pub async fn start(data_dir: &Path, port: u16) -> Self {
        let mut server = Self {
            port,
            database: data_dir.join("server.db"),
            process: None,
            starts: 0,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(2))
                .build()
                .expect("http client"),
        };
        server.resume().await;
        server
    }

    /// The server's database file (for `seed::prepare_database` before the first start).
    pub fn database(&self) -> &Path {
        &self.database
    }

    /// Like [`TestServer::start`], with the demo catalogue and an administrator in the database.
    pub async fn start_demo(data_dir: &Path, port: u16) -> Self {
        crate::seed::prepare_database(&data_dir.join("server.db"));
        Self::start(data_dir, port).await
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the process (again) and waits until `/healthz` answers.
    pub async fn resume(&mut self) {
        assert!(self.process.is_none(), "server already running");
        self.starts += 1;
        let log = artifacts_dir().join(format!("server-{}-{}.log", self.port, self.starts));
        let out = File::create(&log).expect("server log");
        let err = out.try_clone().expect("server log");
        let mut cmd = Command::new(binary("onestop-server"));
        cmd.arg("--database")
            .arg(&self.database)
            // Beside the database: the default is relative to the working directory.
            .arg("--upload-dir")
            .arg(self.database.with_file_name("uploads"))
            .arg("--listen")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("serve")
            .stdout(out)
            .stderr(err);
        self.process = Some(Managed::spawn("onestop-server", &mut cmd));
        self.wait_healthy(Duration::from_secs(30)).await;
    }

    /// SIGTERM and wait: the server shuts down gracefully.
    pub fn stop(&mut self) {
        if let Some(mut p) = self.process.take() {
            p.terminate(Duration::from_secs(10));
        }
    }

    async fn wait_healthy(&self, limit: Duration) {
        let deadline = Instant::now() + limit;
        let url = format!("{}/healthz", self.url());
        loop {
            if let Ok(r) = self.http.get(&url).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "server on {} never became healthy",
                self.url()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
