use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{CaseStatus, Role, Transition};

/// One entry of the case timeline (the store appends it to `case_events`, hash-chained).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub on: NaiveDate,
    pub role: Role,
    /// The `impl_code` of the part of a 一件事 case the event is about; `None` for the whole case.
    pub part: Option<String>,
    pub transition: Transition,
    /// `None` for the receipt that starts the case.
    pub from: Option<CaseStatus>,
    pub to: CaseStatus,
}

/// The result of a successful action: the new case and the events to record, in order. The first
/// event is the action's own; a second one appears when the action completed a 一件事 case
/// (`ConcludeParts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    pub flow: super::CaseFlow,
    pub events: Vec<CaseEvent>,
}
