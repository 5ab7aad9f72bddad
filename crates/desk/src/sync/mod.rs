//! The window's side of sync: the device key and request signer, enrolment and sign-in, the
//! engine's ports over the window database, and the controls and status stream for the UI. The
//! engine itself is `onestop-sync`.

pub mod account;
pub mod catalogue;
pub mod control;
pub mod error;
pub mod link;
pub mod notices;
pub mod ports;
pub mod signer;
pub mod uploads;
