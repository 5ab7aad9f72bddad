//! A window enrolled on the in-process server and signed in, for the sync tests.

use std::sync::Arc;
use std::time::{Duration, Instant};

use onestop_desk::{Desk, DeskConfig, FixedClock, KeyStore, MemoryKeyStore};
use onestop_domain::lifecycle::{ReviewStep, Role};

use super::server::{TestServer, PASSWORD};
use super::{demo_json, item};

const FOOD: &str = "019900040000";

/// Polls `check` until it holds, failing the test after `limit`.
pub async fn wait_for<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub struct Window {
    pub desk: Desk,
    pub dir: tempfile::TempDir,
    pub keys: Arc<MemoryKeyStore>,
    pub admin: String,
    pub approver: String,
}

/// A window enrolled on `server`, reached at `url`, with a clerk signed in and an approver of
/// the food item's department on the server.
pub async fn window(server: &TestServer, url: &str) -> Window {
    window_as(server, url, "").await
}

/// Like [`window`], with user names ending in `suffix` (several windows on one server).
pub async fn window_as(server: &TestServer, url: &str, suffix: &str) -> Window {
    window_with(server, url, suffix, None).await
}

/// Like [`window`], on a clock the test sets (sign in again after moving it past the idle
/// timeout).
pub async fn window_on_clock(server: &TestServer, url: &str, clock: Arc<FixedClock>) -> Window {
    window_with(server, url, "", Some(clock)).await
}

async fn window_with(
    server: &TestServer,
    url: &str,
    suffix: &str,
    clock: Option<Arc<FixedClock>>,
) -> Window {
    let clerk = format!("clerk{suffix}");
    let approver_name = format!("approver{suffix}");
    let admin = server.login("admin", super::server::ADMIN_PASSWORD).await;
    let code = server.enrolment_code(&admin, "城关镇便民服务中心").await;
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let mut config = DeskConfig::new(dir.path());
    config.keystore = Some(keys.clone() as Arc<dyn KeyStore>);
    config.server_url = url.to_string();
    config.health_interval = Duration::from_millis(200);
    config.health_timeout = Duration::from_millis(150);
    config.sync_idle_poll = Duration::from_millis(300);
    config.sync_timeout = Duration::from_secs(2);
    if let Some(clock) = clock {
        config.clock = clock;
    }
    let desk = Desk::start(config).unwrap();
    desk.install_catalogue(demo_json()).await.unwrap();
    let enrolled = desk.enrol(url.to_string(), code.code).await.unwrap();
    server
        .create_user(
            &admin,
            &clerk,
            Role::WindowClerk,
            None,
            Some(&enrolled.window_id),
        )
        .await;
    let food = item(FOOD);
    server
        .create_user(
            &admin,
            &approver_name,
            Role::Approver {
                steps: vec![ReviewStep::Handle, ReviewStep::Review, ReviewStep::Approve],
            },
            Some(&food.department),
            None,
        )
        .await;
    let approver = server.login(&approver_name, PASSWORD).await;
    desk.login(clerk, PASSWORD.into()).await.unwrap();
    Window {
        desk,
        dir,
        keys,
        admin,
        approver,
    }
}
