//! The approval work on the server (承办 → 审核 → 批准 → 送达, 并联审批 parts, 特别程序 and the
//! extension) and the change-log payloads that carry its results back to the owning window.

use chrono::NaiveDate;
use onestop_domain::lifecycle::{CaseEvent, CaseFlow, CaseStatus, Transition};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The `kind` of a [`crate::Change`].
pub mod change_kind {
    /// Payload: [`crate::CaseConfirmed`]. The server stored a `case.snapshot` and recomputed its
    /// deadline.
    pub const CASE_CONFIRMED: &str = "case.confirmed";
    /// Payload: [`crate::CaseStatusChanged`]. The server moved the case (or one of its parts).
    pub const CASE_STATUS: &str = "case.status";
}

/// `case.confirmed`: what the server holds after a window's snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseConfirmed {
    pub acceptance_number: String,
    #[schema(value_type = String)]
    pub status: CaseStatus,
    /// The promised date as the server computed it with its calendar.
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    /// The server's version of the case (0 until the server takes an action itself).
    pub version: u64,
}

/// `case.status`: the server took an action on the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseStatusChanged {
    #[schema(value_type = String)]
    pub status: CaseStatus,
    /// The whole server-owned flow after the action.
    #[schema(value_type = Object)]
    pub flow: CaseFlow,
    /// The events of this action, in order (a second one when the last part concluded a bundle).
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<CaseEvent>,
    /// The account that acted.
    pub actor: String,
    /// The acting clerk's name and window, for what a window prints in their name: the 受理 or
    /// 不予受理 notice of a case a village forwarded names the window that decided it (art. 32).
    /// Absent from servers before this field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_window: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    pub version: u64,
}

/// `POST /v1/cases/{case_id}/actions` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseActionRequest {
    /// The action, as `onestop_domain::lifecycle::Transition` (`{"action": "handle", "opinion": "…"}`).
    #[schema(value_type = Object)]
    pub transition: Transition,
    /// The `impl_code` of the part of a 一件事 case the action is for; `None` for the whole case.
    pub part: Option<String>,
    /// The case version the approver saw; a stale one gets 409 `case.version_conflict`.
    pub expected_version: Option<u64>,
}

/// A case as the server holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseView {
    pub case_id: String,
    pub acceptance_number: String,
    pub window_id: String,
    pub county_code: String,
    pub item_impl_code: String,
    pub department: String,
    #[schema(value_type = String)]
    pub status: CaseStatus,
    #[schema(value_type = Object)]
    pub flow: CaseFlow,
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    pub version: u64,
}

/// One line of an inbox: a case, or one part of a 一件事 case, waiting for the reader's step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InboxEntry {
    pub case_id: String,
    pub acceptance_number: String,
    pub item_impl_code: String,
    /// The part's `impl_code` when the line is one part of a bundle.
    pub part: Option<String>,
    pub department: String,
    #[schema(value_type = String)]
    pub status: CaseStatus,
    pub due_on: Option<NaiveDate>,
    pub version: u64,
    /// The applicant's name, by which a clerk matches the paper materials an agent brings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applicant_name: Option<String>,
}

/// `GET /v1/inbox` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Inbox {
    pub entries: Vec<InboxEntry>,
}
