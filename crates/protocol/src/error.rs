use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// The one error shape of Onestop: `{code, message, details}`.
///
/// `code` is a stable dotted string that programs switch on (`sync.server_unreachable`);
/// `message` is Chinese text written for the clerk; `details` carries structured context such as
/// per-field errors. It is defined once here so the server, `desk` and the UI agree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema, thiserror::Error)]
#[error("{message} ({code})")]
pub struct ApiError {
    pub code: String,
    pub message: String,
    #[serde(default)]
    #[ts(type = "unknown")]
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl ApiError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            details: serde_json::Value::Null,
        }
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// Stable codes that the transport layers produce themselves (not domain rules).
pub struct ErrorCode;

impl ErrorCode {
    pub const BAD_REQUEST: &'static str = "http.bad_request";
    pub const NOT_FOUND: &'static str = "http.not_found";
    pub const PAYLOAD_TOO_LARGE: &'static str = "http.payload_too_large";
    pub const INTERNAL: &'static str = "server.internal";
    pub const STORE: &'static str = "server.store";
    pub const SERVER_UNREACHABLE: &'static str = "sync.server_unreachable";
    pub const SERVER_BAD_RESPONSE: &'static str = "sync.bad_response";
    pub const CONFIG: &'static str = "desk.config";
}
