//! Storage behind one small trait, with a SQLite and a PostgreSQL implementation. Handlers see
//! only `Arc<dyn Store>`; `open` picks the backend from the database string, as atuin does.

mod error;
mod migrations;
mod postgres;
mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use error::StoreError;
pub use migrations::Migration;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

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
}

/// Opens the store named by `database`: a `postgres://` URL, or else a SQLite file path.
pub async fn open(database: &str) -> Result<Arc<dyn Store>, StoreError> {
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        Ok(Arc::new(PgStore::connect(database).await?))
    } else {
        Ok(Arc::new(SqliteStore::open(database)?))
    }
}
