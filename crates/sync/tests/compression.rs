//! Pushes go gzipped when they are large, signed over the bytes as sent, and a server that does
//! not take gzip gets the same ops again uncompressed instead of rejecting them.

mod common;

use std::sync::Arc;

use common::*;
use onestop_sync::ports::OutboxPort;
use onestop_sync::round::{run_round, RoundEnd};

#[tokio::test]
async fn a_large_push_goes_gzipped_and_signed_over_the_compressed_bytes() {
    let (srv, client) = start(Srv::default()).await;
    assert!(client.request_compression(), "on by default");
    let outbox = MemOutbox::with(&[("a", 60), ("b", 60)]);
    let end = run_round(
        &parts(client, outbox.clone(), Arc::new(MemChanges::default())),
        no_reauth,
    )
    .await;
    assert!(matches!(end, RoundEnd::Complete(_)), "{end:?}");
    let s = srv.lock().unwrap();
    assert_eq!(s.stored.len(), 120, "every op arrived intact");
    assert_eq!((s.gzip_pushes, s.plain_pushes), (2, 0));
    assert_eq!(s.unsigned_bodies, 0, "the body hash is of the wire bytes");
    assert_eq!(outbox.stats().unwrap().ops, 0);
}

#[tokio::test]
async fn a_small_push_goes_plain() {
    let (srv, client) = start(Srv::default()).await;
    let outbox = MemOutbox::with(&[("a", 1)]);
    let end = run_round(
        &parts(client, outbox, Arc::new(MemChanges::default())),
        no_reauth,
    )
    .await;
    assert!(matches!(end, RoundEnd::Complete(_)), "{end:?}");
    let s = srv.lock().unwrap();
    assert_eq!((s.gzip_pushes, s.plain_pushes), (0, 1));
    assert_eq!(s.unsigned_bodies, 0);
}

#[tokio::test]
async fn a_server_without_gzip_gets_the_ops_plain_and_none_is_rejected() {
    let (srv, client) = start(Srv {
        no_gzip: true,
        ..Default::default()
    })
    .await;
    let outbox = MemOutbox::with(&[("a", 150)]);
    let end = run_round(
        &parts(
            client.clone(),
            outbox.clone(),
            Arc::new(MemChanges::default()),
        ),
        no_reauth,
    )
    .await;
    let RoundEnd::Complete(report) = end else {
        panic!("{end:?}")
    };
    assert_eq!(report.ops_rejected, 0);
    assert_eq!(report.ops_acknowledged, 150);
    assert_eq!(outbox.stats().unwrap().ops, 0);
    let s = srv.lock().unwrap();
    // One gzip attempt, refused; then both batches plain, and compression stays off.
    assert_eq!((s.gzip_pushes, s.plain_pushes), (1, 2));
    assert!(!client.request_compression());
}
