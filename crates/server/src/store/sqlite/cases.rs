//! Cases, their bundle parts and the server's actions on SQLite.

use chrono::{NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::{parse_day, ts};
use crate::store::{ActionRow, CaseUpdate, InboxQuery, InboxRow, PartRow, StoreError, StoredCase};

const CASE_COLUMNS: &str = "case_id, acceptance_number, device_id, window_id, county_code,
    applicant_id, item_impl_code, department, status, flow, snapshot, due_on, due_provisional,
    version, received_on";

fn case_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(StoredCase, Option<String>, String)> {
    Ok((
        StoredCase {
            case_id: r.get(0)?,
            acceptance_number: r.get(1)?,
            device_id: r.get(2)?,
            window_id: r.get(3)?,
            county_code: r.get(4)?,
            applicant_id: r.get(5)?,
            item_impl_code: r.get(6)?,
            department: r.get(7)?,
            status: r.get(8)?,
            flow_json: r.get(9)?,
            snapshot_json: r.get(10)?,
            due_on: None,
            due_provisional: r.get(12)?,
            version: r.get::<_, i64>(13)?.max(0) as u64,
            received_on: NaiveDate::MIN,
        },
        r.get(11)?,
        r.get(14)?,
    ))
}

fn finish(
    (mut c, due, received): (StoredCase, Option<String>, String),
) -> Result<StoredCase, StoreError> {
    c.due_on = parse_day(due)?;
    c.received_on = parse_day(Some(received))?.unwrap_or(NaiveDate::MIN);
    Ok(c)
}

pub fn case(c: &Connection, id: &str) -> Result<Option<StoredCase>, StoreError> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE case_id = ?1");
    c.prepare_cached(&sql)?
        .query_row([id], case_row)
        .optional()?
        .map(finish)
        .transpose()
}

pub fn cases_received(
    c: &Connection,
    county: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StoredCase>, StoreError> {
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE county_code = ?1 AND received_on >= ?2
         AND received_on <= ?3 ORDER BY received_on, case_id"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map(params![county, from.to_string(), to.to_string()], case_row)?;
    rows.map(|r| finish(r?)).collect()
}

pub(crate) fn replace_parts(
    tx: &Transaction<'_>,
    case_id: &str,
    parts: &[PartRow],
) -> Result<(), StoreError> {
    tx.prepare_cached("DELETE FROM case_parts WHERE case_id = ?1")?
        .execute([case_id])?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO case_parts (case_id, impl_code, department, status) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for p in parts {
        ins.execute(params![case_id, p.impl_code, p.department, p.status])?;
    }
    Ok(())
}

pub fn update_case(c: &mut Connection, u: &CaseUpdate) -> Result<Option<u64>, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: Option<(i64, String)> = tx
        .query_row(
            "SELECT version, window_id FROM cases WHERE case_id = ?1",
            [&u.case_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((version, window_id)) = current else {
        return Ok(None);
    };
    if version.max(0) as u64 != u.expected_version {
        return Ok(None);
    }
    let new_version = version + 1;
    let at = ts(Utc::now());
    tx.execute(
        "UPDATE cases SET status = ?2, flow = ?3, due_on = ?4, due_provisional = ?5, version = ?6,
           updated_at = ?7 WHERE case_id = ?1",
        params![
            u.case_id,
            u.status,
            u.flow_json,
            u.due_on.map(|d| d.to_string()),
            u.due_provisional,
            new_version,
            at
        ],
    )?;
    replace_parts(&tx, &u.case_id, &u.parts)?;
    let mut payload = u.change_payload.clone();
    payload["version"] = serde_json::json!(new_version);
    super::sync::insert_change(&tx, &window_id, &u.case_id, &u.change_kind, &payload, &at)?;
    tx.commit()?;
    Ok(Some(new_version as u64))
}

/// The applicant's name from the record the window sent (the clerk matches the paper materials
/// an agent brings by it).
const APPLICANT_NAME: &str =
    "(SELECT json_extract(a.record, '$.name') FROM applicants a WHERE a.applicant_id = c.applicant_id)";

pub fn inbox(c: &Connection, q: &InboxQuery) -> Result<Vec<InboxRow>, StoreError> {
    let statuses = serde_json::to_string(&q.statuses)?;
    let mut st = c.prepare_cached(
        &"SELECT c.case_id, c.acceptance_number, c.item_impl_code, NULL, c.department, c.status,
                c.due_on, c.version, {name}
           FROM cases c
          WHERE c.county_code = ?1 AND (?2 IS NULL OR c.department = ?2)
            AND c.status IN (SELECT value FROM json_each(?3))
         UNION ALL
         SELECT c.case_id, c.acceptance_number, c.item_impl_code, p.impl_code, p.department,
                p.status, c.due_on, c.version, {name}
           FROM case_parts p JOIN cases c ON c.case_id = p.case_id
          WHERE c.county_code = ?1 AND c.status = 'dispatched'
            AND (?2 IS NULL OR p.department = ?2)
            AND p.status IN (SELECT value FROM json_each(?3))
         UNION ALL
         SELECT c.case_id, c.acceptance_number, c.item_impl_code, NULL, c.department, c.status,
                c.due_on, c.version, {name}
           FROM cases c JOIN windows w ON w.window_id = c.window_id
          WHERE ?5 IS NOT NULL AND w.parent_window_id = ?5 AND c.county_code = ?1
            AND c.status IN (SELECT value FROM json_each(?6))
         ORDER BY 7, 1 LIMIT ?4"
            .replace("{name}", APPLICANT_NAME),
    )?;
    let waiting = serde_json::to_string(&crate::workflow::forwarded::waiting())?;
    let rows = st.query_map(
        params![
            q.county_code,
            q.department,
            statuses,
            i64::from(q.limit),
            q.forwarded_to,
            waiting
        ],
        |r| {
            Ok((
                InboxRow {
                    case_id: r.get(0)?,
                    acceptance_number: r.get(1)?,
                    item_impl_code: r.get(2)?,
                    part: r.get(3)?,
                    department: r.get(4)?,
                    status: r.get(5)?,
                    due_on: None,
                    version: r.get::<_, i64>(7)?.max(0) as u64,
                    applicant_name: r.get(8)?,
                },
                r.get::<_, Option<String>>(6)?,
            ))
        },
    )?;
    rows.map(|r| {
        let (mut row, due) = r?;
        row.due_on = parse_day(due)?;
        Ok(row)
    })
    .collect()
}

/// The `case.status` change-log payloads of these cases, oldest first (the ids travel as one JSON
/// array, so a county's worth of cases is one statement).
pub fn server_actions(c: &Connection, ids: &[String]) -> Result<Vec<ActionRow>, StoreError> {
    let ids = serde_json::to_string(ids)?;
    let mut st = c.prepare_cached(
        "SELECT case_id, payload FROM change_log
          WHERE kind = ?1 AND case_id IN (SELECT value FROM json_each(?2)) ORDER BY seq",
    )?;
    let rows = st.query_map(
        params![onestop_protocol::change_kind::CASE_STATUS, ids],
        |r| {
            Ok(ActionRow {
                case_id: r.get(0)?,
                payload: r.get(1)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}
