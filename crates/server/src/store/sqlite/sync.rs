//! §5.1 ingest and §5.3 change log on SQLite: one IMMEDIATE transaction per push, prepared cached
//! statements.

use chrono::{DateTime, Utc};
use onestop_protocol::{
    change_kind, ApiError, Change, ChangesPage, OpOutcome, OpResult, PushResponse,
};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use super::{parse_ts, ts};
use crate::store::{ApplicantRow, CaseRow, Device, Effect, PreparedOp, StoreError};

pub fn ingest(
    c: &mut Connection,
    device: &Device,
    ops: Vec<PreparedOp>,
    now: DateTime<Utc>,
) -> Result<PushResponse, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let at = ts(now);
    let mut results = Vec::with_capacity(ops.len());
    for op in ops {
        let seq = i64::try_from(op.seq).map_err(|_| StoreError::Query("seq too large".into()))?;
        let stored: Option<(String, String, Option<String>)> = tx
            .prepare_cached(
                "SELECT sha256, outcome, error FROM applied_ops WHERE device_id = ?1 AND seq = ?2",
            )?
            .query_row(params![device.device_id, seq], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        if let Some((sha, outcome, error)) = stored {
            if sha != op.sha256 {
                // Dropping the transaction rolls the whole push back.
                return Err(StoreError::SeqConflict {
                    device_id: device.device_id.clone(),
                    seq: op.seq,
                });
            }
            results.push(replayed(op.seq, op.op_id, &outcome, error)?);
            continue;
        }
        let verdict = match &op.effect {
            Effect::Reject(e) => Err(e.clone()),
            Effect::Applicant(a) => apply_applicant(&tx, device, a, &at).map(Ok)?,
            Effect::Case(row) => apply_case(&tx, device, op.seq, row, &at)?,
        };
        let (outcome, error) = match &verdict {
            Ok(()) => ("applied", None),
            Err(e) => ("rejected", Some(serde_json::to_string(e)?)),
        };
        tx.prepare_cached(
            "INSERT INTO applied_ops (device_id, seq, op_id, kind, sha256, outcome, error, applied_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            device.device_id,
            seq,
            op.op_id,
            op.kind,
            op.sha256,
            outcome,
            error,
            at
        ])?;
        results.push(OpResult {
            seq: op.seq,
            op_id: op.op_id,
            outcome: if verdict.is_ok() {
                OpOutcome::Applied
            } else {
                OpOutcome::Rejected
            },
            error: verdict.err(),
        });
    }
    let acked_seq = advance_acked(&tx, &device.device_id)?;
    tx.commit()?;
    Ok(PushResponse { acked_seq, results })
}

pub fn replayed(
    seq: u64,
    op_id: String,
    outcome: &str,
    error: Option<String>,
) -> Result<OpResult, StoreError> {
    let error: Option<ApiError> = error.map(|e| serde_json::from_str(&e)).transpose()?;
    Ok(OpResult {
        seq,
        op_id,
        outcome: if outcome == "rejected" {
            OpOutcome::Rejected
        } else {
            OpOutcome::Replayed
        },
        error,
    })
}

/// A case's promised date as stored (`YYYY-MM-DD`) and whether it is provisional.
type ServerDue = (Option<String>, bool);

/// Moves the device's acked seq over every contiguous seq that now has a result.
fn advance_acked(tx: &Transaction<'_>, device_id: &str) -> Result<u64, StoreError> {
    let mut acked: i64 = tx
        .prepare_cached("SELECT acked_seq FROM devices WHERE device_id = ?1")?
        .query_row([device_id], |r| r.get(0))?;
    let start = acked;
    let mut next = tx.prepare_cached(
        "SELECT EXISTS(SELECT 1 FROM applied_ops WHERE device_id = ?1 AND seq = ?2)",
    )?;
    while next.query_row(params![device_id, acked + 1], |r| r.get::<_, bool>(0))? {
        acked += 1;
    }
    if acked != start {
        tx.prepare_cached("UPDATE devices SET acked_seq = ?2 WHERE device_id = ?1")?
            .execute(params![device_id, acked])?;
    }
    Ok(acked.max(0) as u64)
}

fn apply_applicant(
    tx: &Transaction<'_>,
    device: &Device,
    a: &ApplicantRow,
    at: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO applicants (applicant_id, kind, id_number, registration_number, record, device_id, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (applicant_id) DO UPDATE SET kind = excluded.kind, id_number = excluded.id_number,
           registration_number = excluded.registration_number, record = excluded.record,
           device_id = excluded.device_id, updated_at = excluded.updated_at",
    )?
    .execute(params![
        a.applicant_id,
        a.kind,
        a.id_number,
        a.registration_number,
        a.record_json,
        device.device_id,
        at
    ])?;
    Ok(())
}

fn apply_case(
    tx: &Transaction<'_>,
    device: &Device,
    seq: u64,
    row: &CaseRow,
    at: &str,
) -> Result<Result<(), ApiError>, StoreError> {
    let existing: Option<(String, i64, String, ServerDue)> = tx
        .prepare_cached(
            "SELECT device_id, version, status, due_on, due_provisional FROM cases
             WHERE case_id = ?1",
        )?
        .query_row([&row.case_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, (r.get(3)?, r.get(4)?)))
        })
        .optional()?;
    let number_owner: Option<String> = tx
        .prepare_cached("SELECT case_id FROM cases WHERE acceptance_number = ?1")?
        .query_row([&row.acceptance_number], |r| r.get(0))
        .optional()?;
    let applicant_known: bool = tx
        .prepare_cached("SELECT EXISTS(SELECT 1 FROM applicants WHERE applicant_id = ?1)")?
        .query_row([&row.applicant_id], |r| r.get(0))?;
    if let Some(e) = crate::ingest::store_checks(
        &row.case_id,
        device,
        existing.as_ref().map(|(d, _, _, _)| d.as_str()),
        number_owner.as_deref(),
        applicant_known,
    ) {
        return Ok(Err(e));
    }
    let seq = seq as i64;
    let window_due: ServerDue = (row.due_on.map(|d| d.to_string()), row.due_provisional);
    let (version, status, (due_on, due_provisional)) = match existing {
        None => {
            tx.prepare_cached(
                "INSERT INTO cases (case_id, acceptance_number, device_id, window_id, county_code,
                   applicant_id, item_impl_code, department, status, flow, snapshot, device_seq,
                   due_on, due_provisional, version, received_on, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 0, ?15, ?16)",
            )?
            .execute(params![
                row.case_id,
                row.acceptance_number,
                device.device_id,
                device.window_id,
                row.county_code,
                row.applicant_id,
                row.item_impl_code,
                row.department,
                row.status,
                row.flow_json,
                row.snapshot_json,
                seq,
                row.due_on.map(|d| d.to_string()),
                row.due_provisional,
                row.received_on.to_string(),
                at
            ])?;
            super::cases::replace_parts(tx, &row.case_id, &row.parts)?;
            (0, row.status.clone(), window_due)
        }
        Some((_, 0, _, _)) => {
            // The server has not acted yet: the window's flow is still the case's flow.
            tx.prepare_cached(
                "UPDATE cases SET status = ?2, flow = ?3, snapshot = ?4, device_seq = ?5, due_on = ?6,
                   due_provisional = ?7, applicant_id = ?8, updated_at = ?9
                 WHERE case_id = ?1 AND device_seq < ?5",
            )?
            .execute(params![
                row.case_id,
                row.status,
                row.flow_json,
                row.snapshot_json,
                seq,
                row.due_on.map(|d| d.to_string()),
                row.due_provisional,
                row.applicant_id,
                at
            ])?;
            super::cases::replace_parts(tx, &row.case_id, &row.parts)?;
            (0, row.status.clone(), window_due)
        }
        Some((_, version, status, server_due)) => {
            // The server owns the status after it acted (§5 ownership): keep its flow, and
            // confirm its own promised date (an extension, or the acceptance of a forwarded
            // case, moved it), never the one the window computed.
            tx.prepare_cached(
                "UPDATE cases SET snapshot = ?2, device_seq = ?3, updated_at = ?4
                 WHERE case_id = ?1 AND device_seq < ?3",
            )?
            .execute(params![row.case_id, row.snapshot_json, seq, at])?;
            (version, status, server_due)
        }
    };
    let payload = serde_json::json!({
        "acceptance_number": row.acceptance_number,
        "status": status,
        "due_on": due_on,
        "due_provisional": due_provisional,
        "version": version,
    });
    insert_change(
        tx,
        &device.window_id,
        &row.case_id,
        change_kind::CASE_CONFIRMED,
        &payload,
        at,
    )?;
    Ok(Ok(()))
}

pub(crate) fn insert_change(
    tx: &Transaction<'_>,
    window_id: &str,
    case_id: &str,
    kind: &str,
    payload: &serde_json::Value,
    at: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO change_log (window_id, case_id, kind, payload, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![window_id, case_id, kind, payload.to_string(), at])?;
    Ok(())
}

pub fn changes(
    c: &Connection,
    window_id: &str,
    after: u64,
    limit: u32,
) -> Result<ChangesPage, StoreError> {
    let after_i = i64::try_from(after).unwrap_or(i64::MAX);
    let mut st = c.prepare_cached(
        "SELECT seq, case_id, kind, payload, at FROM change_log
         WHERE window_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = st.query_map(params![window_id, after_i, i64::from(limit) + 1], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut changes = Vec::new();
    for row in rows {
        let (seq, case_id, kind, payload, at) = row?;
        changes.push(Change {
            seq: seq.max(0) as u64,
            case_id,
            kind,
            payload: serde_json::from_str(&payload)?,
            at: parse_ts(&at)?,
        });
    }
    Ok(crate::store::page(changes, after, limit))
}
