//! Acceptance numbers (受理号) and registration numbers (登记号), both allocated offline on the
//! window's terminal (ARCHITECTURE.md §4) and both ending in an ISO 7064 MOD 11-2 check character
//! so a clerk catches a mistyped number on the phone.
//!
//! The plan's "one form, one number" (一表制、一号制): each applicant gets one registration number,
//! each application one acceptance number; one registration number has many acceptance numbers.

mod acceptance;
mod digits;
mod error;
mod registration;
mod terminal;

pub use acceptance::{next_acceptance_number, AcceptanceNumber, MAX_DAILY_SEQUENCE};
pub use error::{NumberType, NumberingError};
pub use registration::{next_registration_number, RegistrationNumber, MAX_SERIAL};
pub use terminal::TerminalCode;
