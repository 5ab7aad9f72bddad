use onestop_protocol::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("无法打开数据库：{0}")]
    Open(String),
    #[error("数据库迁移失败（{name}）：{reason}")]
    Migration { name: String, reason: String },
    #[error("数据库操作失败：{0}")]
    Query(String),
    /// The same device seq arrived with different content (§5.1: 409).
    #[error("设备 {device_id} 的第 {seq} 号操作已用不同内容提交过，拒绝覆盖")]
    SeqConflict { device_id: String, seq: u64 },
    /// A unique key is taken (a username …).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Open(_) => "server.store_open",
            StoreError::Migration { .. } => "server.store_migration",
            StoreError::Query(_) => ErrorCode::STORE,
            StoreError::SeqConflict { .. } => "sync.seq_conflict",
            StoreError::Conflict { code, .. } => code,
        }
    }

    pub fn to_api_error(&self) -> ApiError {
        let e = ApiError::new(self.code(), self.to_string());
        match self {
            StoreError::SeqConflict { device_id, seq } => {
                e.with_details(serde_json::json!({ "device_id": device_id, "seq": seq }))
            }
            _ => e,
        }
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

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Query(format!("bad stored JSON: {e}"))
    }
}
