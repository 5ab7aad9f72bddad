//! `GET /v1/changes?after=&limit=` (ARCHITECTURE.md §5.3).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use onestop_protocol::{ApiError, ChangesPage};
use serde::Deserialize;

use super::auth::Caller;
use super::{AppError, AppState};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ChangesQuery {
    /// The cursor: the `next_cursor` of the last page applied (0 at first).
    pub after: Option<u64>,
    /// At most this many changes (1–1000, default 100).
    pub limit: Option<u32>,
}

pub const MAX_LIMIT: u32 = 1000;

/// The changes the server made to the calling window's cases, after the cursor.
#[utoipa::path(
    get,
    path = "/v1/changes",
    tag = "sync",
    params(ChangesQuery),
    responses(
        (status = 200, description = "A page of changes", body = ChangesPage),
        (status = 400, description = "Bad cursor or limit", body = ApiError),
        (status = 401, description = "Unsigned request or no session", body = ApiError),
        (status = 410, description = "The cursor is ahead of the log: resync from zero", body = ApiError),
    )
)]
pub async fn changes(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ChangesQuery>,
) -> Result<axum::Json<ChangesPage>, AppError> {
    let (device, _) = caller.window()?;
    let after = q.after.unwrap_or(0);
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(AppError::bad_request(
            "sync.bad_limit",
            format!("limit 须在 1 至 {MAX_LIMIT} 之间"),
        ));
    }
    let page = state.store.changes(&device.window_id, after, limit).await?;
    if page.changes.is_empty() && after > 0 && after > state.store.change_log_head().await? {
        return Err(AppError::new(
            StatusCode::GONE,
            ApiError::new("sync.cursor_gone", "同步位置已失效，请从头重新同步"),
        ));
    }
    state.metrics.changes_served(page.changes.len());
    Ok(axum::Json(page))
}
