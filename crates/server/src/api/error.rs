use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use onestop_protocol::{ApiError, ErrorCode};

use crate::store::StoreError;

/// An error on its way out of a handler: the HTTP status and the one error shape.
#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub error: ApiError,
}

impl AppError {
    pub fn new(status: StatusCode, error: ApiError) -> Self {
        Self { status, error }
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, ApiError::new(code, message))
    }

    pub fn unprocessable(error: ApiError) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, error)
    }

    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ApiError::new(code, message))
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, ApiError::new(code, message))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(code = %self.error.code, message = %self.error.message, "request failed");
        }
        (self.status, Json(self.error)).into_response()
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        let status = match e {
            StoreError::SeqConflict { .. } | StoreError::Conflict { .. } => StatusCode::CONFLICT,
            _ => StatusCode::SERVICE_UNAVAILABLE,
        };
        AppError::new(status, e.to_api_error())
    }
}

pub async fn not_found() -> AppError {
    AppError::new(
        StatusCode::NOT_FOUND,
        ApiError::new(ErrorCode::NOT_FOUND, "请求的地址不存在"),
    )
}

/// Rewrites errors that axum and tower produce as plain text (413 from the body limit, 405, a
/// rejected JSON body) into `{code, message, details}`, so no client ever has to parse prose.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    // JSON errors and the citizen page's HTML are answers already.
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| {
            v.as_bytes().starts_with(b"application/json") || v.as_bytes().starts_with(b"text/html")
        });
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let detail = match axum::body::to_bytes(response.into_body(), 64 * 1024).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => String::new(),
    };
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (ErrorCode::PAYLOAD_TOO_LARGE, "请求内容过大"),
        StatusCode::NOT_FOUND => (ErrorCode::NOT_FOUND, "请求的地址不存在"),
        StatusCode::METHOD_NOT_ALLOWED => ("http.method_not_allowed", "不支持该请求方法"),
        // Only the request decompression layer answers 415 in plain text (see `compression`).
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "http.unsupported_encoding",
            "不支持该请求内容编码（仅支持 gzip）",
        ),
        s if s.is_server_error() => (ErrorCode::INTERNAL, "服务器内部错误"),
        _ => (ErrorCode::BAD_REQUEST, "请求格式不正确"),
    };
    let body = ApiError::new(code, message).with_details(serde_json::json!({ "reason": detail }));
    let mut out = Response::new(Body::from(
        serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec()),
    ));
    *out.status_mut() = status;
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    out
}
