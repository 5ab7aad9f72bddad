use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use onestop_protocol::ApiError;

use super::{AppError, AppState};

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
    let etag = format!("\"{}\"", cat.etag);
    let etag_value = HeaderValue::from_str(&etag).map_err(|_| {
        AppError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::new("server.internal", "目录标识无效"),
        )
    })?;
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response());
    }
    Ok((
        [
            (header::ETAG, etag_value),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
        ],
        cat.body,
    )
        .into_response())
}
