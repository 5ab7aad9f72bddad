//! The central approval server (ARCHITECTURE.md §6): the HTTP API the windows sync with, the
//! approval workflow, electronic supervision and the catalogue administration, over one `Store`
//! trait with SQLite (default) and PostgreSQL implementations. Wire types come from
//! `onestop-protocol` and every rule from `onestop-domain`; this crate owns transport, storage and
//! orchestration only. It never depends on the desktop crates (`local`, `sync`, `desk`).

pub mod api;
pub mod attachments;
pub mod auth;
pub mod catalogue_cache;
pub mod catalogue_import;
pub mod citizen;
pub mod config;
pub mod ingest;
pub mod store;
pub mod supervision;
pub mod telemetry;
pub mod workflow;

pub use config::ServerConfig;

/// The server's version, reported by `/healthz` and `/v1/meta`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Today in China (UTC+8), the date every rule of the law counts in.
pub fn today_cn(now: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    (now + chrono::Duration::hours(8)).date_naive()
}
