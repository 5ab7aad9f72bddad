use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::migrations::{Migration, SQLITE};
use super::{Store, StoreError, StoreKind, StoredCatalogue};

/// The zero-configuration store: one SQLite file in WAL mode.
///
/// rusqlite is blocking, so every call runs on tokio's blocking pool. One connection behind a
/// mutex is enough for a county; writes to SQLite are serialised anyway.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl SqliteStore {
    pub fn open(path: &str) -> Result<Self, StoreError> {
        if let Some(parent) = Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError::Open(format!("{}: {e}", parent.display())))?;
        }
        let conn = Connection::open(path).map_err(|e| StoreError::Open(format!("{path}: {e}")))?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;",
        )
        .map_err(|e| StoreError::Open(format!("{path}: {e}")))?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    async fn with_conn<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock poisons it; the connection itself is still sound
            // because every write is transactional.
            let mut guard = conn.lock().unwrap_or_else(|p| p.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Query(format!("blocking task failed: {e}")))?
    }
}

fn apply_migrations(conn: &mut Connection, all: &[Migration]) -> Result<Vec<String>, StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )?;
    let mut applied = Vec::new();
    for m in all {
        // IMMEDIATE takes the write lock up front, so two processes cannot both apply a migration.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let done: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = ?1)",
            [m.version],
            |r| r.get(0),
        )?;
        if done {
            continue;
        }
        tx.execute_batch(m.sql).map_err(|e| StoreError::Migration {
            name: m.name.to_string(),
            reason: e.to_string(),
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![m.version, m.name, Utc::now().to_rfc3339()],
        )?;
        tx.commit()?;
        applied.push(m.name.to_string());
    }
    Ok(applied)
}

#[async_trait]
impl Store for SqliteStore {
    fn kind(&self) -> StoreKind {
        StoreKind::Sqlite
    }

    async fn migrate(&self) -> Result<Vec<String>, StoreError> {
        self.with_conn(|c| apply_migrations(c, SQLITE)).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.with_conn(|c| Ok(c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?))
            .await
            .map(|_| ())
    }

    async fn publish_catalogue(&self, cat: &StoredCatalogue) -> Result<bool, StoreError> {
        let cat = cat.clone();
        self.with_conn(move |c| {
            let n = c.execute(
                "INSERT INTO catalogue_editions (edition, etag, item_count, body, published_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (etag) DO NOTHING",
                params![
                    cat.edition,
                    cat.etag,
                    cat.item_count,
                    cat.body,
                    cat.published_at.to_rfc3339()
                ],
            )?;
            Ok(n == 1)
        })
        .await
    }

    async fn current_catalogue(&self) -> Result<Option<StoredCatalogue>, StoreError> {
        self.with_conn(|c| {
            let row = c
                .query_row(
                    "SELECT edition, etag, item_count, body, published_at
                     FROM catalogue_editions ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, u32>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                        ))
                    },
                )
                .optional()?;
            row.map(|(edition, etag, item_count, body, at)| {
                let published_at = DateTime::parse_from_rfc3339(&at)
                    .map_err(|e| StoreError::Query(format!("bad published_at {at}: {e}")))?
                    .with_timezone(&Utc);
                Ok(StoredCatalogue {
                    edition,
                    etag,
                    item_count,
                    body,
                    published_at,
                })
            })
            .transpose()
        })
        .await
    }
}
