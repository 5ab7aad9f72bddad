//! Errors of enrolment, sign-in and the sync controls, with stable codes for the UI.

use onestop_protocol::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum SyncSetupError {
    #[error("本机尚未在服务器登记，请先输入管理员发放的登记码")]
    NotEnrolled,
    #[error("请先登录，登录后自动开始同步")]
    NotSignedIn,
    #[error("本机已登记为 {terminal_code} 号终端，不能再次登记")]
    AlreadyEnrolled { terminal_code: String },
    #[error("本办件没有被服务器退回的数据，无需重试")]
    NothingToRetry,
}

impl SyncSetupError {
    pub fn code(&self) -> &'static str {
        match self {
            SyncSetupError::NotEnrolled => "sync.not_enrolled",
            SyncSetupError::NotSignedIn => "sync.not_signed_in",
            SyncSetupError::AlreadyEnrolled { .. } => "enrol.already_enrolled",
            SyncSetupError::NothingToRetry => "sync.nothing_to_retry",
        }
    }
}

impl From<SyncSetupError> for ApiError {
    fn from(e: SyncSetupError) -> Self {
        ApiError::new(e.code(), e.to_string())
    }
}
