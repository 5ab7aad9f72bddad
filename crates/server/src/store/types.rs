//! The rows the store reads and writes. Rules are applied before these reach the store (see
//! `ingest` and `workflow`); the store only keeps them consistent inside one transaction.

use chrono::{DateTime, NaiveDate, Utc};
use onestop_domain::lifecycle::Role;
use onestop_protocol::ApiError;

/// A window (service-hall, township or village), created with its enrolment code.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowRow {
    pub window_id: String,
    pub county_code: String,
    /// `county`, `township` or `village`.
    pub level: String,
    pub name: String,
    pub parent_window_id: Option<String>,
}

/// An enrolled device (one window PC).
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub device_id: String,
    pub window_id: String,
    pub window_name: String,
    pub level: String,
    pub county_code: String,
    pub terminal_code: u16,
    pub public_key: Vec<u8>,
}

/// Why an enrolment failed.
#[derive(Debug, Clone, PartialEq)]
pub enum EnrolFailure {
    UnknownCode,
    CodeUsed,
    CodeExpired,
    /// Every terminal code of the county (0001–9999) is taken.
    TerminalsExhausted,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub password_phc: String,
    pub role: Role,
    pub county_code: String,
    pub department: Option<String>,
    pub window_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub user: UserRow,
    pub device_id: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// One op of a push after validation through `domain`, ready for the ledger.
#[derive(Debug, Clone)]
pub struct PreparedOp {
    pub seq: u64,
    pub op_id: String,
    pub kind: String,
    pub sha256: String,
    pub effect: Effect,
}

/// What an op does when it is new.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Refused on its merits; the error is stored as its result.
    Reject(ApiError),
    Applicant(ApplicantRow),
    Case(Box<CaseRow>),
}

#[derive(Debug, Clone)]
pub struct ApplicantRow {
    pub applicant_id: String,
    pub kind: String,
    pub id_number: String,
    pub registration_number: String,
    pub record_json: String,
}

/// A validated case snapshot with what the server computed from it.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub case_id: String,
    pub acceptance_number: String,
    pub applicant_id: String,
    pub item_impl_code: String,
    pub department: String,
    pub county_code: String,
    /// `CaseStatus` in snake_case.
    pub status: String,
    pub flow_json: String,
    pub snapshot_json: String,
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    /// `(impl_code, department, status)` of each part of a dispatched bundle.
    pub parts: Vec<PartRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartRow {
    pub impl_code: String,
    pub department: String,
    pub status: String,
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCase {
    pub case_id: String,
    pub acceptance_number: String,
    pub device_id: String,
    pub window_id: String,
    pub county_code: String,
    pub applicant_id: String,
    pub item_impl_code: String,
    pub department: String,
    pub status: String,
    pub flow_json: String,
    pub snapshot_json: String,
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    pub version: u64,
    pub received_on: NaiveDate,
}

/// The effect of a server action on a case, written with its change-log entry in one transaction.
#[derive(Debug, Clone)]
pub struct CaseUpdate {
    pub case_id: String,
    /// The version the action was computed from; another writer in between makes it fail.
    pub expected_version: u64,
    pub status: String,
    pub flow_json: String,
    pub parts: Vec<PartRow>,
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    pub change_kind: String,
    /// The change payload; `version` is filled in by the store's new version.
    pub change_payload: serde_json::Value,
}

/// One action the server took on a case: the `case.status` change payload
/// (`onestop_protocol::CaseStatusChanged`, with the domain events it recorded).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionRow {
    pub case_id: String,
    pub payload: String,
}

/// Which cases an inbox lists: those of the county and department in one of the statuses.
#[derive(Debug, Clone)]
pub struct InboxQuery {
    pub county_code: String,
    pub department: Option<String>,
    pub statuses: Vec<String>,
    /// A window clerk's window: also the cases its village windows forwarded, while they wait
    /// for a decision (`workflow::forwarded`).
    pub forwarded_to: Option<String>,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InboxRow {
    pub case_id: String,
    pub acceptance_number: String,
    pub item_impl_code: String,
    pub part: Option<String>,
    pub department: String,
    pub status: String,
    pub due_on: Option<NaiveDate>,
    pub version: u64,
    pub applicant_name: Option<String>,
}

/// An attachment upload (§5.5), keyed by `(case_id, slot)`.
#[derive(Debug, Clone, PartialEq)]
pub struct UploadRow {
    pub upload_id: String,
    pub case_id: String,
    pub slot: String,
    pub length: u64,
    pub offset: u64,
    /// Lower-case hex sha256 of the whole file.
    pub sha256: String,
    pub file_name: String,
    pub device_id: String,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}
