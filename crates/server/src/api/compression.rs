//! Request compression (docs/protocol.md "Request compression"): JSON bodies may arrive with
//! `Content-Encoding: gzip` (the sync client compresses `POST /v1/ops`).
//!
//! Order matters, and `router()` keeps it: authentication runs first and hashes the bytes as
//! they came over the wire, so a device signs what it sends (the compressed bytes). Only then is
//! the body inflated, as a stream, by tower-http; the JSON extractor reads the inflated stream
//! under the same `body_limit`, so a zip bomb stops at the limit with 413 instead of filling
//! memory.

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use onestop_protocol::ApiError;
use tower_http::decompression::RequestDecompressionLayer;

use super::{AppError, AppState};

/// The code of a body that is within the limit on the wire but not once inflated.
pub const DECOMPRESSED_TOO_LARGE: &str = "http.decompressed_too_large";

/// Inflates gzip request bodies; any other `Content-Encoding` (except `identity`) is answered
/// 415, which `error::json_errors` turns into `http.unsupported_encoding`.
pub fn request_decompression() -> RequestDecompressionLayer {
    RequestDecompressionLayer::new()
        .gzip(true)
        .no_deflate()
        .no_br()
        .no_zstd()
}

/// Set on requests whose body is compressed, before tower-http removes `Content-Encoding`, so the
/// JSON extractor can tell a zip bomb from a plain oversized body.
#[derive(Debug, Clone, Copy)]
pub struct CompressedBody {
    /// The limit the inflated body was held to.
    pub limit_bytes: usize,
}

/// Marks compressed requests with [`CompressedBody`]; runs just outside the decompression layer.
pub async fn mark_compressed(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let compressed = request
        .headers()
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| !v.as_bytes().eq_ignore_ascii_case(b"identity"));
    if compressed {
        request.extensions_mut().insert(CompressedBody {
            limit_bytes: state.config.body_limit,
        });
    }
    next.run(request).await
}

/// The 413 for a compressed body that inflates past the limit.
pub fn too_large_once_inflated(marker: CompressedBody) -> AppError {
    AppError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ApiError::new(DECOMPRESSED_TOO_LARGE, "请求内容解压后超过上限，已拒绝").with_details(
            serde_json::json!({ "limit_bytes": marker.limit_bytes, "content_encoding": "gzip" }),
        ),
    )
}
