//! What the engine needs from the window's database, as traits: `onestop-desk` implements them
//! over `onestop-local`, tests over whatever they need. The engine never sees SQL.
//!
//! Implementations are blocking (SQLite); the engine calls them on tokio's blocking pool.

use onestop_protocol::{ApiError, ChangesPage, OpResult, RawOp};

/// A failure of the local side (database), as text for the log and the clerk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("本地数据库操作失败：{0}")]
pub struct PortError(pub String);

/// Counts for the status line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueStats {
    pub ops: u64,
    pub bytes: u64,
}

/// The outbox (ARCHITECTURE.md §5.1–§5.2).
pub trait OutboxPort: Send + Sync + 'static {
    /// Up to `limit` unacknowledged ops in seq order, leaving out every op of a case that has a
    /// rejected op still waiting for the clerk: one bad op holds back its own case, never others.
    /// Payloads come as the stored JSON text and go to the wire without being parsed.
    fn next_batch(&self, limit: usize) -> Result<Vec<RawOp>, PortError>;
    /// Stores the server's results, all in one transaction.
    fn record_results(&self, results: &[OpResult]) -> Result<(), PortError>;
    fn stats(&self) -> Result<QueueStats, PortError>;
}

/// The change log cursor and the cases it updates (§5.3).
pub trait ChangesPort: Send + Sync + 'static {
    fn cursor(&self) -> Result<u64, PortError>;
    /// Applies a page and stores `page.next_cursor` in one transaction. Returns a line per change
    /// the clerk should hear about (for example "result ready for collection").
    fn apply_page(&self, page: &ChangesPage) -> Result<Vec<String>, PortError>;
    /// After 410 Gone: forget the cursor so the next pull starts from zero.
    fn reset_cursor(&self) -> Result<(), PortError>;
}

/// A scan waiting for the server to confirm it, with what the engine needs to send it.
pub use crate::upload::UploadJob;

/// Attachments whose whole-file sha256 the server has not confirmed yet (§5.5).
pub trait UploadPort: Send + Sync + 'static {
    /// Every unconfirmed attachment, oldest first, with the path of its local copy.
    fn pending(&self) -> Result<Vec<UploadJob>, PortError>;
    /// Records `sent` bytes of `job`; `confirmed` once the server checked the whole file.
    fn record(&self, job: &UploadJob, sent: u64, confirmed: bool) -> Result<(), PortError>;
}

/// The window's catalogue cache (§5.4).
pub trait CataloguePort: Send + Sync + 'static {
    /// The ETag of the edition installed from the server, if any.
    fn etag(&self) -> Result<Option<String>, PortError>;
    /// Validates `body` whole and installs it with `etag` in one transaction. `Ok(Err(_))` when
    /// the edition is refused: nothing changed and the last good edition stays active.
    fn install(&self, body: &str, etag: &str) -> Result<Result<String, ApiError>, PortError>;
}
