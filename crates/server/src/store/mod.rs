//! Storage behind one small trait, with a SQLite and a PostgreSQL implementation. Handlers see
//! only `Arc<dyn Store>`; `open` picks the backend from the database string, as atuin does.
//! Rules are applied before a call reaches the store; each method is one transaction.

mod error;
mod migrations;
mod postgres;
mod sqlite;
mod types;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use onestop_protocol::{ChangesPage, PushResponse};

pub use error::StoreError;
pub use migrations::Migration;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use types::*;

/// Which backend a store is, as reported by `/v1/meta`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Sqlite,
    Postgres,
}

impl StoreKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreKind::Sqlite => "sqlite",
            StoreKind::Postgres => "postgres",
        }
    }
}

/// A catalogue edition as stored: the validated JSON body and its content hash (the ETag).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredCatalogue {
    pub edition: String,
    pub etag: String,
    pub item_count: u32,
    pub body: String,
    pub published_at: DateTime<Utc>,
}

#[async_trait]
pub trait Store: Send + Sync {
    fn kind(&self) -> StoreKind;

    /// Applies pending migrations, each in its own transaction; returns the names applied now.
    async fn migrate(&self) -> Result<Vec<String>, StoreError>;

    /// A cheap round trip, for `/healthz`.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Stores an edition unless one with the same ETag exists; returns whether it was new.
    async fn publish_catalogue(&self, catalogue: &StoredCatalogue) -> Result<bool, StoreError>;

    /// The newest published edition.
    async fn current_catalogue(&self) -> Result<Option<StoredCatalogue>, StoreError>;

    /// The newest published edition with this name.
    async fn catalogue_edition(&self, edition: &str)
        -> Result<Option<StoredCatalogue>, StoreError>;

    // ---- enrolment and auth ----

    /// Creates the window and its one-time code (stored as its sha256) in one transaction.
    async fn create_enrolment(
        &self,
        window: &WindowRow,
        code_hash: &str,
        expires_at: DateTime<Utc>,
        created_by: &str,
    ) -> Result<(), StoreError>;

    async fn window(&self, window_id: &str) -> Result<Option<WindowRow>, StoreError>;

    async fn windows(&self, county_code: &str) -> Result<Vec<WindowRow>, StoreError>;

    /// Spends the code and records the device with the next free terminal code of the county, in
    /// one transaction: two devices can never get the same code, nor one code two devices.
    async fn enroll(
        &self,
        code_hash: &str,
        device_id: &str,
        public_key: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Result<Device, EnrolFailure>, StoreError>;

    async fn device(&self, device_id: &str) -> Result<Option<Device>, StoreError>;

    /// Records a nonce; `false` when the device used it before (a replayed request). Nonces older
    /// than `forget_before` (Unix seconds) are pruned: their timestamps are refused anyway.
    async fn use_nonce(
        &self,
        device_id: &str,
        nonce: &str,
        now: i64,
        forget_before: i64,
    ) -> Result<bool, StoreError>;

    /// Fails with `StoreError::Conflict` (`user.username_taken`) for a taken username.
    async fn create_user(&self, user: &UserRow) -> Result<(), StoreError>;

    async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, StoreError>;

    async fn users(&self, county_code: &str) -> Result<Vec<UserRow>, StoreError>;

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        device_id: Option<&str>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError>;

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;

    // ---- sync ----

    /// §5.1 in one transaction: each op's ledger row `applied_ops(device_id, seq)` and its effect,
    /// the change-log entries, and the device's acked seq. A seq stored before with the same hash
    /// returns its stored result; with a different hash the whole push fails with
    /// `StoreError::SeqConflict` and nothing of it is kept.
    async fn ingest(
        &self,
        device: &Device,
        ops: Vec<PreparedOp>,
        now: DateTime<Utc>,
    ) -> Result<PushResponse, StoreError>;

    /// The change log of one window after `after`, at most `limit` entries. PostgreSQL serves only
    /// rows written by transactions older than every open one (`pg_snapshot_xmin`).
    async fn changes(
        &self,
        window_id: &str,
        after: u64,
        limit: u32,
    ) -> Result<ChangesPage, StoreError>;

    /// The highest change-log seq ever written (0 when empty): a cursor above it is stale (410).
    async fn change_log_head(&self) -> Result<u64, StoreError>;

    // ---- workflow ----

    async fn case(&self, case_id: &str) -> Result<Option<StoredCase>, StoreError>;

    /// Writes a server action and its change-log entry in one transaction. Returns the new version,
    /// or `None` when the case moved since `expected_version` (the caller answers 409).
    async fn update_case(&self, update: &CaseUpdate) -> Result<Option<u64>, StoreError>;

    async fn inbox(&self, query: &InboxQuery) -> Result<Vec<InboxRow>, StoreError>;

    /// Every case of a county received in `[from, to]` (for supervision).
    async fn cases_received(
        &self,
        county_code: &str,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<StoredCase>, StoreError>;

    /// The server's own actions on these cases: the payloads of their `case.status` change-log
    /// entries (written with each action, in one transaction), oldest first.
    async fn server_actions(&self, case_ids: &[String]) -> Result<Vec<ActionRow>, StoreError>;

    /// The case with this acceptance number (normalised, 21 characters).
    async fn case_by_number(&self, number: &str) -> Result<Option<StoredCase>, StoreError>;

    /// The normalised ID number of an applicant.
    async fn applicant_id_number(&self, applicant_id: &str) -> Result<Option<String>, StoreError>;

    // ---- attachments (§5.5) ----

    /// Inserts the upload unless one exists for its `(case_id, slot)`; returns the stored row
    /// (the existing one when there was one), so a client restarting resumes where it was.
    async fn create_upload(&self, upload: &UploadRow) -> Result<UploadRow, StoreError>;

    async fn upload(&self, upload_id: &str) -> Result<Option<UploadRow>, StoreError>;

    /// Moves the offset from `from` to `to` (and marks it complete at `completed_at`) only if it
    /// is still `from`; `false` when another writer moved it meanwhile.
    async fn advance_upload(
        &self,
        upload_id: &str,
        from: u64,
        to: u64,
        completed_at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError>;

    /// Starts the upload over at offset 0 with this length, sha256 and file name.
    async fn reset_upload(
        &self,
        upload_id: &str,
        length: u64,
        sha256: &str,
        file_name: &str,
    ) -> Result<(), StoreError>;

    /// Every upload of a case, by slot.
    async fn case_uploads(&self, case_id: &str) -> Result<Vec<UploadRow>, StoreError>;

    /// How many uploads are not complete (a gauge).
    async fn pending_uploads(&self) -> Result<u64, StoreError>;
}

/// Opens the store named by `database`: a `postgres://` URL, or else a SQLite file path.
pub async fn open(database: &str) -> Result<Arc<dyn Store>, StoreError> {
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(database).await?))
    } else {
        Ok(Arc::new(SqliteStore::open(database)?))
    }
}

/// Timestamps are stored as RFC 3339 text with microseconds on both backends.
pub(crate) fn sqlite_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub(crate) use sqlite::sync::replayed as replayed_result;

/// Cuts a page of `limit + 1` fetched changes to `limit` and sets the cursor.
pub(crate) fn page(
    mut changes: Vec<onestop_protocol::Change>,
    after: u64,
    limit: u32,
) -> ChangesPage {
    let has_more = changes.len() > limit as usize;
    changes.truncate(limit as usize);
    let next_cursor = changes.last().map_or(after, |c| c.seq);
    ChangesPage {
        changes,
        next_cursor,
        has_more,
    }
}
