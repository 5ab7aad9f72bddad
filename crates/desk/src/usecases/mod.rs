//! The acceptance work of a window, one module per use case. Each runs in one transaction: it
//! reads what it needs, asks `onestop_domain` whether the action is allowed, and writes the case,
//! its timeline entries and its outbox op together through `onestop_local`.

pub mod accept;
pub mod applicants;
pub mod attachments;
pub mod catalogue;
mod error;
pub mod instant;
pub mod materials;
mod new_case;
pub mod print;
pub mod proxy;
pub mod queries;
pub mod reject;
pub mod supplement;
mod types;
pub(crate) mod voucher_data;
pub mod withdraw;

pub use error::DeskError;
pub use types::{Actor, AttachmentInput, CaseDetail, Ctx, NewCaseInput};
