//! A JSON body extractor whose rejections are `{code, message, details}` with status 400 (bad
//! JSON or wrong shape) or 415 (not JSON), so malformed input never reaches a handler. A gzip body
//! that inflates past the limit is 413 `http.decompressed_too_large` (see `compression`).

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use onestop_protocol::ApiError;
use serde::de::DeserializeOwned;

use super::compression::{too_large_once_inflated, CompressedBody};
use super::AppError;

pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let compressed = req.extensions().get::<CompressedBody>().copied();
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Json(v)),
            Err(rejection) => {
                let status = rejection.status();
                // The limit is enforced on the inflated stream, so this is the zip-bomb case.
                if let (StatusCode::PAYLOAD_TOO_LARGE, Some(marker)) = (status, compressed) {
                    return Err(too_large_once_inflated(marker));
                }
                let (status, code, message) = match status {
                    StatusCode::PAYLOAD_TOO_LARGE => (
                        status,
                        onestop_protocol::ErrorCode::PAYLOAD_TOO_LARGE,
                        "请求内容过大",
                    ),
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                        (status, "http.unsupported_media_type", "请求内容须为 JSON")
                    }
                    _ => (
                        StatusCode::BAD_REQUEST,
                        "http.bad_json",
                        "请求内容不是有效的 JSON 或字段不正确",
                    ),
                };
                Err(AppError::new(
                    status,
                    ApiError::new(code, message)
                        .with_details(serde_json::json!({ "reason": rejection.body_text() })),
                ))
            }
        }
    }
}
