use onestop_protocol::{ApiError, ErrorCode};

/// Why a request to the server did not give a usable answer.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("服务器地址无效：{0}")]
    InvalidUrl(String),
    /// No answer at all: refused, timed out, DNS, TLS. The window is offline as far as the clerk cares.
    #[error("无法连接服务器：{0}")]
    Unreachable(String),
    /// The server answered with its own `{code, message, details}` error.
    #[error("服务器返回错误：{}", .0.message)]
    Server(ApiError),
    /// Something answered, but not with what the protocol promises (a proxy page, a wrong port).
    #[error("服务器应答异常（HTTP {status}）")]
    BadResponse { status: u16 },
}

impl SyncError {
    pub fn code(&self) -> &str {
        match self {
            SyncError::InvalidUrl(_) => "sync.invalid_url",
            SyncError::Unreachable(_) => ErrorCode::SERVER_UNREACHABLE,
            SyncError::Server(e) => &e.code,
            SyncError::BadResponse { .. } => ErrorCode::SERVER_BAD_RESPONSE,
        }
    }

    pub fn to_api_error(&self) -> ApiError {
        match self {
            SyncError::Server(e) => e.clone(),
            other => ApiError::new(other.code(), other.to_string()),
        }
    }
}
