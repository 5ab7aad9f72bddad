mod auth;
mod cases;
pub(crate) mod sync;
mod uploads;

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use onestop_protocol::{ChangesPage, PushResponse};
use rusqlite::{params, Connection, OptionalExtension};

use super::migrations::{Migration, SQLITE};
use super::{
    ActionRow, CaseUpdate, Device, EnrolFailure, InboxQuery, InboxRow, PreparedOp, SessionRow,
    Store, StoreError, StoreKind, StoredCase, StoredCatalogue, UploadRow, UserRow, WindowRow,
};

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
            "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32000;",
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
        self.with_conn(|c| read_catalogue(c, None)).await
    }

    async fn catalogue_edition(
        &self,
        edition: &str,
    ) -> Result<Option<StoredCatalogue>, StoreError> {
        let edition = edition.to_string();
        self.with_conn(move |c| read_catalogue(c, Some(&edition)))
            .await
    }

    async fn create_enrolment(
        &self,
        window: &WindowRow,
        code_hash: &str,
        expires_at: DateTime<Utc>,
        created_by: &str,
    ) -> Result<(), StoreError> {
        let (w, h, by) = (
            window.clone(),
            code_hash.to_string(),
            created_by.to_string(),
        );
        self.with_conn(move |c| auth::create_enrolment(c, &w, &h, expires_at, &by))
            .await
    }

    async fn window(&self, window_id: &str) -> Result<Option<WindowRow>, StoreError> {
        let id = window_id.to_string();
        self.with_conn(move |c| auth::window(c, &id)).await
    }

    async fn windows(&self, county_code: &str) -> Result<Vec<WindowRow>, StoreError> {
        let county = county_code.to_string();
        self.with_conn(move |c| auth::windows(c, &county)).await
    }

    async fn enroll(
        &self,
        code_hash: &str,
        device_id: &str,
        public_key: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Result<Device, EnrolFailure>, StoreError> {
        let (h, d, k) = (
            code_hash.to_string(),
            device_id.to_string(),
            public_key.to_vec(),
        );
        self.with_conn(move |c| auth::enroll(c, &h, &d, &k, now))
            .await
    }

    async fn device(&self, device_id: &str) -> Result<Option<Device>, StoreError> {
        let id = device_id.to_string();
        self.with_conn(move |c| auth::device(c, &id)).await
    }

    async fn use_nonce(
        &self,
        device_id: &str,
        nonce: &str,
        now: i64,
        forget_before: i64,
    ) -> Result<bool, StoreError> {
        let (d, n) = (device_id.to_string(), nonce.to_string());
        self.with_conn(move |c| auth::use_nonce(c, &d, &n, now, forget_before))
            .await
    }

    async fn create_user(&self, user: &UserRow) -> Result<(), StoreError> {
        let u = user.clone();
        self.with_conn(move |c| auth::create_user(c, &u)).await
    }

    async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        let name = username.to_string();
        self.with_conn(move |c| auth::user_by_name(c, &name)).await
    }

    async fn users(&self, county_code: &str) -> Result<Vec<UserRow>, StoreError> {
        let county = county_code.to_string();
        self.with_conn(move |c| auth::users(c, &county)).await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        device_id: Option<&str>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (t, u, d) = (
            token_hash.to_string(),
            user_id.to_string(),
            device_id.map(str::to_string),
        );
        self.with_conn(move |c| auth::create_session(c, &t, &u, d.as_deref(), expires_at))
            .await
    }

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        let t = token_hash.to_string();
        self.with_conn(move |c| auth::session(c, &t)).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let t = token_hash.to_string();
        self.with_conn(move |c| {
            c.execute("DELETE FROM sessions WHERE token_hash = ?1", [t])?;
            Ok(())
        })
        .await
    }

    async fn ingest(
        &self,
        device: &Device,
        ops: Vec<PreparedOp>,
        now: DateTime<Utc>,
    ) -> Result<PushResponse, StoreError> {
        let d = device.clone();
        self.with_conn(move |c| sync::ingest(c, &d, ops, now)).await
    }

    async fn changes(
        &self,
        window_id: &str,
        after: u64,
        limit: u32,
    ) -> Result<ChangesPage, StoreError> {
        let w = window_id.to_string();
        self.with_conn(move |c| sync::changes(c, &w, after, limit))
            .await
    }

    async fn change_log_head(&self) -> Result<u64, StoreError> {
        self.with_conn(|c| {
            let head: i64 =
                c.query_row("SELECT COALESCE(MAX(seq), 0) FROM change_log", [], |r| {
                    r.get(0)
                })?;
            Ok(head.max(0) as u64)
        })
        .await
    }

    async fn case(&self, case_id: &str) -> Result<Option<StoredCase>, StoreError> {
        let id = case_id.to_string();
        self.with_conn(move |c| cases::case(c, &id)).await
    }

    async fn update_case(&self, update: &CaseUpdate) -> Result<Option<u64>, StoreError> {
        let u = update.clone();
        self.with_conn(move |c| cases::update_case(c, &u)).await
    }

    async fn inbox(&self, query: &InboxQuery) -> Result<Vec<InboxRow>, StoreError> {
        let q = query.clone();
        self.with_conn(move |c| cases::inbox(c, &q)).await
    }

    async fn cases_received(
        &self,
        county_code: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<StoredCase>, StoreError> {
        let county = county_code.to_string();
        self.with_conn(move |c| cases::cases_received(c, &county, from, to))
            .await
    }

    async fn server_actions(&self, case_ids: &[String]) -> Result<Vec<ActionRow>, StoreError> {
        let ids = case_ids.to_vec();
        self.with_conn(move |c| cases::server_actions(c, &ids))
            .await
    }

    async fn case_by_number(&self, number: &str) -> Result<Option<StoredCase>, StoreError> {
        let n = number.to_string();
        self.with_conn(move |c| uploads::case_by_number(c, &n))
            .await
    }

    async fn applicant_id_number(&self, applicant_id: &str) -> Result<Option<String>, StoreError> {
        let id = applicant_id.to_string();
        self.with_conn(move |c| uploads::applicant_id_number(c, &id))
            .await
    }

    async fn create_upload(&self, upload: &UploadRow) -> Result<UploadRow, StoreError> {
        let u = upload.clone();
        self.with_conn(move |c| uploads::create(c, &u)).await
    }

    async fn upload(&self, upload_id: &str) -> Result<Option<UploadRow>, StoreError> {
        let id = upload_id.to_string();
        self.with_conn(move |c| uploads::get(c, &id)).await
    }

    async fn advance_upload(
        &self,
        upload_id: &str,
        from: u64,
        to: u64,
        completed_at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        let id = upload_id.to_string();
        self.with_conn(move |c| uploads::advance(c, &id, from, to, completed_at))
            .await
    }

    async fn reset_upload(
        &self,
        upload_id: &str,
        length: u64,
        sha256: &str,
        file_name: &str,
    ) -> Result<(), StoreError> {
        let (id, h, n) = (
            upload_id.to_string(),
            sha256.to_string(),
            file_name.to_string(),
        );
        self.with_conn(move |c| uploads::reset(c, &id, length, &h, &n))
            .await
    }

    async fn case_uploads(&self, case_id: &str) -> Result<Vec<UploadRow>, StoreError> {
        let id = case_id.to_string();
        self.with_conn(move |c| uploads::of_case(c, &id)).await
    }

    async fn pending_uploads(&self) -> Result<u64, StoreError> {
        self.with_conn(|c| uploads::pending(c)).await
    }
}

fn read_catalogue(
    c: &Connection,
    edition: Option<&str>,
) -> Result<Option<StoredCatalogue>, StoreError> {
    {
        {
            let row = c
                .query_row(
                    "SELECT edition, etag, item_count, body, published_at
                     FROM catalogue_editions WHERE ?1 IS NULL OR edition = ?1
                     ORDER BY seq DESC LIMIT 1",
                    [edition],
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
        }
    }
}

pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

pub(crate) fn parse_ts(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Query(format!("bad timestamp {s}: {e}")))
}

pub(crate) fn parse_day(s: Option<String>) -> Result<Option<NaiveDate>, StoreError> {
    s.map(|d| {
        d.parse::<NaiveDate>()
            .map_err(|e| StoreError::Query(format!("bad date {d}: {e}")))
    })
    .transpose()
}
