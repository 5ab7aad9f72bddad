//! The same stories against every store: SQLite always, PostgreSQL when `ONESTOP_TEST_PG` is set
//! (CI sets it; see common::pg_url).

mod common;

use std::sync::Arc;

use onestop_server::catalogue_import;
use onestop_server::store::{self, Store};

async fn migrations_are_idempotent(store: &Arc<dyn Store>) {
    let first = store.migrate().await.unwrap();
    assert!(!first.is_empty(), "a new database gets every migration");
    let second = store.migrate().await.unwrap();
    assert!(second.is_empty(), "nothing is applied twice: {second:?}");
    store.ping().await.unwrap();
}

async fn catalogue_publish_is_idempotent(store: &Arc<dyn Store>) {
    assert!(store.current_catalogue().await.unwrap().is_none());
    let demo = include_str!("../../../assets/catalogue/demo.json");
    let edition = catalogue_import::prepare(demo).unwrap();
    assert!(store.publish_catalogue(&edition).await.unwrap());
    assert!(
        !store.publish_catalogue(&edition).await.unwrap(),
        "the same content is kept once"
    );
    let current = store.current_catalogue().await.unwrap().unwrap();
    assert_eq!(current.etag, edition.etag);
    assert_eq!(current.edition, edition.edition);
    assert_eq!(current.body, edition.body);
    assert_eq!(current.item_count, edition.item_count);
}

async fn all_stories(store: Arc<dyn Store>) {
    migrations_are_idempotent(&store).await;
    catalogue_publish_is_idempotent(&store).await;
}

#[tokio::test]
async fn sqlite_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = store::open(dir.path().join("s.db").to_str().unwrap())
        .await
        .unwrap();
    assert_eq!(store.kind().as_str(), "sqlite");
    all_stories(store).await;
}

#[tokio::test]
async fn postgres_store() {
    let Some(url) = common::pg_url() else { return };
    let url = common::fresh_pg(&url).await;
    let store = store::open(&url).await.unwrap();
    assert_eq!(store.kind().as_str(), "postgres");
    all_stories(store).await;
}
