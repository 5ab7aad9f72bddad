//! Publishing a catalogue edition (administrator), and the windows directory.

use axum::extract::State;
use onestop_domain::catalogue::CatalogueError;
use onestop_domain::Coded;
use onestop_protocol::ApiError;
use serde::Serialize;

use super::auth::{same_county, Caller};
use super::{AppError, AppState};
use crate::auth::Perm;
use crate::catalogue_import;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Published {
    pub edition: String,
    pub etag: String,
    pub item_count: u32,
    /// `false` when the same content was already published.
    pub new: bool,
}

/// Publish a catalogue edition. It is validated by `domain` and refused whole if any item is bad
/// (422 `catalogue.invalid` with every problem in `details.problems`).
#[utoipa::path(
    put,
    path = "/v1/admin/catalogue",
    tag = "catalogue",
    request_body(content = Object, content_type = "application/json", description = "A catalogue edition"),
    responses(
        (status = 200, description = "Published (or already current)", body = Published),
        (status = 401, description = "Not signed in", body = ApiError),
        (status = 403, description = "Not an administrator of the catalogue's county", body = ApiError),
        (status = 422, description = "Refused whole", body = ApiError),
    )
)]
pub async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    body: String,
) -> Result<axum::Json<Published>, AppError> {
    let admin = caller.user(Perm::Administer)?;
    let edition = catalogue_import::prepare(&body).map_err(|e| {
        let details = match &e {
            CatalogueError::Invalid { problems } => serde_json::json!({
                "problems": problems.iter().map(|p| serde_json::json!({"code": p.code(), "message": p.message})).collect::<Vec<_>>()
            }),
            _ => serde_json::Value::Null,
        };
        AppError::unprocessable(ApiError::new(e.code(), e.to_string()).with_details(details))
    })?;
    let county: String = serde_json::from_str::<serde_json::Value>(&edition.body)
        .ok()
        .and_then(|v| {
            v.get("county_code")
                .and_then(|c| c.as_str())
                .map(str::to_string)
        })
        .unwrap_or_default();
    same_county(admin, &county)?;
    let new = state.store.publish_catalogue(&edition).await?;
    state.catalogues.clear();
    tracing::info!(edition = %edition.edition, etag = %edition.etag, new, "catalogue published");
    Ok(axum::Json(Published {
        edition: edition.edition,
        etag: edition.etag,
        item_count: edition.item_count,
        new,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WindowInfo {
    pub window_id: String,
    pub county_code: String,
    pub level: String,
    pub name: String,
    pub parent_window_id: Option<String>,
}

/// The windows of the caller's county.
#[utoipa::path(
    get,
    path = "/v1/windows",
    tag = "master-data",
    responses(
        (status = 200, description = "Windows", body = Vec<WindowInfo>),
        (status = 401, description = "Not signed in", body = ApiError),
    )
)]
pub async fn windows(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    caller: Caller,
) -> Result<axum::response::Response, AppError> {
    let user = caller.user(Perm::ReadDirectory)?;
    same_county(user, &user.county_code)?;
    let rows = state.store.windows(&user.county_code).await?;
    let list: Vec<WindowInfo> = rows
        .into_iter()
        .map(|w| WindowInfo {
            window_id: w.window_id,
            county_code: w.county_code,
            level: w.level,
            name: w.name,
            parent_window_id: w.parent_window_id,
        })
        .collect();
    Ok(super::etag::json(&headers, &list))
}
