use onestop_protocol::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("无法打开数据库：{0}")]
    Open(String),
    #[error("数据库迁移失败（{name}）：{reason}")]
    Migration { name: String, reason: String },
    #[error("数据库操作失败：{0}")]
    Query(String),
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Open(_) => "server.store_open",
            StoreError::Migration { .. } => "server.store_migration",
            StoreError::Query(_) => ErrorCode::STORE,
        }
    }

    pub fn to_api_error(&self) -> ApiError {
        ApiError::new(self.code(), self.to_string())
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Query(e.to_string())
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        StoreError::Query(e.to_string())
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Query(e.to_string())
    }
}
