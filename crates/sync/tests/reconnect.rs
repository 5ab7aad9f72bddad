//! A short outage: the server goes away and comes back while the engine waits out a long
//! backoff. The engine notices the return by itself (nothing else triggers it here) and drains
//! the queue long before its backoff timer would have fired.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use onestop_protocol::{op_kind, Op};
use onestop_sync::engine::{EngineConfig, EngineTuning, Reauthenticate, SyncEngine};
use onestop_sync::status::SyncStatus;

struct Never;
impl Reauthenticate for Never {
    fn reauthenticate(&self) -> Pin<Box<dyn Future<Output = bool> + Send + '_>> {
        Box::pin(async { false })
    }
}

/// Waits on the status stream until `ok` holds; fails after `limit` (generous: a busy machine).
async fn wait_for(
    engine: &SyncEngine,
    what: &str,
    limit: Duration,
    ok: impl Fn(&SyncStatus) -> bool,
) {
    let started = Instant::now();
    let mut rx = engine.status();
    loop {
        if ok(&rx.borrow_and_update()) {
            return;
        }
        let left = limit.saturating_sub(started.elapsed());
        assert!(
            !left.is_zero(),
            "{what} did not happen within {limit:?}: {:?}",
            *rx.borrow()
        );
        let _ = tokio::time::timeout(left, rx.changed()).await;
    }
}

#[tokio::test]
async fn the_engine_notices_a_server_return_itself_instead_of_waiting_out_its_backoff() {
    let mut server = serve(Srv::default()).await;
    let client = onestop_sync::ServerClient::new(&server.url(), Duration::from_secs(2)).unwrap();
    let outbox = MemOutbox::with(&[]);
    let engine = SyncEngine::spawn_tuned(
        parts(client, outbox.clone(), Arc::new(MemChanges::default())),
        EngineConfig {
            idle_poll: Duration::from_secs(3600),
        },
        EngineTuning {
            reconnect_probe: Some(Duration::from_millis(100)),
            // The top of every backoff window: after three failures the timer waits ~8 s.
            backoff_jitter: Some(0.99),
        },
        Arc::new(Never),
    );
    wait_for(&engine, "the first round", Duration::from_secs(30), |s| {
        s.last_success_at.is_some() && !s.running
    })
    .await;

    server.stop().await;
    let op = Op::new(
        "dev-1",
        1,
        "op-1",
        op_kind::CASE_SNAPSHOT,
        serde_json::json!({"n": 1}),
    );
    outbox.ops.lock().unwrap().push((op, "x".into(), None));
    for failures in 1..=3 {
        engine.trigger();
        wait_for(&engine, "a failed round", Duration::from_secs(30), |s| {
            s.failures == failures && !s.running && !s.online
        })
        .await;
    }
    let backoff_ends = engine.status().borrow().next_attempt_at.unwrap();
    assert!(
        backoff_ends - chrono::Utc::now() > chrono::Duration::seconds(5),
        "the test needs a long backoff: {backoff_ends}"
    );

    // Back on the same port. Nobody triggers the engine from here on.
    server.restart().await;
    wait_for(
        &engine,
        "the queue to drain",
        Duration::from_secs(60),
        |s| s.queued_ops == 0 && s.failures == 0 && s.online && !s.running,
    )
    .await;
    let drained_at = chrono::Utc::now();
    assert!(
        drained_at < backoff_ends,
        "drained at {drained_at}, only when the backoff ended at {backoff_ends}: the return was not noticed"
    );
    assert_eq!(server.shared.lock().unwrap().stored.len(), 1);
}
