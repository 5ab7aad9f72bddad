//! The scheduler recovers by itself after a failure, and a trigger runs a round at once.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use onestop_protocol::op_kind;
use onestop_protocol::Op;
use onestop_sync::engine::{EngineConfig, Reauthenticate, SyncEngine};

struct Never;
impl Reauthenticate for Never {
    fn reauthenticate(&self) -> Pin<Box<dyn Future<Output = bool> + Send + '_>> {
        Box::pin(async { false })
    }
}

async fn wait_for(
    engine: &SyncEngine,
    what: &str,
    limit: Duration,
    ok: impl Fn(&onestop_sync::status::SyncStatus) -> bool,
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
async fn a_failed_round_is_retried_by_the_timer_not_by_the_next_local_write() {
    let (srv, client) = start(Srv {
        fail_first_pushes: 1,
        ..Default::default()
    })
    .await;
    let outbox = MemOutbox::with(&[("a", 3)]);
    let engine = SyncEngine::spawn(
        parts(client, outbox.clone(), Arc::new(MemChanges::default())),
        EngineConfig {
            idle_poll: Duration::from_secs(3600),
        },
        Arc::new(Never),
    );
    // The server said Retry-After: 7 — too slow for a test; what matters is that the first round
    // failed, the status says so with a next attempt armed, and nobody has to write anything.
    wait_for(&engine, "first failure", Duration::from_secs(10), |s| {
        s.failures == 1 && !s.running
    })
    .await;
    let status = engine.status().borrow().clone();
    assert!(status.next_attempt_at.is_some());
    assert_eq!(
        status.last_error.as_ref().map(|e| e.code.as_str()),
        Some("sync.bad_response")
    );
    assert_eq!(status.queued_ops, 3);
    wait_for(
        &engine,
        "recovery by the timer",
        Duration::from_secs(20),
        |s| s.failures == 0 && s.queued_ops == 0,
    )
    .await;
    assert_eq!(srv.lock().unwrap().stored.len(), 3);
    assert!(engine.status().borrow().last_success_at.is_some());
}

#[tokio::test]
async fn a_trigger_runs_a_round_at_once() {
    let (srv, client) = start(Srv::default()).await;
    let outbox = MemOutbox::with(&[]);
    let engine = SyncEngine::spawn(
        parts(client, outbox.clone(), Arc::new(MemChanges::default())),
        EngineConfig {
            idle_poll: Duration::from_secs(3600),
        },
        Arc::new(Never),
    );
    wait_for(&engine, "first round", Duration::from_secs(10), |s| {
        s.last_success_at.is_some() && !s.running
    })
    .await;
    let op = Op::new(
        "dev-1",
        1,
        "op-1",
        op_kind::CASE_SNAPSHOT,
        serde_json::json!({"n": 1}),
    );
    outbox.ops.lock().unwrap().push((op, "x".into(), None));
    let before = engine.status().borrow().last_success_at;
    engine.trigger();
    wait_for(&engine, "the new op pushed", Duration::from_secs(5), |s| {
        s.last_success_at > before && s.queued_ops == 0 && !s.running
    })
    .await;
    assert_eq!(srv.lock().unwrap().stored.len(), 1);
}
