use axum::extract::State;
use axum::Json;
use onestop_protocol::{ApiError, Health};

use super::{AppError, AppState};
use crate::VERSION;

/// Liveness: answers `ok` only when the store answers too, so a window never reports 已连接 to a
/// server that cannot take its cases.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "meta",
    responses(
        (status = 200, description = "The server and its store are up", body = Health),
        (status = 503, description = "The store is unreachable", body = ApiError),
    )
)]
pub async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    state.store.ping().await?;
    Ok(Json(Health {
        status: "ok".to_string(),
        version: VERSION.to_string(),
    }))
}
