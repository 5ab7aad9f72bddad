//! Windows, enrolment, devices, nonces, users and sessions on SQLite.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{parse_ts, ts};
use crate::store::{Device, EnrolFailure, SessionRow, StoreError, UserRow, WindowRow};

pub fn create_enrolment(
    c: &mut Connection,
    w: &WindowRow,
    code_hash: &str,
    expires_at: DateTime<Utc>,
    created_by: &str,
) -> Result<(), StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO windows (window_id, county_code, level, name, parent_window_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            w.window_id,
            w.county_code,
            w.level,
            w.name,
            w.parent_window_id,
            ts(Utc::now())
        ],
    )?;
    tx.execute(
        "INSERT INTO enrolment_codes (code_hash, window_id, expires_at, created_by)
         VALUES (?1, ?2, ?3, ?4)",
        params![code_hash, w.window_id, ts(expires_at), created_by],
    )?;
    tx.commit()?;
    Ok(())
}

fn window_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<WindowRow> {
    Ok(WindowRow {
        window_id: r.get(0)?,
        county_code: r.get(1)?,
        level: r.get(2)?,
        name: r.get(3)?,
        parent_window_id: r.get(4)?,
    })
}

pub fn window(c: &Connection, id: &str) -> Result<Option<WindowRow>, StoreError> {
    Ok(c.query_row(
        "SELECT window_id, county_code, level, name, parent_window_id FROM windows WHERE window_id = ?1",
        [id],
        window_row,
    )
    .optional()?)
}

pub fn windows(c: &Connection, county: &str) -> Result<Vec<WindowRow>, StoreError> {
    let mut st = c.prepare_cached(
        "SELECT window_id, county_code, level, name, parent_window_id FROM windows
         WHERE county_code = ?1 ORDER BY window_id",
    )?;
    let rows = st.query_map([county], window_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn enroll(
    c: &mut Connection,
    code_hash: &str,
    device_id: &str,
    public_key: &[u8],
    now: DateTime<Utc>,
) -> Result<Result<Device, EnrolFailure>, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let code: Option<(String, String, Option<String>)> = tx
        .query_row(
            "SELECT window_id, expires_at, used_at FROM enrolment_codes WHERE code_hash = ?1",
            [code_hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((window_id, expires_at, used_at)) = code else {
        return Ok(Err(EnrolFailure::UnknownCode));
    };
    if used_at.is_some() {
        return Ok(Err(EnrolFailure::CodeUsed));
    }
    if parse_ts(&expires_at)? < now {
        return Ok(Err(EnrolFailure::CodeExpired));
    }
    let w = window(&tx, &window_id)?
        .ok_or_else(|| StoreError::Query(format!("window {window_id} missing")))?;
    let terminal: i64 = tx.query_row(
        "INSERT INTO county_terminals (county_code, last_terminal) VALUES (?1, 1)
         ON CONFLICT (county_code) DO UPDATE SET last_terminal = last_terminal + 1
         RETURNING last_terminal",
        [&w.county_code],
        |r| r.get(0),
    )?;
    let Ok(terminal) = u16::try_from(terminal) else {
        return Ok(Err(EnrolFailure::TerminalsExhausted));
    };
    if terminal > onestop_domain::numbering::TerminalCode::MAX {
        return Ok(Err(EnrolFailure::TerminalsExhausted));
    }
    tx.execute(
        "INSERT INTO devices (device_id, window_id, county_code, terminal_code, public_key, enrolled_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![device_id, window_id, w.county_code, terminal, public_key, ts(now)],
    )?;
    tx.execute(
        "UPDATE enrolment_codes SET used_at = ?2, device_id = ?3 WHERE code_hash = ?1",
        params![code_hash, ts(now), device_id],
    )?;
    tx.commit()?;
    Ok(Ok(Device {
        device_id: device_id.to_string(),
        window_id,
        window_name: w.name,
        level: w.level,
        county_code: w.county_code,
        terminal_code: terminal,
        public_key: public_key.to_vec(),
    }))
}

pub fn device(c: &Connection, id: &str) -> Result<Option<Device>, StoreError> {
    let mut st = c.prepare_cached(
        "SELECT d.device_id, d.window_id, w.name, w.level, d.county_code, d.terminal_code, d.public_key
         FROM devices d JOIN windows w ON w.window_id = d.window_id WHERE d.device_id = ?1",
    )?;
    Ok(st
        .query_row([id], |r| {
            Ok(Device {
                device_id: r.get(0)?,
                window_id: r.get(1)?,
                window_name: r.get(2)?,
                level: r.get(3)?,
                county_code: r.get(4)?,
                terminal_code: r.get(5)?,
                public_key: r.get(6)?,
            })
        })
        .optional()?)
}

pub fn use_nonce(
    c: &mut Connection,
    device_id: &str,
    nonce: &str,
    now: i64,
    forget_before: i64,
) -> Result<bool, StoreError> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.prepare_cached("DELETE FROM device_nonces WHERE seen_at < ?1")?
        .execute([forget_before])?;
    let n = tx
        .prepare_cached(
            "INSERT INTO device_nonces (device_id, nonce, seen_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (device_id, nonce) DO NOTHING",
        )?
        .execute(params![device_id, nonce, now])?;
    tx.commit()?;
    Ok(n == 1)
}

pub fn create_user(c: &mut Connection, u: &UserRow) -> Result<(), StoreError> {
    let role = serde_json::to_string(&u.role)?;
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let taken: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM users WHERE username = ?1)",
        [&u.username],
        |r| r.get(0),
    )?;
    if taken {
        return Err(StoreError::Conflict {
            code: "user.username_taken",
            message: format!("用户名 {} 已被使用", u.username),
        });
    }
    tx.execute(
        "INSERT INTO users (user_id, username, display_name, password_phc, role, county_code,
                            department, window_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            u.user_id,
            u.username,
            u.display_name,
            u.password_phc,
            role,
            u.county_code,
            u.department,
            u.window_id,
            ts(Utc::now())
        ],
    )?;
    tx.commit()?;
    Ok(())
}

const USER_COLUMNS: &str =
    "u.user_id, u.username, u.display_name, u.password_phc, u.role, u.county_code, u.department, u.window_id";

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(UserRow, String)> {
    Ok((
        UserRow {
            user_id: r.get(0)?,
            username: r.get(1)?,
            display_name: r.get(2)?,
            password_phc: r.get(3)?,
            role: onestop_domain::lifecycle::Role::Supervisor,
            county_code: r.get(5)?,
            department: r.get(6)?,
            window_id: r.get(7)?,
        },
        r.get(4)?,
    ))
}

fn with_role((mut u, role): (UserRow, String)) -> Result<UserRow, StoreError> {
    u.role = serde_json::from_str(&role)?;
    Ok(u)
}

pub fn user_by_name(c: &Connection, name: &str) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = ?1");
    c.query_row(&sql, [name], user_row)
        .optional()?
        .map(with_role)
        .transpose()
}

pub fn users(c: &Connection, county: &str) -> Result<Vec<UserRow>, StoreError> {
    let sql =
        format!("SELECT {USER_COLUMNS} FROM users u WHERE u.county_code = ?1 ORDER BY u.username");
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map([county], user_row)?;
    rows.map(|r| with_role(r?)).collect()
}

pub fn create_session(
    c: &Connection,
    token_hash: &str,
    user_id: &str,
    device_id: Option<&str>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO sessions (token_hash, user_id, device_id, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, user_id, device_id, ts(expires_at)],
    )?;
    Ok(())
}

pub fn session(c: &Connection, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, s.device_id, s.expires_at FROM sessions s
         JOIN users u ON u.user_id = s.user_id WHERE s.token_hash = ?1"
    );
    let mut st = c.prepare_cached(&sql)?;
    let row = st
        .query_row([token_hash], |r| {
            Ok((
                user_row(r)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, String>(9)?,
            ))
        })
        .optional()?;
    row.map(|(u, device_id, exp)| {
        Ok(SessionRow {
            user: with_role(u)?,
            device_id,
            expires_at: parse_ts(&exp)?,
        })
    })
    .transpose()
}
