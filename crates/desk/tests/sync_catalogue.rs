//! Catalogue refresh in the sync round, against the real server over HTTP: an edition published
//! on the server is installed on the window, and the next round asks with If-None-Match and gets
//! 304 (counted in the server's own request metrics).

mod common;

use std::time::Duration;

use common::server::TestServer;
use common::window::{wait_for, window};
use common::*;
use onestop_local::{catalogue_repo, sync_state, Db, DB_FILE};
use reqwest::StatusCode;

/// Requests the server answered on `GET /v1/catalogue` with a 3xx, from its Prometheus text.
async fn catalogue_not_modified(server: &TestServer) -> u64 {
    let text = server
        .http
        .get(format!("{}/metrics", server.url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && l.contains("/v1/catalogue") && l.contains("3xx"))
        .filter(|l| l.contains("_total") || l.contains("requests"))
        .filter(|l| !l.contains("_bucket") && !l.contains("_sum"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .map(|v| v as u64)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_edition_reaches_the_window_then_304() {
    let server = TestServer::start().await;
    let url = server.url.clone();
    let w = window(&server, &url).await;
    let edition = |w: &common::window::Window| {
        let db = Db::open(&w.dir.path().join(DB_FILE), w.keys.as_ref()).unwrap();
        let active = catalogue_repo::active_edition(db.conn()).unwrap();
        let etag = sync_state::catalogue_etag(db.conn()).unwrap();
        (active, etag)
    };
    wait_for("the first catalogue check", Duration::from_secs(10), || {
        let e = edition(&w);
        async move { e.1.is_some() }
    })
    .await;

    // The county publishes a new edition on the server.
    let next = demo_json().replacen("\"2026-11\"", "\"2026-12\"", 1);
    let r = server
        .http
        .put(format!("{}/v1/admin/catalogue", server.url))
        .bearer_auth(&w.admin)
        .body(next)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    w.desk.sync_now().unwrap();
    wait_for(
        "the new edition on the window",
        Duration::from_secs(10),
        || {
            let e = edition(&w);
            async move { e.0.as_deref() == Some("2026-12") }
        },
    )
    .await;
    let (_, etag) = edition(&w);
    let notices = w.desk.sync_status().notices;
    eprintln!("etag {etag:?}, notices {notices:?}");

    // The next rounds send the ETag and get 304.
    let before = catalogue_not_modified(&server).await;
    w.desk.sync_now().unwrap();
    wait_for(
        "a 304 on the catalogue",
        Duration::from_secs(10),
        || async { catalogue_not_modified(&server).await > before },
    )
    .await;
    assert_eq!(edition(&w), (Some("2026-12".into()), etag));
    assert!(w.desk.sync_status().last_error.is_none());
}
