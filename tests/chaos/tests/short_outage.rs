//! A short outage on real parts: the server goes down and comes back between two probes of the
//! window's connection monitor, so the monitor never sees it and nothing fires "on reconnect"
//! from there. The engine's own reconnect probe must notice the server's return and drain the
//! queue long before its backoff timer would have fired. (crates/desk/tests/sync_server.rs waits
//! 600 ms for the monitor to see such an outage; this test needs no such wait.)

#[path = "../../../crates/desk/tests/common/mod.rs"]
#[allow(unused_imports)]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::server::{TestServer, PASSWORD};
use common::*;
use onestop_desk::{Desk, DeskConfig, KeyStore, MemoryKeyStore, NewCaseInput, SyncStatus};
use onestop_domain::lifecycle::Role;

const FOOD: &str = "019900040000";

/// Waits on the window's status stream until `ok` holds (generous: a busy 2-core machine).
async fn until(desk: &Desk, what: &str, ok: impl Fn(&SyncStatus) -> bool) -> SyncStatus {
    let limit = Duration::from_secs(60);
    let started = Instant::now();
    let mut rx = desk.subscribe_sync();
    loop {
        let now = rx.borrow_and_update().clone();
        if ok(&now) {
            return now;
        }
        let left = limit.saturating_sub(started.elapsed());
        assert!(!left.is_zero(), "{what}: not within {limit:?}: {now:?}");
        let _ = tokio::time::timeout(left, rx.changed()).await;
    }
}

async fn accept_food(desk: &Desk, id_number: &str) -> String {
    let applicant = desk
        .register_applicant(person(
            id_number,
            "王芳",
            "13800138000",
            "城关镇人民路 8 号",
        ))
        .await
        .unwrap();
    let food = item(FOOD);
    let form = desk
        .prefill_form(applicant.applicant_id.clone(), food.impl_code.clone())
        .await
        .unwrap();
    desk.accept(NewCaseInput {
        actor: clerk(),
        impl_code: food.impl_code.clone(),
        applicant_id: applicant.applicant_id,
        form: complete_form(&food, form),
        materials: all_materials(&food),
        attachments: Vec::new(),
        proxy: None,
    })
    .await
    .unwrap()
    .snapshot
    .case_id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_return_the_connection_monitor_never_saw_still_drains_the_queue_at_once() {
    let mut server = TestServer::start().await;
    let admin = server.login("admin", common::server::ADMIN_PASSWORD).await;
    let code = server.enrolment_code(&admin, "城关镇便民服务中心").await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = DeskConfig::new(dir.path());
    config.keystore = Some(Arc::new(MemoryKeyStore::new()) as Arc<dyn KeyStore>);
    config.server_url = server.url.clone();
    // The monitor probes once at start and then not for an hour: it cannot see the outage.
    config.health_interval = Duration::from_secs(3600);
    config.health_timeout = Duration::from_secs(2);
    config.sync_idle_poll = Duration::from_millis(300);
    config.sync_timeout = Duration::from_secs(2);
    let desk = Desk::start(config).unwrap();
    desk.install_catalogue(demo_json()).await.unwrap();
    let enrolled = desk.enrol(server.url.clone(), code.code).await.unwrap();
    server
        .create_user(
            &admin,
            "clerk",
            Role::WindowClerk,
            None,
            Some(&enrolled.window_id),
        )
        .await;
    desk.login("clerk".into(), PASSWORD.into()).await.unwrap();
    until(&desk, "the first round", |s| {
        s.last_success_at.is_some() && !s.running
    })
    .await;

    // Down: the clerk accepts two cases, the rounds fail and the backoff grows until the timer
    // would wait at least 15 s (full jitter draws anywhere below a doubling ceiling).
    server.stop().await;
    let cases = [
        accept_food(&desk, "110101199003071233").await,
        accept_food(&desk, "110101196006060069").await,
    ];
    let mut failures = 0;
    let backoff_ends = loop {
        let s = until(&desk, "a failed round", |s| {
            s.failures > failures && !s.running && !s.online
        })
        .await;
        failures = s.failures;
        let ends = s.next_attempt_at.unwrap();
        if ends - chrono::Utc::now() > chrono::Duration::seconds(15) {
            break ends;
        }
        assert!(failures < 40, "the backoff never grew: {s:?}");
        desk.sync_now().unwrap();
    };
    let queued = desk.sync_status();
    assert!(
        queued.queued_ops >= 4,
        "two applicants, two cases: {queued:?}"
    );

    // Back on the same port; nobody triggers a round from here on.
    server.restart().await;
    until(&desk, "the queue to drain", |s| {
        s.queued_ops == 0 && s.online && s.failures == 0 && !s.running
    })
    .await;
    let drained_at = chrono::Utc::now();
    assert!(
        drained_at < backoff_ends,
        "drained at {drained_at}, when the backoff ended at {backoff_ends}: the return was not noticed"
    );
    let from = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let to = chrono::NaiveDate::from_ymd_opt(2100, 1, 1).unwrap();
    let on_server: Vec<String> = server
        .store
        .cases_received(common::server::COUNTY, from, to)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.case_id)
        .collect();
    for id in &cases {
        assert!(on_server.contains(id), "case {id} is on the server");
    }
}
