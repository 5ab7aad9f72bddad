//! `GET /v1/supervision/overview`: the 电子监察 figures of a county over a period (DOMAIN.md §6).
//! Every figure is computed with `onestop_domain::supervision`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Counts over a set of cases received in the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SupervisionCounts {
    /// 收件: received in the period.
    pub received: u64,
    /// 受理: of those, accepted (also by operation of law).
    pub accepted: u64,
    /// 办结: decided (approved, denied, concluded).
    pub completed: u64,
    /// Decided no later than the due date.
    pub on_time: u64,
    /// 超期: red card (decided late, or open past the due date).
    pub overdue: u64,
    /// Open and yellow card (near the due date).
    pub yellow: u64,
    /// 按时办结率: `on_time / completed`, `None` when nothing was completed.
    pub on_time_rate: Option<f64>,
}

/// The counts of one window, department or level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SupervisionGroup {
    /// The window id, the department name, or `county` / `township` / `village`.
    pub key: String,
    /// A name for people (the window's name; the key otherwise).
    pub label: String,
    pub counts: SupervisionCounts,
}

/// A case with a yellow or red card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FlaggedCase {
    pub case_id: String,
    pub acceptance_number: String,
    pub window_id: String,
    pub department: String,
    /// `yellow` or `red`.
    pub state: String,
    pub due: NaiveDate,
    /// Working days to the due date; negative when overdue.
    pub days_left: i64,
    pub decided: bool,
}

/// A process-rule violation (流程监察) found in a case's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ViolationEntry {
    pub case_id: String,
    pub acceptance_number: String,
    pub window_id: String,
    pub department: String,
    /// Stable code such as `supervision.step_skipped`.
    pub code: String,
    /// The rule's Chinese label.
    pub rule: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SupervisionOverview {
    pub county_code: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The day the cards were judged on (China time).
    pub as_of: NaiveDate,
    pub totals: SupervisionCounts,
    pub by_window: Vec<SupervisionGroup>,
    pub by_department: Vec<SupervisionGroup>,
    pub by_level: Vec<SupervisionGroup>,
    pub flagged: Vec<FlaggedCase>,
    pub violations: Vec<ViolationEntry>,
}
