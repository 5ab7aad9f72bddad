//! The one stream of sync status the UI shows (issue: online, queue, upload, last sync, errors,
//! clock offset). `desk` forwards it to the webview as an event.

use chrono::{DateTime, Utc};
use onestop_protocol::ApiError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

// Counts are u64 in Rust and plain JSON numbers on the wire; the webview reads them as JS numbers
// (exact far beyond any queue), so ts-rs is told `number` rather than its default `bigint`.

/// A scan on its way up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct UploadProgress {
    pub case_id: String,
    pub slot: String,
    pub file_name: String,
    #[ts(type = "number")]
    pub sent_bytes: u64,
    #[ts(type = "number")]
    pub total_bytes: u64,
}

/// An op the server rejected, waiting for the clerk (correct the case, then "retry").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CaseSyncError {
    /// `None` for an op that is not about one case (an applicant record).
    pub case_id: Option<String>,
    pub acceptance_number: Option<String>,
    /// The number as printed on the voucher, in groups, for the screen.
    #[serde(default)]
    pub acceptance_number_grouped: Option<String>,
    #[ts(type = "number")]
    pub seq: u64,
    pub error: ApiError,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncStatus {
    /// The last round reached the server.
    pub online: bool,
    /// A round is running now.
    pub running: bool,
    #[ts(type = "number")]
    pub queued_ops: u64,
    #[ts(type = "number")]
    pub queued_bytes: u64,
    pub upload: Option<UploadProgress>,
    #[ts(type = "string | null")]
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_error: Option<ApiError>,
    /// Consecutive failed rounds; the backoff grows with it.
    pub failures: u32,
    #[ts(type = "string | null")]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Local clock minus server clock, seconds, from the last response's `Date`.
    #[ts(type = "number | null")]
    pub clock_offset_secs: Option<i64>,
    /// The offset is beyond 5 minutes: dates on vouchers may be wrong, tell the clerk.
    pub clock_skewed: bool,
    /// Recent things the clerk should hear about ("result ready for collection"), newest first,
    /// at most 20; a later round adds to them rather than replacing them.
    pub notices: Vec<String>,
    /// Rejected ops, one per case, each held back until the clerk retries it.
    pub case_errors: Vec<CaseSyncError>,
}
