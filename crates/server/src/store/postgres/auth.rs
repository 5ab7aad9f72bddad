//! Windows, enrolment, devices, nonces, users and sessions on PostgreSQL.

use chrono::{DateTime, Utc};
use deadpool_postgres::Client;
use tokio_postgres::Row;

use crate::store::sqlite_ts as ts;
use crate::store::{Device, EnrolFailure, SessionRow, StoreError, UserRow, WindowRow};

fn parse_ts(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Query(format!("bad timestamp {s}: {e}")))
}

pub async fn create_enrolment(
    c: &mut Client,
    w: &WindowRow,
    code_hash: &str,
    expires_at: DateTime<Utc>,
    created_by: &str,
) -> Result<(), StoreError> {
    let tx = c.transaction().await?;
    tx.execute(
        "INSERT INTO windows (window_id, county_code, level, name, parent_window_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &w.window_id,
            &w.county_code,
            &w.level,
            &w.name,
            &w.parent_window_id,
            &ts(Utc::now()),
        ],
    )
    .await?;
    tx.execute(
        "INSERT INTO enrolment_codes (code_hash, window_id, expires_at, created_by)
         VALUES ($1, $2, $3, $4)",
        &[&code_hash, &w.window_id, &ts(expires_at), &created_by],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

fn window_row(r: &Row) -> WindowRow {
    WindowRow {
        window_id: r.get(0),
        county_code: r.get(1),
        level: r.get(2),
        name: r.get(3),
        parent_window_id: r.get(4),
    }
}

pub async fn window(c: &Client, id: &str) -> Result<Option<WindowRow>, StoreError> {
    Ok(c
        .query_opt(
            "SELECT window_id, county_code, level, name, parent_window_id FROM windows WHERE window_id = $1",
            &[&id],
        )
        .await?
        .map(|r| window_row(&r)))
}

pub async fn windows(c: &Client, county: &str) -> Result<Vec<WindowRow>, StoreError> {
    Ok(c.query(
        "SELECT window_id, county_code, level, name, parent_window_id FROM windows
             WHERE county_code = $1 ORDER BY window_id",
        &[&county],
    )
    .await?
    .iter()
    .map(window_row)
    .collect())
}

pub async fn enroll(
    c: &mut Client,
    code_hash: &str,
    device_id: &str,
    public_key: &[u8],
    now: DateTime<Utc>,
) -> Result<Result<Device, EnrolFailure>, StoreError> {
    let tx = c.transaction().await?;
    // FOR UPDATE: two devices racing with one code take turns; the second sees it used.
    let code = tx
        .query_opt(
            "SELECT e.window_id, e.expires_at, e.used_at, w.county_code, w.name, w.level
             FROM enrolment_codes e JOIN windows w ON w.window_id = e.window_id
             WHERE e.code_hash = $1 FOR UPDATE OF e",
            &[&code_hash],
        )
        .await?;
    let Some(code) = code else {
        return Ok(Err(EnrolFailure::UnknownCode));
    };
    let (window_id, expires_at, used_at): (String, String, Option<String>) =
        (code.get(0), code.get(1), code.get(2));
    let (county, name, level): (String, String, String) = (code.get(3), code.get(4), code.get(5));
    if used_at.is_some() {
        return Ok(Err(EnrolFailure::CodeUsed));
    }
    if parse_ts(&expires_at)? < now {
        return Ok(Err(EnrolFailure::CodeExpired));
    }
    let terminal: i64 = tx
        .query_one(
            "INSERT INTO county_terminals (county_code, last_terminal) VALUES ($1, 1)
             ON CONFLICT (county_code) DO UPDATE SET last_terminal = county_terminals.last_terminal + 1
             RETURNING last_terminal",
            &[&county],
        )
        .await?
        .get(0);
    let terminal = match u16::try_from(terminal) {
        Ok(t) if t <= onestop_domain::numbering::TerminalCode::MAX => t,
        _ => return Ok(Err(EnrolFailure::TerminalsExhausted)),
    };
    tx.execute(
        "INSERT INTO devices (device_id, window_id, county_code, terminal_code, public_key, enrolled_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[&device_id, &window_id, &county, &i64::from(terminal), &public_key, &ts(now)],
    )
    .await?;
    tx.execute(
        "UPDATE enrolment_codes SET used_at = $2, device_id = $3 WHERE code_hash = $1",
        &[&code_hash, &ts(now), &device_id],
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Device {
        device_id: device_id.to_string(),
        window_id,
        window_name: name,
        level,
        county_code: county,
        terminal_code: terminal,
        public_key: public_key.to_vec(),
    }))
}

pub async fn device(c: &Client, id: &str) -> Result<Option<Device>, StoreError> {
    let st = c
        .prepare_cached(
            "SELECT d.device_id, d.window_id, w.name, w.level, d.county_code, d.terminal_code, d.public_key
             FROM devices d JOIN windows w ON w.window_id = d.window_id WHERE d.device_id = $1",
        )
        .await?;
    Ok(c.query_opt(&st, &[&id]).await?.map(|r| Device {
        device_id: r.get(0),
        window_id: r.get(1),
        window_name: r.get(2),
        level: r.get(3),
        county_code: r.get(4),
        terminal_code: u16::try_from(r.get::<_, i64>(5)).unwrap_or(0),
        public_key: r.get(6),
    }))
}

pub async fn use_nonce(
    c: &Client,
    device_id: &str,
    nonce: &str,
    now: i64,
    forget_before: i64,
) -> Result<bool, StoreError> {
    let del = c
        .prepare_cached("DELETE FROM device_nonces WHERE seen_at < $1")
        .await?;
    c.execute(&del, &[&forget_before]).await?;
    let ins = c
        .prepare_cached(
            "INSERT INTO device_nonces (device_id, nonce, seen_at) VALUES ($1, $2, $3)
             ON CONFLICT (device_id, nonce) DO NOTHING",
        )
        .await?;
    Ok(c.execute(&ins, &[&device_id, &nonce, &now]).await? == 1)
}

pub async fn create_user(c: &Client, u: &UserRow) -> Result<(), StoreError> {
    let role = serde_json::to_string(&u.role)?;
    let n = c
        .execute(
            "INSERT INTO users (user_id, username, display_name, password_phc, role, county_code,
                                department, window_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (username) DO NOTHING",
            &[
                &u.user_id,
                &u.username,
                &u.display_name,
                &u.password_phc,
                &role,
                &u.county_code,
                &u.department,
                &u.window_id,
                &ts(Utc::now()),
            ],
        )
        .await?;
    if n == 0 {
        // Reported, never silently dropped.
        return Err(StoreError::Conflict {
            code: "user.username_taken",
            message: format!("用户名 {} 已被使用", u.username),
        });
    }
    Ok(())
}

const USER_COLUMNS: &str =
    "u.user_id, u.username, u.display_name, u.password_phc, u.role, u.county_code, u.department, u.window_id";

fn user_row(r: &Row) -> Result<UserRow, StoreError> {
    Ok(UserRow {
        user_id: r.get(0),
        username: r.get(1),
        display_name: r.get(2),
        password_phc: r.get(3),
        role: serde_json::from_str(r.get::<_, &str>(4))?,
        county_code: r.get(5),
        department: r.get(6),
        window_id: r.get(7),
    })
}

pub async fn user_by_name(c: &Client, name: &str) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.username = $1");
    c.query_opt(&sql, &[&name])
        .await?
        .map(|r| user_row(&r))
        .transpose()
}

pub async fn users(c: &Client, county: &str) -> Result<Vec<UserRow>, StoreError> {
    let sql =
        format!("SELECT {USER_COLUMNS} FROM users u WHERE u.county_code = $1 ORDER BY u.username");
    c.query(&sql, &[&county])
        .await?
        .iter()
        .map(user_row)
        .collect()
}

pub async fn session(c: &Client, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, s.device_id, s.expires_at FROM sessions s
         JOIN users u ON u.user_id = s.user_id WHERE s.token_hash = $1"
    );
    let st = c.prepare_cached(&sql).await?;
    c.query_opt(&st, &[&token_hash])
        .await?
        .map(|r| {
            Ok(SessionRow {
                user: user_row(&r)?,
                device_id: r.get(8),
                expires_at: parse_ts(r.get::<_, &str>(9))?,
            })
        })
        .transpose()
}
