//! Cases, their bundle parts and the server's actions on PostgreSQL.

use chrono::{NaiveDate, Utc};
use deadpool_postgres::{Client, Transaction};
use tokio_postgres::Row;

use crate::store::sqlite_ts as ts;
use crate::store::{ActionRow, CaseUpdate, InboxQuery, InboxRow, PartRow, StoreError, StoredCase};

const CASE_COLUMNS: &str = "case_id, acceptance_number, device_id, window_id, county_code,
    applicant_id, item_impl_code, department, status, flow, snapshot, due_on, due_provisional,
    version, received_on";

fn day(s: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    s.map(|d| {
        d.parse::<NaiveDate>()
            .map_err(|e| StoreError::Query(format!("bad date {d}: {e}")))
    })
    .transpose()
}

fn case_row(r: &Row) -> Result<StoredCase, StoreError> {
    Ok(StoredCase {
        case_id: r.get(0),
        acceptance_number: r.get(1),
        device_id: r.get(2),
        window_id: r.get(3),
        county_code: r.get(4),
        applicant_id: r.get(5),
        item_impl_code: r.get(6),
        department: r.get(7),
        status: r.get(8),
        flow_json: r.get(9),
        snapshot_json: r.get(10),
        due_on: day(r.get(11))?,
        due_provisional: r.get(12),
        version: r.get::<_, i64>(13).max(0) as u64,
        received_on: day(r.get(14))?.unwrap_or(NaiveDate::MIN),
    })
}

pub async fn case(c: &Client, id: &str) -> Result<Option<StoredCase>, StoreError> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE case_id = $1");
    c.query_opt(&sql, &[&id])
        .await?
        .map(|r| case_row(&r))
        .transpose()
}

pub async fn cases_received(
    c: &Client,
    county: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StoredCase>, StoreError> {
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE county_code = $1 AND received_on >= $2
         AND received_on <= $3 ORDER BY received_on, case_id"
    );
    c.query(&sql, &[&county, &from.to_string(), &to.to_string()])
        .await?
        .iter()
        .map(case_row)
        .collect()
}

pub(crate) async fn replace_parts(
    tx: &Transaction<'_>,
    case_id: &str,
    parts: &[PartRow],
) -> Result<(), StoreError> {
    let delete = tx
        .prepare_cached("DELETE FROM case_parts WHERE case_id = $1")
        .await?;
    tx.execute(&delete, &[&case_id]).await?;
    if parts.is_empty() {
        return Ok(());
    }
    let insert = tx
        .prepare_cached(
            "INSERT INTO case_parts (case_id, impl_code, department, status) VALUES ($1, $2, $3, $4)",
        )
        .await?;
    for p in parts {
        tx.execute(&insert, &[&case_id, &p.impl_code, &p.department, &p.status])
            .await?;
    }
    Ok(())
}

pub async fn update_case(c: &mut Client, u: &CaseUpdate) -> Result<Option<u64>, StoreError> {
    let tx = c.transaction().await?;
    let current = tx
        .query_opt(
            "SELECT version, window_id FROM cases WHERE case_id = $1 FOR UPDATE",
            &[&u.case_id],
        )
        .await?;
    let Some(current) = current else {
        return Ok(None);
    };
    let (version, window_id): (i64, String) = (current.get(0), current.get(1));
    if version.max(0) as u64 != u.expected_version {
        return Ok(None);
    }
    let new_version = version + 1;
    let at = ts(Utc::now());
    tx.execute(
        "UPDATE cases SET status = $2, flow = $3, due_on = $4, due_provisional = $5, version = $6,
           updated_at = $7 WHERE case_id = $1",
        &[
            &u.case_id,
            &u.status,
            &u.flow_json,
            &u.due_on.map(|d| d.to_string()),
            &u.due_provisional,
            &new_version,
            &at,
        ],
    )
    .await?;
    replace_parts(&tx, &u.case_id, &u.parts).await?;
    let mut payload = u.change_payload.clone();
    payload["version"] = serde_json::json!(new_version);
    super::sync::insert_change(&tx, &window_id, &u.case_id, &u.change_kind, &payload, &at).await?;
    tx.commit().await?;
    Ok(Some(new_version as u64))
}

/// The applicant's name from the record the window sent (the clerk matches the paper materials
/// an agent brings by it).
const APPLICANT_NAME: &str =
    "(SELECT a.record::jsonb ->> 'name' FROM applicants a WHERE a.applicant_id = c.applicant_id)";

pub async fn inbox(c: &Client, q: &InboxQuery) -> Result<Vec<InboxRow>, StoreError> {
    let rows = c
        .query(
            "SELECT c.case_id, c.acceptance_number, c.item_impl_code, NULL::TEXT, c.department,
                    c.status, c.due_on, c.version, {name}
               FROM cases c
              WHERE c.county_code = $1 AND ($2::TEXT IS NULL OR c.department = $2)
                AND c.status = ANY($3)
             UNION ALL
             SELECT c.case_id, c.acceptance_number, c.item_impl_code, p.impl_code, p.department,
                    p.status, c.due_on, c.version, {name}
               FROM case_parts p JOIN cases c ON c.case_id = p.case_id
              WHERE c.county_code = $1 AND c.status = 'dispatched'
                AND ($2::TEXT IS NULL OR p.department = $2)
                AND p.status = ANY($3)
             UNION ALL
             SELECT c.case_id, c.acceptance_number, c.item_impl_code, NULL::TEXT, c.department,
                    c.status, c.due_on, c.version, {name}
               FROM cases c JOIN windows w ON w.window_id = c.window_id
              WHERE $5::TEXT IS NOT NULL AND w.parent_window_id = $5 AND c.county_code = $1
                AND c.status = ANY($6)
             ORDER BY 7, 1 LIMIT $4"
                .replace("{name}", APPLICANT_NAME)
                .as_str(),
            &[
                &q.county_code,
                &q.department,
                &q.statuses,
                &i64::from(q.limit),
                &q.forwarded_to,
                &crate::workflow::forwarded::waiting(),
            ],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(InboxRow {
                case_id: r.get(0),
                acceptance_number: r.get(1),
                item_impl_code: r.get(2),
                part: r.get(3),
                department: r.get(4),
                status: r.get(5),
                due_on: day(r.get(6))?,
                version: r.get::<_, i64>(7).max(0) as u64,
                applicant_name: r.get(8),
            })
        })
        .collect()
}

/// The `case.status` change-log payloads of these cases, oldest first. Supervision reads
/// committed history, not a sync cursor, so the `pg_snapshot_xmin` rule of §5.3 is not needed.
pub async fn server_actions(c: &Client, ids: &[String]) -> Result<Vec<ActionRow>, StoreError> {
    let st = c
        .prepare_cached(
            "SELECT case_id, payload FROM change_log
              WHERE kind = $1 AND case_id = ANY($2::TEXT[]) ORDER BY seq",
        )
        .await?;
    let rows = c
        .query(&st, &[&onestop_protocol::change_kind::CASE_STATUS, &ids])
        .await?;
    Ok(rows
        .iter()
        .map(|r| ActionRow {
            case_id: r.get(0),
            payload: r.get(1),
        })
        .collect())
}
