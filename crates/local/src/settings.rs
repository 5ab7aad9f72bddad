//! The settings record: the window identity that enrolment fills, and small key-value settings.

use chrono::{DateTime, Utc};
use onestop_domain::catalogue::WindowLevel;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{LocalError, Result};

/// Who this window is. Written by enrolment (later issue); tests write it directly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowIdentity {
    /// GB/T 2260 code of the window's division (county, or a 9/12-digit township or village code).
    pub county_code: String,
    /// The 4-digit terminal code assigned by the server, unique in the county.
    pub terminal_code: String,
    pub window_name: String,
    pub level: WindowLevel,
    /// The window cases are carried to (a village window's township centre).
    pub parent_window: Option<String>,
}

fn level_str(level: WindowLevel) -> &'static str {
    match level {
        WindowLevel::County => "county",
        WindowLevel::Township => "township",
        WindowLevel::Village => "village",
    }
}

fn parse_level(s: &str) -> Result<WindowLevel> {
    match s {
        "county" => Ok(WindowLevel::County),
        "township" => Ok(WindowLevel::Township),
        "village" => Ok(WindowLevel::Village),
        other => Err(LocalError::Corrupt {
            detail: format!("窗口层级 {other}"),
        }),
    }
}

pub fn window_identity(conn: &Connection) -> Result<Option<WindowIdentity>> {
    let row = conn
        .query_row(
            "SELECT county_code, terminal_code, window_name, level, parent_window
             FROM window_identity WHERE id = 1",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            },
        )
        .optional()?;
    row.map(
        |(county_code, terminal_code, window_name, level, parent_window)| {
            Ok(WindowIdentity {
                county_code,
                terminal_code,
                window_name,
                level: parse_level(&level)?,
                parent_window,
            })
        },
    )
    .transpose()
}

pub fn set_window_identity(
    conn: &Connection,
    id: &WindowIdentity,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO window_identity (id, county_code, terminal_code, window_name, level, parent_window, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(id) DO UPDATE SET county_code = excluded.county_code,
             terminal_code = excluded.terminal_code, window_name = excluded.window_name,
             level = excluded.level, parent_window = excluded.parent_window,
             updated_at = excluded.updated_at",
        params![
            id.county_code,
            id.terminal_code,
            id.window_name,
            level_str(id.level),
            id.parent_window,
            now.to_rfc3339()
        ],
    )?;
    Ok(())
}

pub fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The device id (UUIDv7), made once on the first start.
pub fn ensure_device_id(conn: &Connection) -> Result<String> {
    if let Some(id) = get(conn, "device_id")? {
        return Ok(id);
    }
    let id = uuid::Uuid::now_v7().to_string();
    set(conn, "device_id", &id)?;
    Ok(id)
}
