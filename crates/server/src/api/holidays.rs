use axum::http::HeaderMap;
use axum::response::Response;

use super::etag;

/// The working-day calendar the server computes deadlines with (official rest days and make-up
/// working days per published year), so every window counts the same days.
#[utoipa::path(
    get,
    path = "/v1/holidays",
    tag = "catalogue",
    params(("If-None-Match" = Option<String>, Header, description = "ETag of the calendar the client holds")),
    responses(
        (status = 200, description = "Rest days and make-up working days per year", content_type = "application/json"),
        (status = 304, description = "The client's calendar is current"),
    )
)]
pub async fn holidays(headers: HeaderMap) -> Response {
    let calendar: serde_json::Value =
        serde_json::from_str(onestop_domain::calendar::DEFAULT_JSON).unwrap_or_default();
    etag::json(&headers, &calendar)
}
