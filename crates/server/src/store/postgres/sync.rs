//! §5.1 ingest and §5.3 change log on PostgreSQL.

use chrono::{DateTime, Utc};
use deadpool_postgres::{Client, Transaction};
use onestop_protocol::{
    change_kind, ApiError, Change, ChangesPage, OpOutcome, OpResult, PushResponse,
};

use crate::store::sqlite_ts as ts;
use crate::store::{ApplicantRow, CaseRow, Device, Effect, PreparedOp, StoreError};

pub async fn ingest(
    c: &mut Client,
    device: &Device,
    ops: Vec<PreparedOp>,
    now: DateTime<Utc>,
) -> Result<PushResponse, StoreError> {
    let tx = c.transaction().await?;
    let at = ts(now);
    // One push per device at a time: the device row is the lock.
    let lock = tx
        .prepare_cached("SELECT acked_seq FROM devices WHERE device_id = $1 FOR UPDATE")
        .await?;
    let mut acked: i64 = tx.query_one(&lock, &[&device.device_id]).await?.get(0);
    let find = tx
        .prepare_cached(
            "SELECT sha256, outcome, error FROM applied_ops WHERE device_id = $1 AND seq = $2",
        )
        .await?;
    let record = tx
        .prepare_cached(
            "INSERT INTO applied_ops (device_id, seq, op_id, kind, sha256, outcome, error, applied_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .await?;
    let mut results = Vec::with_capacity(ops.len());
    for op in ops {
        let seq = i64::try_from(op.seq).map_err(|_| StoreError::Query("seq too large".into()))?;
        if let Some(row) = tx.query_opt(&find, &[&device.device_id, &seq]).await? {
            let (sha, outcome, error): (String, String, Option<String>) =
                (row.get(0), row.get(1), row.get(2));
            if sha != op.sha256 {
                // Dropping the transaction rolls the whole push back.
                return Err(StoreError::SeqConflict {
                    device_id: device.device_id.clone(),
                    seq: op.seq,
                });
            }
            results.push(crate::store::replayed_result(
                op.seq, op.op_id, &outcome, error,
            )?);
            continue;
        }
        let verdict = match &op.effect {
            Effect::Reject(e) => Err(e.clone()),
            Effect::Applicant(a) => apply_applicant(&tx, device, a, &at).await.map(Ok)?,
            Effect::Case(row) => apply_case(&tx, device, seq, row, &at).await?,
        };
        let (outcome, error) = match &verdict {
            Ok(()) => ("applied", None),
            Err(e) => ("rejected", Some(serde_json::to_string(e)?)),
        };
        tx.execute(
            &record,
            &[
                &device.device_id,
                &seq,
                &op.op_id,
                &op.kind,
                &op.sha256,
                &outcome,
                &error,
                &at,
            ],
        )
        .await?;
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
    let start = acked;
    // Every op of this push now has a ledger row: walk over them in memory, then ask the
    // database only about seqs beyond (ops stored by earlier, out-of-order pushes).
    let mut done: Vec<u64> = results.iter().map(|r| r.seq).collect();
    done.sort_unstable();
    for seq in done {
        if i64::try_from(seq).is_ok_and(|s| s == acked + 1) {
            acked += 1;
        }
    }
    let next = tx
        .prepare_cached(
            "SELECT EXISTS(SELECT 1 FROM applied_ops WHERE device_id = $1 AND seq = $2)",
        )
        .await?;
    while tx
        .query_one(&next, &[&device.device_id, &(acked + 1)])
        .await?
        .get::<_, bool>(0)
    {
        acked += 1;
    }
    if acked != start {
        tx.execute(
            &tx.prepare_cached("UPDATE devices SET acked_seq = $2 WHERE device_id = $1")
                .await?,
            &[&device.device_id, &acked],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(PushResponse {
        acked_seq: acked.max(0) as u64,
        results,
    })
}

async fn apply_applicant(
    tx: &Transaction<'_>,
    device: &Device,
    a: &ApplicantRow,
    at: &str,
) -> Result<(), StoreError> {
    let st = tx
        .prepare_cached(
            "INSERT INTO applicants (applicant_id, kind, id_number, registration_number, record, device_id, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (applicant_id) DO UPDATE SET kind = excluded.kind, id_number = excluded.id_number,
               registration_number = excluded.registration_number, record = excluded.record,
               device_id = excluded.device_id, updated_at = excluded.updated_at",
        )
        .await?;
    tx.execute(
        &st,
        &[
            &a.applicant_id,
            &a.kind,
            &a.id_number,
            &a.registration_number,
            &a.record_json,
            &device.device_id,
            &at,
        ],
    )
    .await?;
    Ok(())
}

async fn apply_case(
    tx: &Transaction<'_>,
    device: &Device,
    seq: i64,
    row: &CaseRow,
    at: &str,
) -> Result<Result<(), ApiError>, StoreError> {
    let existing = tx
        .query_opt(
            &tx.prepare_cached(
                "SELECT device_id, version, status FROM cases WHERE case_id = $1 FOR UPDATE",
            )
            .await?,
            &[&row.case_id],
        )
        .await?
        .map(|r| {
            (
                r.get::<_, String>(0),
                r.get::<_, i64>(1),
                r.get::<_, String>(2),
            )
        });
    let number_owner: Option<String> = tx
        .query_opt(
            &tx.prepare_cached("SELECT case_id FROM cases WHERE acceptance_number = $1")
                .await?,
            &[&row.acceptance_number],
        )
        .await?
        .map(|r| r.get(0));
    let applicant_known: bool = tx
        .query_one(
            &tx.prepare_cached("SELECT EXISTS(SELECT 1 FROM applicants WHERE applicant_id = $1)")
                .await?,
            &[&row.applicant_id],
        )
        .await?
        .get(0);
    if let Some(e) = crate::ingest::store_checks(
        &row.case_id,
        device,
        existing.as_ref().map(|(d, _, _)| d.as_str()),
        number_owner.as_deref(),
        applicant_known,
    ) {
        return Ok(Err(e));
    }
    let due = row.due_on.map(|d| d.to_string());
    let (version, status) = match existing {
        None => {
            tx.execute(
                &tx.prepare_cached("INSERT INTO cases (case_id, acceptance_number, device_id, window_id, county_code,
                   applicant_id, item_impl_code, department, status, flow, snapshot, device_seq,
                   due_on, due_provisional, version, received_on, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, $15, $16)").await?,
                &[
                    &row.case_id,
                    &row.acceptance_number,
                    &device.device_id,
                    &device.window_id,
                    &row.county_code,
                    &row.applicant_id,
                    &row.item_impl_code,
                    &row.department,
                    &row.status,
                    &row.flow_json,
                    &row.snapshot_json,
                    &seq,
                    &due,
                    &row.due_provisional,
                    &row.received_on.to_string(),
                    &at,
                ],
            )
            .await?;
            super::cases::replace_parts(tx, &row.case_id, &row.parts).await?;
            (0, row.status.clone())
        }
        Some((_, 0, _)) => {
            tx.execute(
                &tx.prepare_cached("UPDATE cases SET status = $2, flow = $3, snapshot = $4, device_seq = $5, due_on = $6,
                   due_provisional = $7, applicant_id = $8, updated_at = $9
                 WHERE case_id = $1 AND device_seq < $5").await?,
                &[
                    &row.case_id,
                    &row.status,
                    &row.flow_json,
                    &row.snapshot_json,
                    &seq,
                    &due,
                    &row.due_provisional,
                    &row.applicant_id,
                    &at,
                ],
            )
            .await?;
            super::cases::replace_parts(tx, &row.case_id, &row.parts).await?;
            (0, row.status.clone())
        }
        Some((_, version, status)) => {
            tx.execute(
                &tx.prepare_cached(
                    "UPDATE cases SET snapshot = $2, device_seq = $3, updated_at = $4
                 WHERE case_id = $1 AND device_seq < $3",
                )
                .await?,
                &[&row.case_id, &row.snapshot_json, &seq, &at],
            )
            .await?;
            (version, status)
        }
    };
    let payload = serde_json::json!({
        "acceptance_number": row.acceptance_number,
        "status": status,
        "due_on": row.due_on,
        "due_provisional": row.due_provisional,
        "version": version,
    });
    insert_change(
        tx,
        &device.window_id,
        &row.case_id,
        change_kind::CASE_CONFIRMED,
        &payload,
        at,
    )
    .await?;
    Ok(Ok(()))
}

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
