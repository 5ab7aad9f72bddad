//! The client side of the sync protocol (ARCHITECTURE.md §5): the HTTP client that talks to
//! `onestop-server`, and (as it grows) the engine that drains the outbox, pulls changes, refreshes
//! master data and uploads attachments with backoff. It speaks only `onestop-protocol` types over
//! reqwest with rustls. It holds no UI state and no Tauri code, and it does not own the window's
//! database schema (that is `onestop-local`); scheduling for the window lives in `onestop-desk`.

mod account;
pub mod backoff;
mod case_actions;
pub mod catalogue;
mod client;
pub mod clock;
pub mod compress;
pub mod engine;
mod error;
pub mod ports;
mod reconnect;
pub mod round;
mod round_uploads;
pub mod status;
pub mod transport;
pub mod upload;

pub use account::Answered;
pub use client::{Probe, ServerClient, MIN_UPLOAD_RATE};
pub use error::SyncError;
pub use round_uploads::ProgressSink;
