//! A small migration runner (rusqlite 0.43 conflicts with rusqlite_migration and refinery over
//! the native link, ARCHITECTURE.md §9). Migrations are SQL files embedded in the binary; each is
//! applied in its own IMMEDIATE transaction together with its row in `schema_migrations`, so a
//! crash leaves every migration either fully applied or not at all.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::error::{LocalError, Result};

/// `(version, name, sql)`, in order. Never edit a published migration: add a new one.
pub const MIGRATIONS: &[(u32, &str, &str)] = &[
    (1, "init", include_str!("../../migrations/0001_init.sql")),
    (2, "sync", include_str!("../../migrations/0002_sync.sql")),
    (
        3,
        "outbox_queue",
        include_str!("../../migrations/0003_outbox_queue.sql"),
    ),
    (
        4,
        "server_decision",
        include_str!("../../migrations/0004_server_decision.sql"),
    ),
    (
        5,
        "server_flow",
        include_str!("../../migrations/0005_server_flow.sql"),
    ),
];

/// Applies every migration not yet recorded. Returns the versions applied now.
pub fn migrate(conn: &mut Connection, now: &str) -> Result<Vec<u32>> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TEXT NOT NULL
         ) STRICT;",
    )?;
    let mut applied = Vec::new();
    for &(version, name, sql) in MIGRATIONS {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Checked inside the write lock: another process may have applied it meanwhile.
        let done: Option<u32> = tx
            .query_row(
                "SELECT version FROM schema_migrations WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .optional()?;
        if done.is_some() {
            continue;
        }
        tx.execute_batch(sql).map_err(|e| LocalError::Migration {
            version,
            detail: e.to_string(),
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![version, name, now],
        )?;
        tx.commit()?;
        tracing::info!(version, name, "database migration applied");
        applied.push(version);
    }
    Ok(applied)
}

/// The highest applied version (0 for a new database).
pub fn current_version(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?)
}
