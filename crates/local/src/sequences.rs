//! Counters bumped inside the transaction of the row that uses them, so a crash can neither reuse
//! nor skip a committed value (ARCHITECTURE.md §4). The numbering rule itself (format, check
//! character, limits) is `onestop_domain::numbering`; this only remembers the last value.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// The last value of `name`, `None` when never used.
pub fn last(conn: &Connection, name: &str) -> Result<Option<u64>> {
    Ok(conn
        .query_row("SELECT value FROM sequences WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Records `value` as the last value of `name`. Call inside the transaction that uses it.
pub fn set(conn: &Connection, name: &str, value: u64) -> Result<()> {
    conn.execute(
        "INSERT INTO sequences (name, value) VALUES (?1, ?2)
         ON CONFLICT(name) DO UPDATE SET value = excluded.value",
        params![name, value],
    )?;
    Ok(())
}

/// Bumps `name` by one and returns the new value (1 for the first).
pub fn next(conn: &Connection, name: &str) -> Result<u64> {
    let value = last(conn, name)?.unwrap_or(0) + 1;
    set(conn, name, value)?;
    Ok(value)
}

/// The counter of acceptance numbers of one terminal on one day.
pub fn acceptance_key(terminal: &str, date: NaiveDate) -> String {
    format!("acceptance/{terminal}/{date}")
}

/// The counter of registration numbers of one terminal.
pub fn registration_key(terminal: &str) -> String {
    format!("registration/{terminal}")
}

/// The device's op counter (ARCHITECTURE.md §5.1: gapless per device).
pub const OUTBOX_KEY: &str = "outbox";
