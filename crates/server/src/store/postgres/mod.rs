mod auth;
mod cases;
mod ingest;
mod ingest_columns;
mod ingest_plan;
mod sync;
mod uploads;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use onestop_protocol::{ChangesPage, PushResponse};
use tokio_postgres::NoTls;

use super::migrations::POSTGRES;
use super::{
    ActionRow, CaseUpdate, Device, EnrolFailure, InboxQuery, InboxRow, PreparedOp, SessionRow,
    Store, StoreError, StoreKind, StoredCase, StoredCatalogue, UploadRow, UserRow, WindowRow,
};

/// The regional store: PostgreSQL through a deadpool connection pool.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

/// Any constant works; it only has to be the same for every replica migrating the same database.
const MIGRATION_LOCK: i64 = 0x0_0E57_0F00;

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(url, 16).await
    }

    /// Connects with a pool of at most `max_size` connections.
    pub async fn connect_with(url: &str, max_size: usize) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Open(format!("数据库地址无效：{e}")))?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_size)
            .build()
            .map_err(|e| StoreError::Open(e.to_string()))?;
        // Fail at start, not at the first request, when the database is not there.
        drop(
            pool.get()
                .await
                .map_err(|e| StoreError::Open(e.to_string()))?,
        );
        Ok(Self { pool })
    }
}

#[async_trait]
impl Store for PgStore {
    fn kind(&self) -> StoreKind {
        StoreKind::Postgres
    }

    async fn migrate(&self) -> Result<Vec<String>, StoreError> {
        let mut client = self.pool.get().await?;
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (
                    version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)",
            )
            .await?;
        let mut applied = Vec::new();
        for m in POSTGRES {
            let tx = client.transaction().await?;
            // Replicas starting together take turns; the lock ends with the transaction.
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
                .await?;
            let done: bool = tx
                .query_one(
                    "SELECT EXISTS(SELECT 1 FROM schema_migrations WHERE version = $1)",
                    &[&m.version],
                )
                .await?
                .get(0);
            if done {
                continue;
            }
            tx.batch_execute(m.sql)
                .await
                .map_err(|e| StoreError::Migration {
                    name: m.name.to_string(),
                    reason: e.to_string(),
                })?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                &[&m.version, &m.name, &Utc::now()],
            )
            .await?;
            tx.commit().await?;
            applied.push(m.name.to_string());
        }
        Ok(applied)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client.query_one("SELECT 1", &[]).await?;
        Ok(())
    }

    async fn publish_catalogue(&self, cat: &StoredCatalogue) -> Result<bool, StoreError> {
        let client = self.pool.get().await?;
        let n = client
            .execute(
                "INSERT INTO catalogue_editions (edition, etag, item_count, body, published_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (etag) DO NOTHING",
                &[
                    &cat.edition,
                    &cat.etag,
                    &(cat.item_count as i32),
                    &cat.body,
                    &cat.published_at,
                ],
            )
            .await?;
        Ok(n == 1)
    }

    async fn current_catalogue(&self) -> Result<Option<StoredCatalogue>, StoreError> {
        self.read_catalogue(None).await
    }

    async fn catalogue_edition(
        &self,
        edition: &str,
    ) -> Result<Option<StoredCatalogue>, StoreError> {
        self.read_catalogue(Some(edition)).await
    }

    async fn create_enrolment(
        &self,
        window: &WindowRow,
        code_hash: &str,
        expires_at: DateTime<Utc>,
        created_by: &str,
    ) -> Result<(), StoreError> {
        let mut c = self.pool.get().await?;
        auth::create_enrolment(&mut c, window, code_hash, expires_at, created_by).await
    }

    async fn window(&self, window_id: &str) -> Result<Option<WindowRow>, StoreError> {
        let c = self.pool.get().await?;
        auth::window(&c, window_id).await
    }

    async fn windows(&self, county_code: &str) -> Result<Vec<WindowRow>, StoreError> {
        let c = self.pool.get().await?;
        auth::windows(&c, county_code).await
    }

    async fn enroll(
        &self,
        code_hash: &str,
        device_id: &str,
        public_key: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Result<Device, EnrolFailure>, StoreError> {
        let mut c = self.pool.get().await?;
        auth::enroll(&mut c, code_hash, device_id, public_key, now).await
    }

    async fn device(&self, device_id: &str) -> Result<Option<Device>, StoreError> {
        let c = self.pool.get().await?;
        auth::device(&c, device_id).await
    }

    async fn use_nonce(
        &self,
        device_id: &str,
        nonce: &str,
        now: i64,
        forget_before: i64,
    ) -> Result<bool, StoreError> {
        let c = self.pool.get().await?;
        auth::use_nonce(&c, device_id, nonce, now, forget_before).await
    }

    async fn create_user(&self, user: &UserRow) -> Result<(), StoreError> {
        let c = self.pool.get().await?;
        auth::create_user(&c, user).await
    }

    async fn user_by_name(&self, username: &str) -> Result<Option<UserRow>, StoreError> {
        let c = self.pool.get().await?;
        auth::user_by_name(&c, username).await
    }

    async fn users(&self, county_code: &str) -> Result<Vec<UserRow>, StoreError> {
        let c = self.pool.get().await?;
        auth::users(&c, county_code).await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        device_id: Option<&str>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let c = self.pool.get().await?;
        c.execute(
            "INSERT INTO sessions (token_hash, user_id, device_id, expires_at) VALUES ($1, $2, $3, $4)",
            &[&token_hash, &user_id, &device_id, &super::sqlite_ts(expires_at)],
        )
        .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>, StoreError> {
        let c = self.pool.get().await?;
        auth::session(&c, token_hash).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let c = self.pool.get().await?;
        c.execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash])
            .await?;
        Ok(())
    }

    async fn ingest(
        &self,
        device: &Device,
        ops: Vec<PreparedOp>,
        now: DateTime<Utc>,
    ) -> Result<PushResponse, StoreError> {
        let mut c = self.pool.get().await?;
        ingest::ingest(&mut c, device, ops, now).await
    }

    async fn changes(
        &self,
        window_id: &str,
        after: u64,
        limit: u32,
    ) -> Result<ChangesPage, StoreError> {
        let c = self.pool.get().await?;
        sync::changes(&c, window_id, after, limit).await
    }

    async fn change_log_head(&self) -> Result<u64, StoreError> {
        let c = self.pool.get().await?;
        let head: i64 = c
            .query_one("SELECT COALESCE(MAX(seq), 0)::BIGINT FROM change_log", &[])
            .await?
            .get(0);
        Ok(head.max(0) as u64)
    }

    async fn case(&self, case_id: &str) -> Result<Option<StoredCase>, StoreError> {
        let c = self.pool.get().await?;
        cases::case(&c, case_id).await
    }

    async fn update_case(&self, update: &CaseUpdate) -> Result<Option<u64>, StoreError> {
        let mut c = self.pool.get().await?;
        cases::update_case(&mut c, update).await
    }

    async fn inbox(&self, query: &InboxQuery) -> Result<Vec<InboxRow>, StoreError> {
        let c = self.pool.get().await?;
        cases::inbox(&c, query).await
    }

    async fn cases_received(
        &self,
        county_code: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<StoredCase>, StoreError> {
        let c = self.pool.get().await?;
        cases::cases_received(&c, county_code, from, to).await
    }

    async fn server_actions(&self, case_ids: &[String]) -> Result<Vec<ActionRow>, StoreError> {
        let c = self.pool.get().await?;
        cases::server_actions(&c, case_ids).await
    }

    async fn case_by_number(&self, number: &str) -> Result<Option<StoredCase>, StoreError> {
        let c = self.pool.get().await?;
        uploads::case_by_number(&c, number).await
    }

    async fn applicant_id_number(&self, applicant_id: &str) -> Result<Option<String>, StoreError> {
        let c = self.pool.get().await?;
        uploads::applicant_id_number(&c, applicant_id).await
    }

    async fn create_upload(&self, upload: &UploadRow) -> Result<UploadRow, StoreError> {
        let c = self.pool.get().await?;
        uploads::create(&c, upload).await
    }

    async fn upload(&self, upload_id: &str) -> Result<Option<UploadRow>, StoreError> {
        let c = self.pool.get().await?;
        uploads::get(&c, upload_id).await
    }

    async fn advance_upload(
        &self,
        upload_id: &str,
        from: u64,
        to: u64,
        completed_at: Option<DateTime<Utc>>,
    ) -> Result<bool, StoreError> {
        let c = self.pool.get().await?;
        uploads::advance(&c, upload_id, from, to, completed_at).await
    }

    async fn reset_upload(
        &self,
        upload_id: &str,
        length: u64,
        sha256: &str,
        file_name: &str,
    ) -> Result<(), StoreError> {
        let c = self.pool.get().await?;
        uploads::reset(&c, upload_id, length, sha256, file_name).await
    }

    async fn case_uploads(&self, case_id: &str) -> Result<Vec<UploadRow>, StoreError> {
        let c = self.pool.get().await?;
        uploads::of_case(&c, case_id).await
    }

    async fn pending_uploads(&self) -> Result<u64, StoreError> {
        let c = self.pool.get().await?;
        uploads::pending(&c).await
    }
}

impl PgStore {
    async fn read_catalogue(
        &self,
        edition: Option<&str>,
    ) -> Result<Option<StoredCatalogue>, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT edition, etag, item_count, body, published_at
                 FROM catalogue_editions WHERE $1::TEXT IS NULL OR edition = $1
                 ORDER BY seq DESC LIMIT 1",
                &[&edition],
            )
            .await?;
        Ok(row.map(|r| StoredCatalogue {
            edition: r.get(0),
            etag: r.get(1),
            item_count: r.get::<_, i32>(2).max(0) as u32,
            body: r.get(3),
            published_at: r.get(4),
        }))
    }
}
