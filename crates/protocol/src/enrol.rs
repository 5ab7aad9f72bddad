//! Enrolment of a window PC (ARCHITECTURE.md §5.7): an administrator issues a one-time code for a
//! window, the device sends it with its Ed25519 public key and receives its device id and the
//! terminal code that prefixes its acceptance numbers (§4).

use chrono::{DateTime, Utc};
use onestop_domain::catalogue::WindowLevel;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// `POST /v1/admin/enrolment-codes` body: the window the code is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EnrolmentCodeRequest {
    /// The county (GB/T 2260, 6 digits) the window belongs to.
    pub county_code: String,
    /// `county`, `township` or `village`.
    #[schema(value_type = String)]
    pub level: WindowLevel,
    pub window_name: String,
    /// The window above this one (a village window's township centre), when there is one.
    pub parent_window_id: Option<String>,
}

/// The one-time code, shown once to the administrator and typed on the new PC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EnrolmentCode {
    pub code: String,
    pub window_id: String,
    pub expires_at: DateTime<Utc>,
}

/// `POST /v1/enroll` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EnrollRequest {
    pub code: String,
    /// The device's Ed25519 public key: 32 bytes, standard base64 (with padding).
    pub public_key: String,
}

/// `POST /v1/enroll` answer: who the device is from now on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct EnrollResponse {
    pub device_id: String,
    pub window_id: String,
    pub window_name: String,
    pub county_code: String,
    #[schema(value_type = String)]
    #[ts(type = "\"county\" | \"township\" | \"village\"")]
    pub level: WindowLevel,
    /// Four digits, unique in the county; the second group of every acceptance number.
    pub terminal_code: String,
}
