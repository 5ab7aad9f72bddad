use async_trait::async_trait;
use chrono::Utc;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::NoTls;

use super::migrations::POSTGRES;
use super::{Store, StoreError, StoreKind, StoredCatalogue};

/// The regional store: PostgreSQL through a deadpool connection pool.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

/// Any constant works; it only has to be the same for every replica migrating the same database.
const MIGRATION_LOCK: i64 = 0x0_0E57_0F00;

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
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
            .max_size(16)
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
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT edition, etag, item_count, body, published_at
                 FROM catalogue_editions ORDER BY seq DESC LIMIT 1",
                &[],
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
