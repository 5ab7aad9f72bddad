//! Why the PostgreSQL change log is served only below `pg_snapshot_xmin`: sequence values are
//! taken at insert time but become visible at commit, so a later seq can commit first. A reader
//! that served it would move its cursor past the earlier seq, and never see it.

mod common;

use onestop_server::store;

#[tokio::test]
async fn a_row_committed_out_of_order_is_not_skipped() {
    let Some(url) = common::pg_url() else { return };
    let url = common::fresh_pg(&url).await;
    let store = store::open(&url).await.unwrap();
    store.migrate().await.unwrap();

    // Transaction A takes seq n and stays open.
    let (mut a, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let tx_a = a.transaction().await.unwrap();
    tx_a.execute(
        "INSERT INTO change_log (window_id, case_id, kind, payload, at) VALUES ('w1', 'case-a', 'case.status', '{}', '2026-11-28T00:00:00Z')",
        &[],
    )
    .await
    .unwrap();

    // Transaction B takes seq n+1 and commits first (through the store itself).
    let (mut b, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let tx_b = b.transaction().await.unwrap();
    tx_b.execute(
        "INSERT INTO change_log (window_id, case_id, kind, payload, at) VALUES ('w1', 'case-b', 'case.status', '{}', '2026-11-28T00:00:00Z')",
        &[],
    )
    .await
    .unwrap();
    tx_b.commit().await.unwrap();

    // The naive reader sees B's row alone and would set its cursor past A's seq.
    let (reader, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let naive: Vec<i64> = reader
        .query(
            "SELECT seq FROM change_log WHERE window_id = 'w1' AND seq > 0 ORDER BY seq",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        naive.len(),
        1,
        "the naive query serves the later seq first: {naive:?}"
    );

    // The store serves nothing yet: B's row is above the oldest open transaction (A).
    let page = store.changes("w1", 0, 10).await.unwrap();
    assert!(page.changes.is_empty(), "{page:?}");
    assert_eq!(page.next_cursor, 0);

    tx_a.commit().await.unwrap();
    let page = store.changes("w1", 0, 10).await.unwrap();
    let cases: Vec<_> = page.changes.iter().map(|c| c.case_id.as_str()).collect();
    assert_eq!(
        cases,
        ["case-a", "case-b"],
        "both, in seq order, once A is done"
    );
}
