use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// The protocol revision. Bumped only with a migration path for older clients.
pub const API_VERSION: u32 = 1;

/// `GET /healthz`: liveness plus enough to tell a client which server answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Health {
    /// Always `"ok"` when the server answers at all; a broken store answers 503 with an `ApiError`.
    pub status: String,
    pub version: String,
}

/// `GET /v1/meta`: the server's version and clock. Clients compare `server_time` with their own
/// clock to warn the clerk about a skewed PC clock (ARCHITECTURE.md §5.6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Meta {
    pub name: String,
    pub version: String,
    pub api_version: u32,
    #[ts(type = "string")]
    pub server_time: DateTime<Utc>,
    /// `sqlite` or `postgres`.
    pub store: String,
}
