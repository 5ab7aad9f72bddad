//! What the screens receive: flat, labelled views built from the domain and the store, so the
//! UI renders text and numbers and decides nothing. Each type is mirrored to TypeScript by ts-rs
//! (`bindings.rs`).

mod applicant_view;
mod case_view;
mod home_view;
mod item_view;
mod timeline_label;

pub use applicant_view::{ApplicantLookup, ApplicantView, IdCheck, ProxyPower};
pub(crate) use case_view::state_name as case_view_state;
pub use case_view::{CaseRow, CaseView, DeadlineView, MaterialLine, ScanLine, TimelineLine};
pub use home_view::HomeSummary;
pub use item_view::{FieldView, ItemHit, ItemView, MaterialView};
pub(crate) use timeline_label::timeline_label;
