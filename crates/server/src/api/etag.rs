//! Master data with ETags (ARCHITECTURE.md §5.4): the tag is the sha256 of the content, and a
//! client that sends it back in `If-None-Match` gets 304 and no body.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Whether `If-None-Match` names `etag` (quoted) or `*`.
pub fn client_has(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

/// `body` (JSON text) under the quoted tag `etag`, or 304 when the client already has it.
pub fn respond(headers: &HeaderMap, etag_hex: &str, body: String) -> Response {
    let etag = format!("\"{etag_hex}\"");
    // A hex digest is always a valid header value.
    let value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    if client_has(headers, &etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, value)]).into_response();
    }
    (
        [
            (header::ETAG, value),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
        ],
        body,
    )
        .into_response()
}

/// Serialises `value` and tags it with the sha256 of its canonical JSON.
pub fn json<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    let body = serde_json::to_string(value).unwrap_or_else(|_| "null".into());
    respond(headers, &onestop_domain::canonical::hash_of(value), body)
}
