//! The set-based PostgreSQL ingest, part 1: a pure, in-memory replay of one push.
//!
//! The SQLite store applies a push op by op, asking the database before every op (it is
//! in-process, so each question is cheap). Over the network that was ~7 round trips per op, so
//! PostgreSQL instead reads everything a push can touch in one go (`ingest::read`), lets this
//! module replay the ops *in order* against that picture — exactly the decisions the op-by-op
//! code makes, including ops that see the effects of earlier ops of the same push — and then
//! writes the final rows with a handful of multi-row statements (`ingest::write`).
//!
//! What must stay identical to the op-by-op code (the conformance suite checks both stores):
//! per-op results, replays (including a seq repeated inside one push), the first conflicting seq,
//! `store_checks` seeing cases, numbers and applicants written earlier in the same push, the
//! `device_seq < seq` guard on case updates, parts replaced whenever a window still owns the
//! flow, and one `case.confirmed` change per applied case op, in op order.

use std::collections::{BTreeMap, HashMap, HashSet};

use onestop_protocol::{ApiError, OpOutcome, OpResult};

use crate::store::{ApplicantRow, CaseRow, Device, Effect, PartRow, PreparedOp, StoreError};

/// A ledger row as stored: `(sha256, outcome, error)`.
pub type LedgerEntry = (String, String, Option<String>);

/// What the database said about the rows a push can touch, read under the device lock.
#[derive(Debug, Default)]
pub struct Known {
    pub acked_seq: i64,
    /// `applied_ops` rows of this device at the push's seqs.
    pub ledger: HashMap<i64, LedgerEntry>,
    /// Stored cases named by the push (locked `FOR UPDATE`).
    pub cases: HashMap<String, StoredState>,
    /// `acceptance_number → case_id` for the numbers the push names.
    pub numbers: HashMap<String, String>,
    /// Applicants named by the push's cases that exist.
    pub applicants: HashSet<String>,
}

/// The columns of a stored case that ingest decides on.
#[derive(Debug, Clone)]
pub struct StoredState {
    pub device_id: String,
    pub version: i64,
    pub status: String,
    pub device_seq: i64,
    /// The promised date as stored (`YYYY-MM-DD`): once the server has acted, the one confirmed.
    pub due_on: Option<String>,
    pub due_provisional: bool,
}

/// How a case row is written at the end of the push.
#[derive(Debug, Clone)]
pub enum CaseWrite {
    /// A new case: the row as it stands after every op of the push.
    Insert { row: Box<CaseRow>, device_seq: i64 },
    /// The window still owns the flow (version 0): every window column.
    Window { row: Box<CaseRow>, device_seq: i64 },
    /// The server has acted: only the snapshot moves (§5 ownership).
    Snapshot { snapshot: String, device_seq: i64 },
}

/// A new ledger row.
#[derive(Debug, Clone)]
pub struct LedgerRow {
    pub seq: i64,
    pub op_id: String,
    pub kind: String,
    pub sha256: String,
    pub outcome: &'static str,
    pub error: Option<String>,
}

/// Everything to write, in the order the statements must run.
#[derive(Debug, Default)]
pub struct Plan {
    pub results: Vec<OpResult>,
    /// The last upsert of each applicant (an upsert overwrites every column, so the last wins).
    pub applicants: Vec<ApplicantRow>,
    /// By case id, so writes lock rows in one order.
    pub cases: BTreeMap<String, CaseWrite>,
    /// Cases whose parts are replaced, with the parts they end with.
    pub parts: BTreeMap<String, Vec<PartRow>>,
    /// `(case_id, payload)` of each `case.confirmed` change, in op order.
    pub changes: Vec<(String, String)>,
    pub ledger: Vec<LedgerRow>,
    /// The seqs that have a ledger row after this push, beyond the acked seq (for the acked walk).
    pub recorded: HashSet<i64>,
}

/// The state of one case as the replay goes.
struct Live {
    device_id: String,
    version: i64,
    status: String,
    device_seq: i64,
    /// The server's promised date; only read once the server has acted (version > 0).
    due_on: Option<String>,
    due_provisional: bool,
}

/// Replays `ops` in order against `known`. `Err` is the whole push refused (a seq conflict).
pub fn plan(device: &Device, ops: Vec<PreparedOp>, known: Known) -> Result<Plan, StoreError> {
    let Known {
        mut ledger,
        cases,
        mut numbers,
        mut applicants,
        ..
    } = known;
    let mut live: HashMap<String, Live> = cases
        .into_iter()
        .map(|(id, s)| {
            let l = Live {
                device_id: s.device_id,
                version: s.version,
                status: s.status,
                device_seq: s.device_seq,
                due_on: s.due_on,
                due_provisional: s.due_provisional,
            };
            (id, l)
        })
        .collect();
    let mut out = Plan::default();
    let mut upserts: HashMap<String, usize> = HashMap::new();
    for op in ops {
        let seq = i64::try_from(op.seq).map_err(|_| StoreError::Query("seq too large".into()))?;
        if let Some((sha, outcome, error)) = ledger.get(&seq) {
            if *sha != op.sha256 {
                return Err(StoreError::SeqConflict {
                    device_id: device.device_id.clone(),
                    seq: op.seq,
                });
            }
            out.results.push(crate::store::replayed_result(
                op.seq,
                op.op_id,
                outcome,
                error.clone(),
            )?);
            continue;
        }
        let verdict = match &op.effect {
            Effect::Reject(e) => Err(e.clone()),
            Effect::Applicant(a) => {
                applicants.insert(a.applicant_id.clone());
                match upserts.get(&a.applicant_id) {
                    Some(&i) => out.applicants[i] = a.clone(),
                    None => {
                        upserts.insert(a.applicant_id.clone(), out.applicants.len());
                        out.applicants.push(a.clone());
                    }
                }
                Ok(())
            }
            Effect::Case(row) => apply_case(
                device,
                seq,
                row,
                &mut live,
                &mut numbers,
                &applicants,
                &mut out,
            ),
        };
        let (outcome, error) = match &verdict {
            Ok(()) => ("applied", None),
            Err(e) => ("rejected", Some(serde_json::to_string(e)?)),
        };
        ledger.insert(seq, (op.sha256.clone(), outcome.to_string(), error.clone()));
        out.recorded.insert(seq);
        out.ledger.push(LedgerRow {
            seq,
            op_id: op.op_id.clone(),
            kind: op.kind,
            sha256: op.sha256,
            outcome,
            error,
        });
        out.results.push(OpResult {
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
    Ok(out)
}

/// One `case.snapshot`, as `sqlite::sync::apply_case` does it, against the live picture.
fn apply_case(
    device: &Device,
    seq: i64,
    row: &CaseRow,
    live: &mut HashMap<String, Live>,
    numbers: &mut HashMap<String, String>,
    applicants: &HashSet<String>,
    out: &mut Plan,
) -> Result<(), ApiError> {
    let existing = live.get(&row.case_id);
    if let Some(e) = crate::ingest::store_checks(
        &row.case_id,
        device,
        existing.map(|c| c.device_id.as_str()),
        numbers.get(&row.acceptance_number).map(String::as_str),
        applicants.contains(&row.applicant_id),
    ) {
        return Err(e);
    }
    let window_due = (row.due_on.map(|d| d.to_string()), row.due_provisional);
    let (version, status, (due_on, due_provisional)) = match existing {
        None => {
            live.insert(
                row.case_id.clone(),
                Live {
                    device_id: device.device_id.clone(),
                    version: 0,
                    status: row.status.clone(),
                    device_seq: seq,
                    due_on: None,
                    due_provisional: true,
                },
            );
            numbers.insert(row.acceptance_number.clone(), row.case_id.clone());
            out.cases.insert(
                row.case_id.clone(),
                CaseWrite::Insert {
                    row: Box::new(row.clone()),
                    device_seq: seq,
                },
            );
            out.parts.insert(row.case_id.clone(), row.parts.clone());
            (0, row.status.clone(), window_due)
        }
        Some(c) if c.version == 0 => {
            // The server has not acted yet: the window's flow is still the case's flow.
            if c.device_seq < seq {
                let c = live.get_mut(&row.case_id).expect("present");
                c.device_seq = seq;
                c.status = row.status.clone();
                let write = match out.cases.remove(&row.case_id) {
                    // Still a new row: the insert carries the newest window columns; the columns
                    // an update never touches (number, window, item, dates) stay the first op's.
                    Some(CaseWrite::Insert { row: mut first, .. }) => {
                        window_columns(&mut first, row);
                        CaseWrite::Insert {
                            row: first,
                            device_seq: seq,
                        }
                    }
                    _ => CaseWrite::Window {
                        row: Box::new(row.clone()),
                        device_seq: seq,
                    },
                };
                out.cases.insert(row.case_id.clone(), write);
            }
            // As the op-by-op code does: the parts follow the op even when the guard held.
            out.parts.insert(row.case_id.clone(), row.parts.clone());
            (0, row.status.clone(), window_due)
        }
        Some(c) => {
            // The server owns the status after it acted (§5 ownership): keep its flow, and
            // confirm its own promised date (an extension, or the acceptance of a forwarded
            // case, moved it), never the one the window computed.
            let confirmed = (
                c.version,
                c.status.clone(),
                (c.due_on.clone(), c.due_provisional),
            );
            if c.device_seq < seq {
                live.get_mut(&row.case_id).expect("present").device_seq = seq;
                out.cases.insert(
                    row.case_id.clone(),
                    CaseWrite::Snapshot {
                        snapshot: row.snapshot_json.clone(),
                        device_seq: seq,
                    },
                );
            }
            confirmed
        }
    };
    let payload = serde_json::json!({
        "acceptance_number": row.acceptance_number,
        "status": status,
        "due_on": due_on,
        "due_provisional": due_provisional,
        "version": version,
    });
    out.changes.push((row.case_id.clone(), payload.to_string()));
    Ok(())
}

/// The columns the version-0 `UPDATE` sets, copied onto a row still to be inserted.
fn window_columns(target: &mut CaseRow, from: &CaseRow) {
    target.status = from.status.clone();
    target.flow_json = from.flow_json.clone();
    target.snapshot_json = from.snapshot_json.clone();
    target.due_on = from.due_on;
    target.due_provisional = from.due_provisional;
    target.applicant_id = from.applicant_id.clone();
}

/// Moves `acked` over every contiguous seq that has a ledger row: this push's (`recorded`) and
/// those stored before (`stored`, the device's rows beyond the acked seq).
pub fn walk_acked(mut acked: i64, recorded: &HashSet<i64>, stored: &HashSet<i64>) -> i64 {
    while recorded.contains(&(acked + 1)) || stored.contains(&(acked + 1)) {
        acked += 1;
    }
    acked
}
