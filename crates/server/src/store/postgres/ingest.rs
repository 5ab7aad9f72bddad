//! The set-based PostgreSQL ingest, part 2: the SQL. One push is four round trips whatever its
//! size: `BEGIN`; one pipeline of reads under the device lock; one pipeline of multi-row writes
//! (`UNNEST` arrays); `COMMIT`. `ingest_plan` decides everything in between, in memory.
//!
//! Pipelining: tokio-postgres sends a request when its future is first polled and the server runs
//! them in that order, so `try_join!(biased; …)` (which polls in argument order) keeps the order
//! that matters: the device lock is taken before any read, and rows are written before the rows
//! that reference them. In READ COMMITTED each statement takes its snapshot when it starts, so the
//! reads queued behind the lock see everything a previous push of the device committed.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use deadpool_postgres::{Client, Transaction};
use onestop_protocol::{change_kind, PushResponse};
use tokio_postgres::types::ToSql;

use super::ingest_columns::Columns;
use super::ingest_plan::{self, Known, Plan, StoredState};
use crate::store::sqlite_ts as ts;
use crate::store::{Device, Effect, PreparedOp, StoreError};

/// How many ledger rows beyond the acked seq one read brings (out-of-order pushes leave a few);
/// past that the acked walk asks row by row, as it used to.
const TAIL_LIMIT: i64 = 1000;

const LOCK: &str = "SELECT acked_seq FROM devices WHERE device_id = $1 FOR UPDATE";
const LEDGER: &str = "SELECT seq, sha256, outcome, error FROM applied_ops
     WHERE device_id = $1 AND seq = ANY($2::BIGINT[])";
const TAIL: &str = "SELECT seq FROM applied_ops WHERE device_id = $1
       AND seq > (SELECT acked_seq FROM devices WHERE device_id = $1)
     ORDER BY seq LIMIT $2";
// Sorted, so two pushes naming the same cases lock them in one order (no deadlock).
const CASES: &str =
    "SELECT case_id, device_id, version, status, device_seq, due_on, due_provisional
     FROM cases
     WHERE case_id = ANY($1::TEXT[]) ORDER BY case_id FOR UPDATE";
const NUMBERS: &str =
    "SELECT acceptance_number, case_id FROM cases WHERE acceptance_number = ANY($1::TEXT[])";
const APPLICANTS: &str = "SELECT applicant_id FROM applicants WHERE applicant_id = ANY($1::TEXT[])";
const EXISTS: &str = "SELECT EXISTS(SELECT 1 FROM applied_ops WHERE device_id = $1 AND seq = $2)";

const UPSERT_APPLICANTS: &str = "INSERT INTO applicants
       (applicant_id, kind, id_number, registration_number, record, device_id, updated_at)
     SELECT u.id, u.kind, u.id_number, u.reg, u.record, $1, $2
       FROM UNNEST($3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[])
         AS u(id, kind, id_number, reg, record)
     ON CONFLICT (applicant_id) DO UPDATE SET kind = excluded.kind, id_number = excluded.id_number,
       registration_number = excluded.registration_number, record = excluded.record,
       device_id = excluded.device_id, updated_at = excluded.updated_at";
const INSERT_CASES: &str = "INSERT INTO cases (case_id, acceptance_number, device_id, window_id,
       county_code, applicant_id, item_impl_code, department, status, flow, snapshot, device_seq,
       due_on, due_provisional, version, received_on, updated_at)
     SELECT u.id, u.number, $1, $2, u.county, u.applicant, u.item, u.department, u.status, u.flow,
            u.snapshot, u.device_seq, u.due_on, u.provisional, 0, u.received_on, $3
       FROM UNNEST($4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[], $8::TEXT[], $9::TEXT[],
                   $10::TEXT[], $11::TEXT[], $12::TEXT[], $13::BIGINT[], $14::TEXT[], $15::BOOL[],
                   $16::TEXT[])
         AS u(id, number, county, applicant, item, department, status, flow, snapshot, device_seq,
              due_on, provisional, received_on)";
const UPDATE_WINDOW: &str = "UPDATE cases c SET status = u.status, flow = u.flow,
       snapshot = u.snapshot, device_seq = u.device_seq, due_on = u.due_on,
       due_provisional = u.provisional, applicant_id = u.applicant, updated_at = $1
       FROM UNNEST($2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::BIGINT[], $7::TEXT[],
                   $8::BOOL[], $9::TEXT[])
         AS u(id, status, flow, snapshot, device_seq, due_on, provisional, applicant)
      WHERE c.case_id = u.id AND c.device_seq < u.device_seq";
const UPDATE_SNAPSHOT: &str = "UPDATE cases c SET snapshot = u.snapshot,
       device_seq = u.device_seq, updated_at = $1
       FROM UNNEST($2::TEXT[], $3::TEXT[], $4::BIGINT[]) AS u(id, snapshot, device_seq)
      WHERE c.case_id = u.id AND c.device_seq < u.device_seq";
const DELETE_PARTS: &str = "DELETE FROM case_parts WHERE case_id = ANY($1::TEXT[])";
const INSERT_PARTS: &str = "INSERT INTO case_parts (case_id, impl_code, department, status)
     SELECT * FROM UNNEST($1::TEXT[], $2::TEXT[], $3::TEXT[], $4::TEXT[])";
// ORDINALITY keeps the op order, so change-log seqs follow the ops as they did one by one.
const INSERT_CHANGES: &str = "INSERT INTO change_log (window_id, case_id, kind, payload, at)
     SELECT $1, u.case_id, $2, u.payload, $3
       FROM UNNEST($4::TEXT[], $5::TEXT[]) WITH ORDINALITY AS u(case_id, payload, n)
      ORDER BY u.n";
const INSERT_LEDGER: &str = "INSERT INTO applied_ops
       (device_id, seq, op_id, kind, sha256, outcome, error, applied_at)
     SELECT $1, u.seq, u.op_id, u.kind, u.sha256, u.outcome, u.error, $2
       FROM UNNEST($3::BIGINT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[], $8::TEXT[])
         AS u(seq, op_id, kind, sha256, outcome, error)";
const SET_ACKED: &str = "UPDATE devices SET acked_seq = $2 WHERE device_id = $1";

pub async fn ingest(
    c: &mut Client,
    device: &Device,
    ops: Vec<PreparedOp>,
    now: DateTime<Utc>,
) -> Result<PushResponse, StoreError> {
    let tx = c.transaction().await?;
    let (known, stored_tail, tail_cut) = read(&tx, device, &ops).await?;
    let start = known.acked_seq;
    let plan = ingest_plan::plan(device, ops, known)?;
    let mut acked = ingest_plan::walk_acked(start, &plan.recorded, &stored_tail);
    if tail_cut {
        // More out-of-order rows than one read brings: finish the walk row by row.
        let exists = tx.prepare_cached(EXISTS).await?;
        loop {
            let next = acked + 1;
            let known = plan.recorded.contains(&next)
                || tx
                    .query_one(&exists, &[&device.device_id, &next])
                    .await?
                    .get::<_, bool>(0);
            if !known {
                break;
            }
            acked += 1;
        }
    }
    write(
        &tx,
        device,
        &plan,
        &ts(now),
        (acked != start).then_some(acked),
    )
    .await?;
    tx.commit().await?;
    Ok(PushResponse {
        acked_seq: acked.max(0) as u64,
        results: plan.results,
    })
}

/// Everything the push can touch, in one pipeline behind the device lock. Also returns the
/// device's ledger seqs beyond its acked seq, and whether that list was cut at `TAIL_LIMIT`.
async fn read(
    tx: &Transaction<'_>,
    device: &Device,
    ops: &[PreparedOp],
) -> Result<(Known, HashSet<i64>, bool), StoreError> {
    let seqs: Vec<i64> = ops
        .iter()
        .map(|o| i64::try_from(o.seq).map_err(|_| StoreError::Query("seq too large".into())))
        .collect::<Result<_, _>>()?;
    let rows = ops.iter().filter_map(|o| match &o.effect {
        Effect::Case(row) => Some(row),
        _ => None,
    });
    let mut case_ids = Vec::new();
    let mut numbers = Vec::new();
    let mut applicants = Vec::new();
    for row in rows {
        case_ids.push(row.case_id.as_str());
        numbers.push(row.acceptance_number.as_str());
        applicants.push(row.applicant_id.as_str());
    }
    let (lock, ledger, tail, cases, by_number, applicant) = tokio::try_join!(
        tx.prepare_cached(LOCK),
        tx.prepare_cached(LEDGER),
        tx.prepare_cached(TAIL),
        tx.prepare_cached(CASES),
        tx.prepare_cached(NUMBERS),
        tx.prepare_cached(APPLICANTS),
    )?;
    let id = &device.device_id;
    // The parameter lists outlive the joined futures that borrow them.
    let p_lock: [&(dyn ToSql + Sync); 1] = [id];
    let p_ledger: [&(dyn ToSql + Sync); 2] = [id, &seqs];
    let p_tail: [&(dyn ToSql + Sync); 2] = [id, &TAIL_LIMIT];
    let p_cases: [&(dyn ToSql + Sync); 1] = [&case_ids];
    let p_numbers: [&(dyn ToSql + Sync); 1] = [&numbers];
    let p_applicants: [&(dyn ToSql + Sync); 1] = [&applicants];
    let (lock, ledger, tail, cases, by_number, applicant) = tokio::try_join!(
        biased;
        tx.query_one(&lock, &p_lock),
        tx.query(&ledger, &p_ledger),
        tx.query(&tail, &p_tail),
        tx.query(&cases, &p_cases),
        tx.query(&by_number, &p_numbers),
        tx.query(&applicant, &p_applicants),
    )?;
    let known = Known {
        acked_seq: lock.get(0),
        ledger: ledger
            .iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2), r.get(3))))
            .collect(),
        cases: cases
            .iter()
            .map(|r| {
                let state = StoredState {
                    device_id: r.get(1),
                    version: r.get(2),
                    status: r.get(3),
                    device_seq: r.get(4),
                    due_on: r.get(5),
                    due_provisional: r.get(6),
                };
                (r.get(0), state)
            })
            .collect(),
        numbers: by_number.iter().map(|r| (r.get(0), r.get(1))).collect(),
        applicants: applicant.iter().map(|r| r.get(0)).collect(),
    };
    let cut = tail.len() as i64 >= TAIL_LIMIT;
    let tail = tail.iter().map(|r| r.get(0)).collect();
    Ok((known, tail, cut))
}

/// The plan's rows as multi-row statements, in one pipeline. Empty ones are not sent.
async fn write(
    tx: &Transaction<'_>,
    device: &Device,
    plan: &Plan,
    at: &String,
    acked: Option<i64>,
) -> Result<(), StoreError> {
    let (
        upsert_applicants,
        insert_cases,
        update_window,
        update_snapshot,
        delete_parts,
        insert_parts,
        insert_changes,
        insert_ledger,
        set_acked,
    ) = tokio::try_join!(
        tx.prepare_cached(UPSERT_APPLICANTS),
        tx.prepare_cached(INSERT_CASES),
        tx.prepare_cached(UPDATE_WINDOW),
        tx.prepare_cached(UPDATE_SNAPSHOT),
        tx.prepare_cached(DELETE_PARTS),
        tx.prepare_cached(INSERT_PARTS),
        tx.prepare_cached(INSERT_CHANGES),
        tx.prepare_cached(INSERT_LEDGER),
        tx.prepare_cached(SET_ACKED),
    )?;
    let columns = Columns::of(plan);
    let id = &device.device_id;
    let confirmed = change_kind::CASE_CONFIRMED;
    let a = &columns.applicants;
    let n = &columns.inserts;
    let w = &columns.window;
    let s = &columns.snapshots;
    let p = &columns.parts;
    let l = &columns.ledger;
    let acked_value = acked.unwrap_or_default();
    let (change_cases, change_payloads): (Vec<&str>, Vec<&str>) = plan
        .changes
        .iter()
        .map(|(c, p)| (c.as_str(), p.as_str()))
        .unzip();
    let p_applicants: [&(dyn ToSql + Sync); 7] = [id, at, &a.0, &a.1, &a.2, &a.3, &a.4];
    let p_inserts: [&(dyn ToSql + Sync); 16] = [
        id,
        &device.window_id,
        at,
        &n.id,
        &n.number,
        &n.county,
        &n.applicant,
        &n.item,
        &n.department,
        &n.status,
        &n.flow,
        &n.snapshot,
        &n.device_seq,
        &n.due_on,
        &n.provisional,
        &n.received_on,
    ];
    let p_window: [&(dyn ToSql + Sync); 9] = [
        at,
        &w.id,
        &w.status,
        &w.flow,
        &w.snapshot,
        &w.device_seq,
        &w.due_on,
        &w.provisional,
        &w.applicant,
    ];
    let p_snapshots: [&(dyn ToSql + Sync); 4] = [at, &s.0, &s.1, &s.2];
    let p_delete: [&(dyn ToSql + Sync); 1] = [&columns.replaced];
    let p_parts: [&(dyn ToSql + Sync); 4] = [&p.0, &p.1, &p.2, &p.3];
    let p_changes: [&(dyn ToSql + Sync); 5] = [
        &device.window_id,
        &confirmed,
        at,
        &change_cases,
        &change_payloads,
    ];
    let p_ledger: [&(dyn ToSql + Sync); 8] = [id, at, &l.0, &l.1, &l.2, &l.3, &l.4, &l.5];
    let p_acked: [&(dyn ToSql + Sync); 2] = [id, &acked_value];
    tokio::try_join!(
        biased;
        run(tx, &upsert_applicants, a.0.len(), &p_applicants),
        run(tx, &insert_cases, n.id.len(), &p_inserts),
        run(tx, &update_window, w.id.len(), &p_window),
        run(tx, &update_snapshot, s.0.len(), &p_snapshots),
        run(tx, &delete_parts, columns.replaced.len(), &p_delete),
        run(tx, &insert_parts, p.0.len(), &p_parts),
        run(tx, &insert_changes, change_cases.len(), &p_changes),
        run(tx, &insert_ledger, l.0.len(), &p_ledger),
        run(tx, &set_acked, usize::from(acked.is_some()), &p_acked),
    )?;
    Ok(())
}

/// Executes `st` unless it has no rows to write.
async fn run(
    tx: &Transaction<'_>,
    st: &tokio_postgres::Statement,
    rows: usize,
    params: &[&(dyn ToSql + Sync)],
) -> Result<u64, StoreError> {
    if rows == 0 {
        return Ok(0);
    }
    Ok(tx.execute(st, params).await?)
}
