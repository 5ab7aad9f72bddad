//! The window's own database (ARCHITECTURE.md §3): the SQLite schema and its migrations, the
//! repositories for catalogue items, applicants, cases, the append-only case timeline, the outbox,
//! attachments and acceptance-number sequences, search indexes, and the handling of the key that
//! encrypts the file at rest. It stores and finds; it does not decide. Whether a case may be
//! accepted or what its deadline is comes from `onestop-domain`, and orchestration of a use case
//! (one transaction per clerk action) is called from `onestop-desk`. No network and no UI here.

pub mod applicant_repo;
pub mod attachments;
pub mod case_repo;
pub mod catalogue_repo;
pub mod db;
mod error;
pub mod keystore;
pub mod numbers;
pub mod outbox;
pub mod search;
pub mod sequences;
pub mod settings;
pub mod sync_state;
pub mod timeline;

pub use db::open::{Db, DB_FILE};
pub use error::{LocalError, Result};
pub use keystore::{KeyStore, KeyringStore, MemoryKeyStore};
/// The SQLite library the store is built on (re-exported so tests and tools use the same one).
pub use rusqlite;
