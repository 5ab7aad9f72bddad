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

async fn enrolment_hands_out_unique_terminals_and_spends_codes(store: &Arc<dyn Store>) {
    use onestop_server::store::{EnrolFailure, WindowRow};
    let now = chrono::Utc::now();
    let mut terminals = Vec::new();
    for i in 0..3 {
        let w = WindowRow {
            window_id: format!("w{i}"),
            county_code: "990101".into(),
            level: "county".into(),
            name: format!("窗口{i}"),
            parent_window_id: None,
        };
        let hash = format!("code{i}");
        store
            .create_enrolment(&w, &hash, now + chrono::Duration::hours(1), "admin")
            .await
            .unwrap();
        let d = store
            .enroll(&hash, &format!("d{i}"), &[7; 32], now)
            .await
            .unwrap()
            .unwrap();
        terminals.push(d.terminal_code);
        assert_eq!(
            store.enroll(&hash, "dx", &[7; 32], now).await.unwrap(),
            Err(EnrolFailure::CodeUsed)
        );
    }
    assert_eq!(terminals, [1, 2, 3]);
    assert_eq!(
        store.enroll("nope", "dy", &[7; 32], now).await.unwrap(),
        Err(EnrolFailure::UnknownCode)
    );
    let w = WindowRow {
        window_id: "old".into(),
        county_code: "990101".into(),
        level: "county".into(),
        name: "旧".into(),
        parent_window_id: None,
    };
    store
        .create_enrolment(&w, "expired", now - chrono::Duration::hours(1), "admin")
        .await
        .unwrap();
    assert_eq!(
        store.enroll("expired", "dz", &[7; 32], now).await.unwrap(),
        Err(EnrolFailure::CodeExpired)
    );
    let t = now.timestamp();
    assert!(store
        .use_nonce("d0", "n-0000000000000001", t, t - 600)
        .await
        .unwrap());
    assert!(
        !store
            .use_nonce("d0", "n-0000000000000001", t, t - 600)
            .await
            .unwrap(),
        "a nonce is used once"
    );
    assert!(
        store
            .use_nonce("d1", "n-0000000000000001", t, t - 600)
            .await
            .unwrap(),
        "per device"
    );
}

async fn ingest_replays_and_conflicts(store: &Arc<dyn Store>) {
    use onestop_protocol::{ApiError, OpOutcome};
    use onestop_server::store::{Effect, PreparedOp, StoreError};
    let device = store.device("d0").await.unwrap().unwrap();
    let op = |seq: u64, sha: &str, effect: Effect| PreparedOp {
        seq,
        op_id: format!("op{seq}"),
        kind: "applicant.upsert".into(),
        sha256: sha.into(),
        effect,
    };
    let reject = || Effect::Reject(ApiError::new("id.bad_check", "校验位错误"));
    let now = chrono::Utc::now();
    let r = store
        .ingest(
            &device,
            vec![op(1, "a", reject()), op(3, "c", reject())],
            now,
        )
        .await
        .unwrap();
    assert_eq!(r.acked_seq, 1, "seq 2 is missing, so only 1 is acked");
    let r = store
        .ingest(
            &device,
            vec![op(2, "b", reject()), op(1, "a", reject())],
            now,
        )
        .await
        .unwrap();
    assert_eq!(r.acked_seq, 3);
    assert_eq!(
        r.results[1].outcome,
        OpOutcome::Rejected,
        "the stored result again"
    );
    assert_eq!(r.results[1].error.as_ref().unwrap().code, "id.bad_check");
    let err = store
        .ingest(
            &device,
            vec![op(4, "d", reject()), op(2, "other", reject())],
            now,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::SeqConflict { seq: 2, .. }),
        "{err:?}"
    );
    let r = store
        .ingest(&device, vec![op(4, "d2", reject())], now)
        .await
        .unwrap();
    assert_eq!(
        r.results[0].outcome,
        OpOutcome::Rejected,
        "seq 4 of the refused push was not kept"
    );
    assert_eq!(r.acked_seq, 4);
    let page = store.changes(&device.window_id, 0, 10).await.unwrap();
    assert!(page.changes.is_empty() && page.next_cursor == 0 && !page.has_more);
    assert_eq!(store.change_log_head().await.unwrap(), 0);
}

async fn uploads_are_keyed_by_case_and_slot(store: &Arc<dyn Store>) {
    use onestop_server::store::UploadRow;
    let now = chrono::Utc::now();
    let row = |id: &str, slot: &str| UploadRow {
        upload_id: id.into(),
        case_id: "case-1".into(),
        slot: slot.into(),
        length: 10,
        offset: 0,
        sha256: "a".repeat(64),
        file_name: "扫描件.pdf".into(),
        device_id: "dev".into(),
        created_at: now,
        completed_at: None,
    };
    let first = store.create_upload(&row("u1", "m1")).await.unwrap();
    assert_eq!(first.upload_id, "u1");
    assert_eq!(first.file_name, "扫描件.pdf");
    // The same key again (a client restarting) gets the existing upload.
    let again = store.create_upload(&row("u2", "m1")).await.unwrap();
    assert_eq!(again.upload_id, "u1");
    store.create_upload(&row("u3", "m2")).await.unwrap();
    assert_eq!(store.pending_uploads().await.unwrap(), 2);
    // Compare-and-set on the offset.
    assert!(store.advance_upload("u1", 0, 4, None).await.unwrap());
    assert!(
        !store.advance_upload("u1", 0, 4, None).await.unwrap(),
        "stale offset"
    );
    assert_eq!(store.upload("u1").await.unwrap().unwrap().offset, 4);
    assert!(store.advance_upload("u1", 4, 10, Some(now)).await.unwrap());
    let done = store.upload("u1").await.unwrap().unwrap();
    assert!(done.completed_at.is_some());
    assert!(
        !store.advance_upload("u1", 10, 10, None).await.unwrap(),
        "complete is final"
    );
    assert_eq!(store.pending_uploads().await.unwrap(), 1);
    store
        .reset_upload("u1", 12, &"b".repeat(64), "x.pdf")
        .await
        .unwrap();
    let reset = store.upload("u1").await.unwrap().unwrap();
    assert_eq!(
        (reset.offset, reset.length, reset.completed_at),
        (0, 12, None)
    );
    let all = store.case_uploads("case-1").await.unwrap();
    assert_eq!(
        all.iter().map(|u| u.slot.as_str()).collect::<Vec<_>>(),
        ["m1", "m2"]
    );
    assert!(store.upload("nope").await.unwrap().is_none());
    assert!(store.case_by_number("990101").await.unwrap().is_none());
    assert!(store.applicant_id_number("nope").await.unwrap().is_none());
}

async fn all_stories(store: Arc<dyn Store>) {
    migrations_are_idempotent(&store).await;
    catalogue_publish_is_idempotent(&store).await;
    enrolment_hands_out_unique_terminals_and_spends_codes(&store).await;
    ingest_replays_and_conflicts(&store).await;
    uploads_are_keyed_by_case_and_slot(&store).await;
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
