//! Identifiers a window types every day: the citizen ID (GB 11643-1999), the unified social
//! credit code (GB 32100-2015), phone numbers and division codes (GB/T 2260 and the 12-digit
//! statistical codes), plus the masking used on screen and in logs.
//!
//! Every parser trims only ASCII space, TAB, CR and LF from the ends; anything else that is not
//! part of the code (U+3000, inner spaces, full-width digits) is an error, because silently
//! "fixing" an identifier would let two spellings of one person into the applicant library.

mod division;
mod error;
mod mask;
mod phone;
mod resident_id;
mod uscc;

pub use division::{DivisionCode, DivisionLevel, TownshipKind};
pub use error::{IdError, IdErrorKind, IdType};
pub use mask::{mask_personal_data, mask_phone, mask_resident_id};
pub use phone::{is_service_hotline, Phone, PhoneKind};
pub use resident_id::{ResidentId, Sex};
pub use uscc::Uscc;

/// Trim exactly what the conventions allow: ASCII space, TAB, CR and LF at either end.
pub(crate) fn trim_ascii_ws(input: &str) -> &str {
    input.trim_matches([' ', '\t', '\r', '\n'])
}
