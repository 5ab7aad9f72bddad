//! The wire format between the window client and the approval server, and the error shape that
//! crosses every boundary (HTTP, Tauri commands, the UI). Only serde data types and their golden
//! JSON tests belong here: no HTTP client or server code, no database, no business rule (rules live
//! in `onestop-domain`). Changing a type here changes the protocol, so every type is frozen by a
//! golden test in `tests/golden/`.

mod error;
mod meta;

pub use error::{ApiError, ErrorCode};
pub use meta::{Health, Meta, API_VERSION};
