//! The set-based PostgreSQL ingest, part 3: a plan turned into one array per column, the shape
//! `UNNEST($1::TEXT[], …)` takes, borrowing from the plan rather than copying the snapshots.

use super::ingest_plan::{CaseWrite, Plan};

/// A new or window-owned case row, column by column.
#[derive(Default)]
pub struct CaseColumns<'a> {
    pub id: Vec<&'a str>,
    pub number: Vec<&'a str>,
    pub county: Vec<&'a str>,
    pub applicant: Vec<&'a str>,
    pub item: Vec<&'a str>,
    pub department: Vec<&'a str>,
    pub status: Vec<&'a str>,
    pub flow: Vec<&'a str>,
    pub snapshot: Vec<&'a str>,
    pub device_seq: Vec<i64>,
    pub due_on: Vec<Option<String>>,
    pub provisional: Vec<bool>,
    pub received_on: Vec<String>,
}

impl<'a> CaseColumns<'a> {
    fn push(&mut self, row: &'a crate::store::CaseRow, device_seq: i64) {
        self.id.push(&row.case_id);
        self.number.push(&row.acceptance_number);
        self.county.push(&row.county_code);
        self.applicant.push(&row.applicant_id);
        self.item.push(&row.item_impl_code);
        self.department.push(&row.department);
        self.status.push(&row.status);
        self.flow.push(&row.flow_json);
        self.snapshot.push(&row.snapshot_json);
        self.device_seq.push(device_seq);
        self.due_on.push(row.due_on.map(|d| d.to_string()));
        self.provisional.push(row.due_provisional);
        self.received_on.push(row.received_on.to_string());
    }
}

type Five<'a> = (
    Vec<&'a str>,
    Vec<&'a str>,
    Vec<&'a str>,
    Vec<&'a str>,
    Vec<&'a str>,
);

/// New `applied_ops` rows: seq, op id, kind, sha256, outcome, error.
type LedgerColumns<'a> = (
    Vec<i64>,
    Vec<&'a str>,
    Vec<&'a str>,
    Vec<&'a str>,
    Vec<&'a str>,
    Vec<Option<&'a str>>,
);

/// The plan turned into one array per column, as `UNNEST` takes them.
#[derive(Default)]
pub struct Columns<'a> {
    pub applicants: Five<'a>,
    pub inserts: CaseColumns<'a>,
    pub window: CaseColumns<'a>,
    pub snapshots: (Vec<&'a str>, Vec<&'a str>, Vec<i64>),
    /// Stored cases whose parts are replaced (new cases have none to delete).
    pub replaced: Vec<&'a str>,
    pub parts: (Vec<&'a str>, Vec<&'a str>, Vec<&'a str>, Vec<&'a str>),
    pub ledger: LedgerColumns<'a>,
}

impl<'a> Columns<'a> {
    pub fn of(plan: &'a Plan) -> Self {
        let mut c = Columns::default();
        for a in &plan.applicants {
            c.applicants.0.push(&a.applicant_id);
            c.applicants.1.push(&a.kind);
            c.applicants.2.push(&a.id_number);
            c.applicants.3.push(&a.registration_number);
            c.applicants.4.push(&a.record_json);
        }
        for (id, write) in &plan.cases {
            match write {
                CaseWrite::Insert { row, device_seq } => c.inserts.push(row, *device_seq),
                CaseWrite::Window { row, device_seq } => c.window.push(row, *device_seq),
                CaseWrite::Snapshot {
                    snapshot,
                    device_seq,
                } => {
                    c.snapshots.0.push(id);
                    c.snapshots.1.push(snapshot);
                    c.snapshots.2.push(*device_seq);
                }
            }
        }
        for (id, parts) in &plan.parts {
            if !matches!(plan.cases.get(id), Some(CaseWrite::Insert { .. })) {
                c.replaced.push(id);
            }
            for p in parts {
                c.parts.0.push(id);
                c.parts.1.push(&p.impl_code);
                c.parts.2.push(&p.department);
                c.parts.3.push(&p.status);
            }
        }
        for r in &plan.ledger {
            c.ledger.0.push(r.seq);
            c.ledger.1.push(&r.op_id);
            c.ledger.2.push(&r.kind);
            c.ledger.3.push(&r.sha256);
            c.ledger.4.push(r.outcome);
            c.ledger.5.push(r.error.as_deref());
        }
        c
    }
}
