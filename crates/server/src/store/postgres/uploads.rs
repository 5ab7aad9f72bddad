//! Attachment uploads and the citizen lookups on PostgreSQL.

use chrono::{DateTime, Utc};
use deadpool_postgres::Client;
use tokio_postgres::Row;

use crate::store::sqlite_ts as ts;
use crate::store::{StoreError, StoredCase, UploadRow};

const COLUMNS: &str = "upload_id, case_id, slot, length, upload_offset, sha256, file_name,
    device_id, created_at, completed_at";

fn parse_ts(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Query(format!("bad timestamp {s}: {e}")))
}

fn row(r: &Row) -> Result<UploadRow, StoreError> {
    let created: String = r.get(8);
    let done: Option<String> = r.get(9);
    Ok(UploadRow {
        upload_id: r.get(0),
        case_id: r.get(1),
        slot: r.get(2),
        length: r.get::<_, i64>(3).max(0) as u64,
        offset: r.get::<_, i64>(4).max(0) as u64,
        sha256: r.get(5),
        file_name: r.get(6),
        device_id: r.get(7),
        created_at: parse_ts(&created)?,
        completed_at: done.as_deref().map(parse_ts).transpose()?,
    })
}

fn to_i64(v: u64) -> Result<i64, StoreError> {
    i64::try_from(v).map_err(|_| StoreError::Query(format!("value out of range: {v}")))
}

pub async fn create(c: &Client, u: &UploadRow) -> Result<UploadRow, StoreError> {
    c.execute(
        "INSERT INTO uploads (upload_id, case_id, slot, length, upload_offset, sha256, file_name,
           device_id, created_at) VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8)
         ON CONFLICT (case_id, slot) DO NOTHING",
        &[
            &u.upload_id,
            &u.case_id,
            &u.slot,
            &to_i64(u.length)?,
            &u.sha256,
            &u.file_name,
            &u.device_id,
            &ts(u.created_at),
        ],
    )
    .await?;
    let sql = format!("SELECT {COLUMNS} FROM uploads WHERE case_id = $1 AND slot = $2");
    row(&c.query_one(&sql, &[&u.case_id, &u.slot]).await?)
}

pub async fn get(c: &Client, id: &str) -> Result<Option<UploadRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM uploads WHERE upload_id = $1");
    c.query_opt(&sql, &[&id])
        .await?
        .map(|r| row(&r))
        .transpose()
}

pub async fn advance(
    c: &Client,
    id: &str,
    from: u64,
    to: u64,
    done: Option<DateTime<Utc>>,
) -> Result<bool, StoreError> {
    let n = c
        .execute(
            "UPDATE uploads SET upload_offset = $3, completed_at = $4
              WHERE upload_id = $1 AND upload_offset = $2 AND completed_at IS NULL",
            &[&id, &to_i64(from)?, &to_i64(to)?, &done.map(ts)],
        )
        .await?;
    Ok(n == 1)
}

pub async fn reset(
    c: &Client,
    id: &str,
    length: u64,
    sha256: &str,
    name: &str,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE uploads SET upload_offset = 0, completed_at = NULL, length = $2, sha256 = $3,
           file_name = $4 WHERE upload_id = $1",
        &[&id, &to_i64(length)?, &sha256, &name],
    )
    .await?;
    Ok(())
}

pub async fn of_case(c: &Client, case_id: &str) -> Result<Vec<UploadRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM uploads WHERE case_id = $1 ORDER BY slot");
    c.query(&sql, &[&case_id]).await?.iter().map(row).collect()
}

pub async fn pending(c: &Client) -> Result<u64, StoreError> {
    let n: i64 = c
        .query_one(
            "SELECT COUNT(*) FROM uploads WHERE completed_at IS NULL",
            &[],
        )
        .await?
        .get(0);
    Ok(n.max(0) as u64)
}

pub async fn case_by_number(c: &Client, number: &str) -> Result<Option<StoredCase>, StoreError> {
    let id: Option<String> = c
        .query_opt(
            "SELECT case_id FROM cases WHERE acceptance_number = $1",
            &[&number],
        )
        .await?
        .map(|r| r.get(0));
    match id {
        Some(id) => super::cases::case(c, &id).await,
        None => Ok(None),
    }
}

pub async fn applicant_id_number(c: &Client, id: &str) -> Result<Option<String>, StoreError> {
    Ok(c.query_opt(
        "SELECT id_number FROM applicants WHERE applicant_id = $1",
        &[&id],
    )
    .await?
    .map(|r| r.get(0)))
}
