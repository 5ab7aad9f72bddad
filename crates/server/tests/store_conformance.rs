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

/// The window's change log once `count` rows are visible: on PostgreSQL a row is served only when
/// every older transaction of the cluster has ended (§5.3), and other tests run concurrently.
async fn settled_changes(
    store: &Arc<dyn Store>,
    window_id: &str,
    count: usize,
) -> onestop_protocol::ChangesPage {
    let mut page = store.changes(window_id, 0, 100).await.unwrap();
    for _ in 0..50 {
        if page.changes.len() >= count {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        page = store.changes(window_id, 0, 100).await.unwrap();
    }
    assert_eq!(page.changes.len(), count, "{page:?}");
    page
}

/// What one push does when its ops touch each other: an applicant stored earlier in the push, a
/// number taken earlier in the push, the same case twice, a seq twice, a gap filled later, the
/// `device_seq` guard, another device's case, and a case the server has acted on. The SQLite
/// store answers op by op; PostgreSQL plans the push in memory and writes it set-based, so this
/// pins the two to the same results, rows and change log.
async fn ingest_ops_see_each_other_within_a_push(store: &Arc<dyn Store>) {
    use onestop_protocol::{ApiError, OpOutcome};
    use onestop_server::store::{
        ApplicantRow, CaseRow, CaseUpdate, Effect, InboxQuery, PartRow, PreparedOp, StoreError,
    };
    let d1 = store.device("d1").await.unwrap().unwrap();
    let d2 = store.device("d2").await.unwrap().unwrap();
    let now = chrono::Utc::now();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let op = |seq: u64, sha: &str, effect: Effect| PreparedOp {
        seq,
        op_id: format!("op{seq}"),
        kind: "k".into(),
        sha256: sha.into(),
        effect,
    };
    let person = |id: &str, number: &str| {
        Effect::Applicant(ApplicantRow {
            applicant_id: id.into(),
            kind: "person".into(),
            id_number: number.into(),
            registration_number: "R1".into(),
            record_json: "{}".into(),
        })
    };
    let part = |code: &str| PartRow {
        impl_code: code.into(),
        department: "教育局".into(),
        status: "accepted".into(),
    };
    let case = |id: &str, number: &str, applicant: &str, status: &str, parts: Vec<PartRow>| {
        Effect::Case(Box::new(CaseRow {
            case_id: id.into(),
            acceptance_number: number.into(),
            applicant_id: applicant.into(),
            item_impl_code: "item".into(),
            department: "教育局".into(),
            county_code: "990101".into(),
            status: status.into(),
            flow_json: format!("flow-{status}"),
            snapshot_json: format!("snapshot-{status}"),
            received_on: day,
            due_on: Some(day),
            due_provisional: false,
            parts,
        }))
    };
    let code = |r: &onestop_protocol::OpResult| r.error.as_ref().map(|e: &ApiError| e.code.clone());

    // Seqs 4, 7 and 8 are left out: a gap the acked seq must stop at.
    let r = store
        .ingest(
            &d1,
            vec![
                op(1, "h1", person("app-1", "110101199003071233")),
                op(
                    2,
                    "h2",
                    case("case-x", "N1", "app-1", "accepted", vec![part("p1")]),
                ),
                op(3, "h3", case("case-y", "N1", "app-1", "accepted", vec![])),
                op(
                    5,
                    "h5",
                    case("case-z", "N2", "app-unknown", "accepted", vec![]),
                ),
                op(
                    6,
                    "h6",
                    case(
                        "case-x",
                        "N1",
                        "app-1",
                        "dispatched",
                        vec![part("p1"), part("p2")],
                    ),
                ),
                op(6, "h6", case("case-x", "N1", "app-1", "dispatched", vec![])),
                op(9, "h9", person("app-1", "110101199003071234")),
            ],
            now,
        )
        .await
        .unwrap();
    let outcomes: Vec<_> = r.results.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            OpOutcome::Applied,
            OpOutcome::Applied,
            OpOutcome::Rejected,
            OpOutcome::Rejected,
            OpOutcome::Applied,
            OpOutcome::Replayed,
            OpOutcome::Applied,
        ]
    );
    assert_eq!(code(&r.results[2]).as_deref(), Some("case.number_taken"));
    assert_eq!(
        code(&r.results[3]).as_deref(),
        Some("case.applicant_unknown")
    );
    assert_eq!(r.acked_seq, 3, "seq 4 is missing");
    assert_eq!(
        store.applicant_id_number("app-1").await.unwrap().as_deref(),
        Some("110101199003071234"),
        "the last upsert of the push wins"
    );
    let x = store.case("case-x").await.unwrap().unwrap();
    assert_eq!(
        (
            x.status.as_str(),
            x.flow_json.as_str(),
            x.snapshot_json.as_str(),
            x.version
        ),
        ("dispatched", "flow-dispatched", "snapshot-dispatched", 0)
    );
    assert_eq!(
        (x.acceptance_number.as_str(), x.device_id.as_str()),
        ("N1", "d1")
    );
    assert!(store.case("case-y").await.unwrap().is_none());
    assert!(store.case("case-z").await.unwrap().is_none());
    let inbox = |statuses: &[&str]| InboxQuery {
        county_code: "990101".into(),
        department: None,
        statuses: statuses.iter().map(|s| s.to_string()).collect(),
        forwarded_to: None,
        limit: 100,
    };
    let parts: Vec<_> = store
        .inbox(&inbox(&["accepted"]))
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| r.part)
        .collect();
    assert_eq!(parts, ["p1", "p2"], "the parts of the case's last op");
    let page = settled_changes(store, &d1.window_id, 2).await;
    let statuses: Vec<_> = page
        .changes
        .iter()
        .map(|c| (c.case_id.as_str(), c.payload["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [("case-x", "accepted"), ("case-x", "dispatched")],
        "one change per applied case op, in op order"
    );
    assert!(page.changes[0].seq < page.changes[1].seq);

    // A seq twice with different content inside one push: 409, nothing of the push is kept.
    let err = store
        .ingest(
            &d1,
            vec![
                op(7, "h7", person("app-2", "110101199003071233")),
                op(7, "other", person("app-2", "110101199003071233")),
            ],
            now,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::SeqConflict { seq: 7, .. }),
        "{err:?}"
    );
    assert!(store.applicant_id_number("app-2").await.unwrap().is_none());

    // Filling the gap: seq 4 is older than the case's seq 6, so the case keeps its newer
    // columns, and the acked seq walks over the rows stored before (5, 6, then 7, 8 arrive).
    let r = store
        .ingest(
            &d1,
            vec![
                op(
                    4,
                    "h4",
                    case(
                        "case-x",
                        "N1",
                        "app-1",
                        "withdrawn",
                        vec![part("p1"), part("p2")],
                    ),
                ),
                op(8, "h8", person("app-3", "110101199003071233")),
                op(7, "h7b", person("app-2", "110101199003071233")),
            ],
            now,
        )
        .await
        .unwrap();
    assert!(
        r.results.iter().all(|r| r.outcome == OpOutcome::Applied),
        "{r:?}"
    );
    assert_eq!(r.acked_seq, 9);
    let x = store.case("case-x").await.unwrap().unwrap();
    assert_eq!(
        (x.status.as_str(), x.snapshot_json.as_str()),
        ("dispatched", "snapshot-dispatched")
    );

    // Another device's case is not this one's to change.
    let r = store
        .ingest(
            &d2,
            vec![op(
                1,
                "g1",
                case("case-x", "N1", "app-1", "accepted", vec![]),
            )],
            now,
        )
        .await
        .unwrap();
    assert_eq!(code(&r.results[0]).as_deref(), Some("case.not_owner"));

    // After a server action the window moves only its snapshot; the change carries the
    // server's status, version and promised date (here moved by the server, say an extension),
    // not the date the window's op computed.
    let server_due = chrono::NaiveDate::from_ymd_opt(2026, 3, 20).unwrap();
    let v = store
        .update_case(&CaseUpdate {
            case_id: "case-x".into(),
            expected_version: 0,
            status: "handled".into(),
            flow_json: "flow-server".into(),
            parts: vec![],
            due_on: Some(server_due),
            due_provisional: true,
            change_kind: "case.status".into(),
            change_payload: serde_json::json!({}),
        })
        .await
        .unwrap();
    assert_eq!(v, Some(1));
    let r = store
        .ingest(
            &d1,
            vec![op(
                10,
                "h10",
                case("case-x", "N1", "app-1", "accepted", vec![part("p9")]),
            )],
            now,
        )
        .await
        .unwrap();
    assert_eq!(r.results[0].outcome, OpOutcome::Applied);
    let x = store.case("case-x").await.unwrap().unwrap();
    assert_eq!(
        (
            x.status.as_str(),
            x.flow_json.as_str(),
            x.snapshot_json.as_str(),
            x.version
        ),
        ("handled", "flow-server", "snapshot-accepted", 1)
    );
    // Two confirmations, the gap's, the server action's and this one.
    let page = settled_changes(store, &d1.window_id, 5).await;
    let last = page.changes.last().unwrap();
    assert_eq!(
        (
            last.kind.as_str(),
            last.payload["status"].as_str(),
            last.payload["version"].as_u64()
        ),
        ("case.confirmed", Some("handled"), Some(1))
    );
    assert_eq!(
        (
            last.payload["due_on"].as_str(),
            last.payload["due_provisional"].as_bool()
        ),
        (Some("2026-03-20"), Some(true)),
        "the server's promised date, not the window's {day}"
    );
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
    ingest_ops_see_each_other_within_a_push(&store).await;
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
