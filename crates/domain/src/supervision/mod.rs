//! 电子监察: deadlines and their yellow/red cards, deemed acceptance (art. 32) and the process
//! rules that need nothing beyond the case's own timeline.

mod acceptance;
mod deadline;
mod rules;
mod thresholds;

pub use acceptance::{effective_acceptance, AcceptanceDate};
pub use deadline::{
    case_deadline, deadline_state, due_date, paused_working_days, DeadlineState, DeadlineStatus,
};
pub use rules::{check_events, ProcessRule, Violation};
pub use thresholds::WarningThresholds;
