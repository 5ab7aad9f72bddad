//! §5.3 change log on PostgreSQL (the §5.1 ingest that writes it is in `ingest`).

use chrono::{DateTime, Utc};
use deadpool_postgres::{Client, Transaction};
use onestop_protocol::{Change, ChangesPage};

use crate::store::StoreError;

pub(crate) async fn insert_change(
    tx: &Transaction<'_>,
    window_id: &str,
    case_id: &str,
    kind: &str,
    payload: &serde_json::Value,
    at: &str,
) -> Result<(), StoreError> {
    let st = tx
        .prepare_cached(
            "INSERT INTO change_log (window_id, case_id, kind, payload, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .await?;
    tx.execute(
        &st,
        &[&window_id, &case_id, &kind, &payload.to_string(), &at],
    )
    .await?;
    Ok(())
}

/// Only rows whose writing transaction is older than every transaction still open: a row with a
/// higher seq can commit before one with a lower seq, and a reader that served it would move its
/// cursor past the lower one for ever (see tests/change_log_snapshot.rs).
pub const CHANGES_SQL: &str = "SELECT seq, case_id, kind, payload, at FROM change_log
     WHERE window_id = $1 AND seq > $2 AND xid < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY seq LIMIT $3";

pub async fn changes(
    c: &Client,
    window_id: &str,
    after: u64,
    limit: u32,
) -> Result<ChangesPage, StoreError> {
    let after_i = i64::try_from(after).unwrap_or(i64::MAX);
    let st = c.prepare_cached(CHANGES_SQL).await?;
    let rows = c
        .query(&st, &[&window_id, &after_i, &(i64::from(limit) + 1)])
        .await?;
    let mut changes = Vec::with_capacity(rows.len());
    for r in rows {
        let at: String = r.get(4);
        changes.push(Change {
            seq: r.get::<_, i64>(0).max(0) as u64,
            case_id: r.get(1),
            kind: r.get(2),
            payload: serde_json::from_str(r.get::<_, &str>(3))?,
            at: DateTime::parse_from_rfc3339(&at)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| StoreError::Query(format!("bad timestamp {at}: {e}")))?,
        });
    }
    Ok(crate::store::page(changes, after, limit))
}
