//! Attachment uploads and the citizen lookups on SQLite.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{parse_ts, ts};
use crate::store::{StoreError, StoredCase, UploadRow};

const COLUMNS: &str = "upload_id, case_id, slot, length, upload_offset, sha256, file_name,
    device_id, created_at, completed_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(UploadRow, String, Option<String>)> {
    Ok((
        UploadRow {
            upload_id: r.get(0)?,
            case_id: r.get(1)?,
            slot: r.get(2)?,
            length: r.get::<_, i64>(3)?.max(0) as u64,
            offset: r.get::<_, i64>(4)?.max(0) as u64,
            sha256: r.get(5)?,
            file_name: r.get(6)?,
            device_id: r.get(7)?,
            created_at: DateTime::<Utc>::MIN_UTC,
            completed_at: None,
        },
        r.get(8)?,
        r.get(9)?,
    ))
}

fn finish(
    (mut u, created, done): (UploadRow, String, Option<String>),
) -> Result<UploadRow, StoreError> {
    u.created_at = parse_ts(&created)?;
    u.completed_at = done.as_deref().map(parse_ts).transpose()?;
    Ok(u)
}

fn to_i64(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Query(format!("value out of range: {v}")))
}

pub fn create(c: &mut Connection, u: &UploadRow) -> Result<UploadRow, StoreError> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO uploads (upload_id, case_id, slot, length, upload_offset, sha256, file_name,
           device_id, created_at) VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8)
         ON CONFLICT (case_id, slot) DO NOTHING",
        params![
            u.upload_id,
            u.case_id,
            u.slot,
            to_i64(u.length)?,
            u.sha256,
            u.file_name,
            u.device_id,
            ts(u.created_at)
        ],
    )?;
    let sql = format!("SELECT {COLUMNS} FROM uploads WHERE case_id = ?1 AND slot = ?2");
    let stored = tx.query_row(&sql, params![u.case_id, u.slot], row)?;
    tx.commit()?;
    finish(stored)
}

pub fn get(c: &Connection, id: &str) -> Result<Option<UploadRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM uploads WHERE upload_id = ?1");
    c.prepare_cached(&sql)?
        .query_row([id], row)
        .optional()?
        .map(finish)
        .transpose()
}

pub fn advance(
    c: &Connection,
    id: &str,
    from: u64,
    to: u64,
    done: Option<DateTime<Utc>>,
) -> Result<bool, StoreError> {
    let n = c.execute(
        "UPDATE uploads SET upload_offset = ?3, completed_at = ?4
          WHERE upload_id = ?1 AND upload_offset = ?2 AND completed_at IS NULL",
        params![id, to_i64(from)?, to_i64(to)?, done.map(ts)],
    )?;
    Ok(n == 1)
}

pub fn reset(
    c: &Connection,
    id: &str,
    length: u64,
    sha256: &str,
    name: &str,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE uploads SET upload_offset = 0, completed_at = NULL, length = ?2, sha256 = ?3,
           file_name = ?4 WHERE upload_id = ?1",
        params![id, to_i64(length)?, sha256, name],
    )?;
    Ok(())
}

pub fn of_case(c: &Connection, case_id: &str) -> Result<Vec<UploadRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM uploads WHERE case_id = ?1 ORDER BY slot");
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map([case_id], row)?;
    rows.map(|r| finish(r?)).collect()
}

pub fn pending(c: &Connection) -> Result<u64, StoreError> {
    let n: i64 = c.query_row(
        "SELECT COUNT(*) FROM uploads WHERE completed_at IS NULL",
        [],
        |r| r.get(0),
    )?;
    Ok(n.max(0) as u64)
}

pub fn case_by_number(c: &Connection, number: &str) -> Result<Option<StoredCase>, StoreError> {
    let id: Option<String> = c
        .prepare_cached("SELECT case_id FROM cases WHERE acceptance_number = ?1")?
        .query_row([number], |r| r.get(0))
        .optional()?;
    match id {
        Some(id) => super::cases::case(c, &id),
        None => Ok(None),
    }
}

pub fn applicant_id_number(c: &Connection, id: &str) -> Result<Option<String>, StoreError> {
    Ok(
        c.prepare_cached("SELECT id_number FROM applicants WHERE applicant_id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?,
    )
}
