//! The real server, in-process on a loopback port, that a desk talks to over HTTP only. It can be
//! stopped and started again on the same port and database, like a server that went down.

use std::net::SocketAddr;
use std::sync::Arc;

use onestop_domain::catalogue::WindowLevel;
use onestop_domain::lifecycle::Role;
use onestop_protocol::*;
use onestop_server::api::{router, AppState};
use onestop_server::auth::PasswordCost;
use onestop_server::store::{self, Store};
use onestop_server::ServerConfig;
use reqwest::StatusCode;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const COUNTY: &str = "990101";
pub const ADMIN_PASSWORD: &str = "admin-pass-1";
pub const PASSWORD: &str = "clerk-pass-1";

pub struct TestServer {
    pub url: String,
    pub addr: SocketAddr,
    pub store: Arc<dyn Store>,
    pub http: reqwest::Client,
    config: ServerConfig,
    stop: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
    _dir: tempfile::TempDir,
}

fn config(dir: &std::path::Path) -> ServerConfig {
    let mut c = ServerConfig::new("unused", "127.0.0.1:0".parse().unwrap());
    c.password_cost = PasswordCost {
        memory_kib: 256,
        iterations: 1,
        parallelism: 1,
    };
    c.upload_dir = dir.join("uploads");
    c
}

impl TestServer {
    /// A fresh SQLite server with an administrator and the demo catalogue published.
    pub async fn start() -> TestServer {
        Self::start_on(None).await
    }

    /// Like [`TestServer::start`], on `database` (a PostgreSQL URL) or a SQLite temp file.
    pub async fn start_on(database: Option<String>) -> TestServer {
        super::capture_logs();
        let dir = tempfile::tempdir().unwrap();
        let database =
            database.unwrap_or_else(|| dir.path().join("server.db").to_str().unwrap().to_owned());
        let store = store::open(&database).await.unwrap();
        store.migrate().await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut s = TestServer {
            url: format!("http://{addr}"),
            addr,
            store,
            http: reqwest::Client::new(),
            config: config(dir.path()),
            stop: None,
            _dir: dir,
        };
        s.serve(listener);
        onestop_server::api::users::create(
            s.store.as_ref(),
            s.config.password_cost,
            CreateUserRequest {
                username: "admin".into(),
                display_name: "管理员".into(),
                password: ADMIN_PASSWORD.into(),
                role: Role::Administrator,
                county_code: COUNTY.into(),
                department: None,
                window_id: None,
            },
        )
        .await
        .unwrap();
        let token = s.login("admin", ADMIN_PASSWORD).await;
        let r = s
            .http
            .put(format!("{}/v1/admin/catalogue", s.url))
            .bearer_auth(&token)
            .body(super::demo_json())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
        s
    }

    fn serve(&mut self, listener: tokio::net::TcpListener) {
        let app = router(AppState::new(Arc::clone(&self.store), self.config.clone()));
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(
                onestop_server::without_nagle(listener),
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
            .unwrap()
        });
        self.stop = Some((tx, task));
    }

    /// Where finished uploads land, each named by its upload id (`.part` while unfinished).
    pub fn upload_dir(&self) -> std::path::PathBuf {
        self.config.upload_dir.clone()
    }

    /// The server goes down: the port is closed, open connections end.
    pub async fn stop(&mut self) {
        if let Some((tx, task)) = self.stop.take() {
            let _ = tx.send(());
            let _ = tokio::time::timeout(std::time::Duration::from_secs(5), task).await;
        }
    }

    /// Back up on the same port and database.
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = tokio::net::TcpListener::bind(self.addr).await.unwrap();
        self.serve(listener);
    }

    pub async fn login(&self, username: &str, password: &str) -> String {
        let r = self
            .http
            .post(format!("{}/v1/auth/login", self.url))
            .json(&LoginRequest {
                username: username.into(),
                password: password.into(),
            })
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "login {username}");
        r.json::<LoginResponse>().await.unwrap().token
    }

    pub async fn enrolment_code(&self, admin: &str, name: &str) -> EnrolmentCode {
        let r = self
            .http
            .post(format!("{}/v1/admin/enrolment-codes", self.url))
            .bearer_auth(admin)
            .json(&EnrolmentCodeRequest {
                county_code: COUNTY.into(),
                level: WindowLevel::County,
                window_name: name.into(),
                parent_window_id: None,
            })
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json().await.unwrap()
    }

    pub async fn create_user(
        &self,
        admin: &str,
        username: &str,
        role: Role,
        department: Option<&str>,
        window_id: Option<&str>,
    ) {
        let r = self
            .http
            .post(format!("{}/v1/admin/users", self.url))
            .bearer_auth(admin)
            .json(&CreateUserRequest {
                username: username.into(),
                display_name: username.into(),
                password: PASSWORD.into(),
                role,
                county_code: COUNTY.into(),
                department: department.map(Into::into),
                window_id: window_id.map(Into::into),
            })
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
    }

    /// `GET /v1/cases/{id}` as `token`: the status code and the body.
    pub async fn case(&self, token: &str, case_id: &str) -> (StatusCode, serde_json::Value) {
        let r = self
            .http
            .get(format!("{}/v1/cases/{case_id}", self.url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn act(
        &self,
        token: &str,
        case_id: &str,
        transition: onestop_domain::lifecycle::Transition,
    ) -> (StatusCode, serde_json::Value) {
        let r = self
            .http
            .post(format!("{}/v1/cases/{case_id}/actions", self.url))
            .bearer_auth(token)
            .json(&CaseActionRequest {
                transition,
                part: None,
                expected_version: None,
            })
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }
}
