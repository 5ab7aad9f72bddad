//! One sync round against a small HTTP server that answers the way the protocol allows, including
//! the unfriendly answers: a batch too large, a conflicting seq, 5xx, a cursor that is gone.
//! (The real server and the chaos proxy are exercised in the workspace's sync tests; this file
//! pins the engine's decisions for each answer.)

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use onestop_protocol::OpOutcome;
use onestop_sync::ports::OutboxPort;
use onestop_sync::round::{run_round, RoundEnd};
use onestop_sync::ServerClient;

#[tokio::test]
async fn drains_the_outbox_in_batches_of_at_most_100_and_pulls_every_page() {
    let (srv, client) = start(Srv {
        changes: 450,
        ..Default::default()
    })
    .await;
    let outbox = MemOutbox::with(&[("a", 120), ("b", 130)]);
    let changes = Arc::new(MemChanges::default());
    let end = run_round(&parts(client, outbox.clone(), changes.clone()), no_reauth).await;
    let RoundEnd::Complete(report) = end else {
        panic!("{end:?}")
    };
    assert_eq!(report.ops_acknowledged, 250);
    assert_eq!(outbox.stats().unwrap().ops, 0);
    assert_eq!(srv.lock().unwrap().stored.len(), 250);
    assert_eq!(report.changes_applied, 450);
    assert_eq!(*changes.cursor.lock().unwrap(), 450);
    assert_eq!(
        changes.seen.lock().unwrap().len(),
        450,
        "no change applied twice"
    );
}

#[tokio::test]
async fn a_batch_too_large_is_narrowed_not_dropped() {
    let (srv, client) = start(Srv {
        max_batch: 7,
        ..Default::default()
    })
    .await;
    let outbox = MemOutbox::with(&[("a", 40)]);
    let end = run_round(
        &parts(client, outbox.clone(), Arc::new(MemChanges::default())),
        no_reauth,
    )
    .await;
    assert!(matches!(end, RoundEnd::Complete(_)), "{end:?}");
    assert_eq!(srv.lock().unwrap().stored.len(), 40);
    assert_eq!(outbox.stats().unwrap().ops, 0);
}

#[tokio::test]
async fn a_conflicting_op_is_rejected_alone_and_holds_back_only_its_own_case() {
    // Cases interleave: a1 b1 a2 b2 …; seq 3 is a2.
    let (srv, client) = start(Srv {
        conflict_seq: Some(3),
        ..Default::default()
    })
    .await;
    let outbox = MemOutbox::with(&[("a", 5), ("b", 5)]);
    let end = run_round(
        &parts(client, outbox.clone(), Arc::new(MemChanges::default())),
        no_reauth,
    )
    .await;
    let RoundEnd::Complete(report) = end else {
        panic!("{end:?}")
    };
    assert_eq!(report.ops_rejected, 1);
    assert_eq!(outbox.outcome(3), Some(OpOutcome::Rejected));
    let stored: Vec<u64> = srv.lock().unwrap().stored.keys().copied().collect();
    // Case b (even seqs) all went through; case a stopped at its rejected op.
    assert_eq!(stored, vec![1, 2, 4, 6, 8, 10]);
    assert_eq!(
        outbox.stats().unwrap().ops,
        3,
        "a3, a4, a5 wait for the clerk"
    );
}

#[tokio::test]
async fn server_trouble_ends_the_round_with_retry_after_and_loses_nothing() {
    let (srv, client) = start(Srv {
        fail_first_pushes: 1,
        ..Default::default()
    })
    .await;
    let outbox = MemOutbox::with(&[("a", 3)]);
    let p = parts(client, outbox.clone(), Arc::new(MemChanges::default()));
    let end = run_round(&p, no_reauth).await;
    let RoundEnd::Failed { retry_after, .. } = end else {
        panic!("{end:?}")
    };
    assert_eq!(retry_after, Some(Duration::from_secs(7)));
    assert_eq!(outbox.stats().unwrap().ops, 3);
    let end = run_round(&p, no_reauth).await;
    assert!(matches!(end, RoundEnd::Complete(_)), "{end:?}");
    assert_eq!(srv.lock().unwrap().stored.len(), 3);
}

#[tokio::test]
async fn a_gone_cursor_resyncs_from_zero() {
    let (_srv, client) = start(Srv {
        changes: 5,
        gone_once: true,
        ..Default::default()
    })
    .await;
    let changes = Arc::new(MemChanges::default());
    *changes.cursor.lock().unwrap() = 3;
    let end = run_round(
        &parts(client, MemOutbox::with(&[]), changes.clone()),
        no_reauth,
    )
    .await;
    assert!(matches!(end, RoundEnd::Complete(_)), "{end:?}");
    assert_eq!(*changes.resets.lock().unwrap(), 1);
    assert_eq!(*changes.cursor.lock().unwrap(), 5);
}

#[tokio::test]
async fn no_network_is_a_retryable_failure() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client =
        ServerClient::new(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2)).unwrap();
    let outbox = MemOutbox::with(&[("a", 2)]);
    let end = run_round(
        &parts(client, outbox.clone(), Arc::new(MemChanges::default())),
        no_reauth,
    )
    .await;
    let RoundEnd::Failed { error, .. } = end else {
        panic!("{end:?}")
    };
    assert_eq!(error.code(), "sync.server_unreachable");
    assert_eq!(outbox.stats().unwrap().ops, 2);
}
