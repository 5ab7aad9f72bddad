use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use onestop_protocol::ApiError;

use super::{etag, AppError, AppState};

/// The current catalogue edition. The ETag is the sha256 of the content, so a window that already
/// has it gets 304 and no body (ARCHITECTURE.md §5.4).
#[utoipa::path(
    get,
    path = "/v1/catalogue",
    tag = "catalogue",
    params(("If-None-Match" = Option<String>, Header, description = "ETag of the edition the client holds")),
    responses(
        (status = 200, description = "The current edition", content_type = "application/json"),
        (status = 304, description = "The client's edition is current"),
        (status = 404, description = "No edition published yet", body = ApiError),
    )
)]
pub async fn current(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(cat) = state.store.current_catalogue().await? else {
        return Err(AppError::new(
            StatusCode::NOT_FOUND,
            ApiError::new("catalogue.none_published", "尚未发布事项目录"),
        ));
    };
    Ok(etag::respond(&headers, &cat.etag, cat.body))
}
