//! A malformed catalogue end to end (ARCHITECTURE.md §5.4): the real server serves an edition the
//! window's validated install path refuses; the window keeps its last good edition, the clerk's
//! status stream says so with the stable code `sync.catalogue_refused` round after round, the
//! bad edition is not downloaded again, and a good edition published later is installed.
//!
//! The server's own publishing API refuses such an edition, so the test writes it through the
//! server's store (`Store::publish_catalogue`, the call the API makes after validating): the
//! least invasive real way for `GET /v1/catalogue` to serve it, as a server with a bug would.

#[path = "../../../crates/desk/tests/common/mod.rs"]
#[allow(unused_imports)]
mod common;

use std::time::{Duration, Instant};

use common::server::TestServer;
use common::window::{window, Window};
use common::*;
use onestop_desk::SyncStatus;
use onestop_local::{catalogue_repo, sync_state, Db, DB_FILE};
use onestop_server::store::StoredCatalogue;
use reqwest::StatusCode;

/// The installed edition and its stored ETag, read from the window's database file.
fn installed(w: &Window) -> (Option<String>, Option<String>) {
    let db = Db::open(&w.dir.path().join(DB_FILE), w.keys.as_ref()).unwrap();
    (
        catalogue_repo::active_edition(db.conn()).unwrap(),
        sync_state::catalogue_etag(db.conn()).unwrap(),
    )
}

/// Waits on the window's status stream until `ok` holds.
async fn until(w: &Window, what: &str, ok: impl Fn(&SyncStatus) -> bool) -> SyncStatus {
    let limit = Duration::from_secs(30);
    let started = Instant::now();
    let mut rx = w.desk.subscribe_sync();
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

/// `GET /v1/catalogue` answers of one status class (`2xx`, `3xx`), from the server's metrics.
async fn catalogue_answers(server: &TestServer, class: &str) -> u64 {
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
        .filter(|l| l.starts_with("onestop_http_requests_total{"))
        .filter(|l| l.contains("\"/v1/catalogue\"") && l.contains(&format!("\"{class}\"")))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .map(|v| v as u64)
        .sum()
}

/// Edition 2026-12 of the demo catalogue with its first item listed twice: valid JSON, refused
/// whole by `onestop_domain` (`catalogue.invalid`, duplicate implementation code).
fn broken_edition() -> String {
    let mut cat: serde_json::Value = serde_json::from_str(&demo_json()).unwrap();
    cat["edition"] = "2026-12".into();
    let first = cat["items"][0].clone();
    cat["items"].as_array_mut().unwrap().push(first);
    cat.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_edition_keeps_the_last_good_one_and_the_clerk_is_told() {
    let server = TestServer::start().await;
    let w = window(&server, &server.url).await;
    until(&w, "the first round", |s| {
        s.last_success_at.is_some() && !s.running
    })
    .await;
    let good = installed(&w);
    assert_eq!(good.0.as_deref(), Some("2026-11"));
    assert!(
        good.1.is_some(),
        "the edition from the server is installed with its ETag"
    );

    // The server now serves an edition the window must refuse.
    let body = broken_edition();
    let etag = onestop_protocol::signing::body_sha256(body.as_bytes());
    let items = serde_json::from_str::<serde_json::Value>(&body).unwrap()["items"]
        .as_array()
        .unwrap()
        .len();
    let stored = server
        .store
        .publish_catalogue(&StoredCatalogue {
            edition: "2026-12".into(),
            etag: etag.clone(),
            item_count: items as u32,
            body,
            published_at: chrono::Utc::now(),
        })
        .await
        .unwrap();
    assert!(stored);
    let served = server
        .http
        .get(format!("{}/v1/catalogue", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert!(served.text().await.unwrap().contains("\"2026-12\""));

    let fetched_before = catalogue_answers(&server, "2xx").await;
    w.desk.sync_now().unwrap();
    let refused = until(&w, "the refusal on the status stream", |s| {
        s.last_error
            .as_ref()
            .is_some_and(|e| e.code == "sync.catalogue_refused")
    })
    .await;
    let error = refused.last_error.unwrap();
    assert_eq!(error.details["reason"]["code"], "catalogue.invalid");
    assert_eq!(error.details["edition"], "2026-12");
    assert_eq!(error.details["etag"], format!("\"{etag}\""));
    assert!(error.message.contains("2026-12"), "{}", error.message);
    assert!(
        refused
            .notices
            .iter()
            .any(|n| n.contains("继续使用当前版本")),
        "{:?}",
        refused.notices
    );
    assert_eq!(
        installed(&w),
        good,
        "the last good edition stays, ETag and all"
    );
    assert_eq!(
        catalogue_answers(&server, "2xx").await,
        fetched_before + 1,
        "the bad edition was downloaded once"
    );

    // Later rounds: still reported, not downloaded again (304 for the refused ETag).
    let not_modified = catalogue_answers(&server, "3xx").await;
    let last = refused.last_success_at;
    w.desk.sync_now().unwrap();
    let later = until(&w, "another round", |s| {
        s.last_success_at > last && !s.running
    })
    .await;
    assert_eq!(
        later.last_error.as_ref().map(|e| e.code.as_str()),
        Some("sync.catalogue_refused")
    );
    assert_eq!(catalogue_answers(&server, "2xx").await, fetched_before + 1);
    assert!(catalogue_answers(&server, "3xx").await > not_modified);
    assert_eq!(installed(&w), good);

    // The county publishes a good 2026-12 through the API: the window installs it, the error goes.
    let fixed = demo_json().replacen("\"2026-11\"", "\"2026-12\"", 1);
    let r = server
        .http
        .put(format!("{}/v1/admin/catalogue", server.url))
        .bearer_auth(&w.admin)
        .body(fixed)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    w.desk.sync_now().unwrap();
    let fine = until(&w, "the good edition installed", |s| {
        s.last_error.is_none() && s.notices.iter().any(|n| n.contains("2026-12"))
    })
    .await;
    assert!(!fine.notices.iter().any(|n| n.contains("继续使用当前版本")));
    assert_eq!(installed(&w).0.as_deref(), Some("2026-12"));
}
