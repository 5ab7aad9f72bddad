//! The sync outbox (ARCHITECTURE.md §5.1). A row is written in the same transaction as the change
//! it carries; its seq is the device's gapless counter. The sync engine (later issue) drains it.

use chrono::{DateTime, Utc};
use onestop_protocol::Op;
use rusqlite::{params, Connection};

use crate::error::Result;
use crate::sequences::{self, OUTBOX_KEY};

/// Appends one op; call inside the transaction of the change.
pub fn append(
    conn: &Connection,
    device_id: &str,
    kind: &str,
    case_id: Option<&str>,
    payload: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<Op> {
    let seq = sequences::next(conn, OUTBOX_KEY)?;
    let op = Op::new(
        device_id,
        seq,
        uuid::Uuid::now_v7().to_string(),
        kind,
        payload,
    );
    conn.execute(
        "INSERT INTO outbox (seq, op_id, kind, case_id, payload, sha256, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            seq,
            op.op_id,
            op.kind,
            case_id,
            serde_json::to_string(&op.payload)?,
            op.sha256,
            now.to_rfc3339()
        ],
    )?;
    Ok(op)
}

fn read_op(device_id: &str, r: &rusqlite::Row<'_>) -> rusqlite::Result<(Op, String)> {
    let payload: String = r.get(4)?;
    Ok((
        Op {
            device_id: device_id.to_owned(),
            seq: r.get(0)?,
            op_id: r.get(1)?,
            kind: r.get(2)?,
            payload: serde_json::Value::Null,
            sha256: r.get(3)?,
        },
        payload,
    ))
}

fn query(conn: &Connection, device_id: &str, sql: &str, arg: i64) -> Result<Vec<Op>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([arg], |r| read_op(device_id, r))?;
    let mut ops = Vec::new();
    for row in rows {
        let (mut op, payload) = row?;
        op.payload = serde_json::from_str(&payload)?;
        ops.push(op);
    }
    Ok(ops)
}

/// Ops not yet acknowledged by the server, oldest first.
pub fn pending(conn: &Connection, device_id: &str, limit: usize) -> Result<Vec<Op>> {
    query(
        conn,
        device_id,
        "SELECT seq, op_id, kind, sha256, payload FROM outbox
         WHERE acked_at IS NULL ORDER BY seq LIMIT ?1",
        i64::try_from(limit).unwrap_or(i64::MAX),
    )
}

/// Every op of one case, oldest first.
pub fn for_case(conn: &Connection, device_id: &str, case_id: &str) -> Result<Vec<Op>> {
    let mut stmt = conn.prepare(
        "SELECT seq, op_id, kind, sha256, payload FROM outbox WHERE case_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([case_id], |r| read_op(device_id, r))?;
    let mut ops = Vec::new();
    for row in rows {
        let (mut op, payload) = row?;
        op.payload = serde_json::from_str(&payload)?;
        ops.push(op);
    }
    Ok(ops)
}

/// Records the server's outcome for one op (the sync engine calls this).
pub fn mark_result(
    conn: &Connection,
    seq: u64,
    outcome: &str,
    error: Option<&serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<()> {
    let error_json = error.map(serde_json::to_string).transpose()?;
    // Cached: a push's results are stored 100 at a time, and preparing the statement for each
    // showed in the drain's window-side CPU.
    conn.prepare_cached(
        "UPDATE outbox SET acked_at = ?2, outcome = ?3, error_json = ?4 WHERE seq = ?1",
    )?
    .execute(params![seq, now.to_rfc3339(), outcome, error_json])?;
    Ok(())
}

/// How many ops wait for the server.
pub fn pending_count(conn: &Connection) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM outbox WHERE acked_at IS NULL",
        [],
        |r| r.get(0),
    )?)
}
