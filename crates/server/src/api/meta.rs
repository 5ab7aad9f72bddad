use axum::extract::State;
use axum::Json;
use chrono::Utc;
use onestop_protocol::{Meta, API_VERSION};

use super::AppState;
use crate::VERSION;

/// The server's version and clock.
#[utoipa::path(
    get,
    path = "/v1/meta",
    tag = "meta",
    responses((status = 200, description = "Version and server time", body = Meta))
)]
pub async fn meta(State(state): State<AppState>) -> Json<Meta> {
    Json(Meta {
        name: "onestop-server".to_string(),
        version: VERSION.to_string(),
        api_version: API_VERSION,
        server_time: Utc::now(),
        store: state.store.kind().as_str().to_string(),
    })
}
