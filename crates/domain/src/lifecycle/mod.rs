//! The case life cycle as an explicit state machine (收件 → 补正 → 受理 → 承办 → 审核 → 批准 →
//! 送达, with 不予受理, 即办件, 特别程序, 延期, 撤回 and 一件事 parts).
//!
//! Every action is a pure function of the case, the acting role, the action and the date: it
//! returns the new case and the events to record, or a [`TransitionError`] with a named reason.
//! Every move is checked against [`TRANSITIONS`].

mod error;
mod event;
mod flow;
mod parts;
mod status;
mod table;
mod transition;

pub use error::TransitionError;
pub use event::{Applied, CaseEvent};
pub use flow::{CaseFlow, CaseTerms, Extension, Pause};
pub use parts::PartFlow;
pub use status::{CaseStatus, ReviewStep, Role, ALL_STATUSES};
pub use table::{can_take, is_allowed, is_part_action, role_permits, TRANSITIONS};
pub use transition::{ActionKind, Channel, SpecialProcedure, Transition};
