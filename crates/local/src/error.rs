//! The errors of the local store, each with a stable code and a Chinese message for the clerk.

use onestop_domain::Coded;

#[derive(Debug, thiserror::Error)]
pub enum LocalError {
    /// The database exists but its key is not in the keyring: never create a new empty database
    /// over it, the cases in it would be lost from view.
    #[error(
        "本机数据库的密钥在系统钥匙串中找不到，无法打开已有数据。请勿重新安装，联系管理员恢复密钥"
    )]
    KeyMissing,
    #[error("系统钥匙串不可用：{detail}")]
    KeyStore { detail: String },
    #[error("本机数据库无法用现有密钥打开（密钥不符或文件已损坏）")]
    BadKey,
    #[error("本机数据库错误：{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("本机数据库升级失败（第 {version} 号迁移）：{detail}")]
    Migration { version: u32, detail: String },
    #[error("本机数据格式错误：{0}")]
    Json(#[from] serde_json::Error),
    #[error("文件读写失败：{0}")]
    Io(#[from] std::io::Error),
    #[error("本窗口尚未完成注册（缺少区县代码、终端号等窗口信息），不能受理。请先完成窗口注册")]
    NotEnrolled,
    #[error("本机尚未安装事项目录")]
    NoCatalogue,
    #[error("事项目录中没有实施编码为 {impl_code} 的事项")]
    ItemNotFound { impl_code: String },
    #[error("找不到办件 {case_id}")]
    CaseNotFound { case_id: String },
    #[error("找不到申请人 {applicant_id}")]
    ApplicantNotFound { applicant_id: String },
    #[error("该证件号码已登记过申请人（登记号 {registration_number}）")]
    ApplicantExists { registration_number: String },
    #[error("本机数据有误：{detail}")]
    Corrupt { detail: String },
    #[error(transparent)]
    Numbering(#[from] onestop_domain::numbering::NumberingError),
    #[error(transparent)]
    Catalogue(#[from] onestop_domain::catalogue::CatalogueError),
}

impl Coded for LocalError {
    fn code(&self) -> &'static str {
        match self {
            LocalError::KeyMissing => "local.key_missing",
            LocalError::KeyStore { .. } => "local.keystore_unavailable",
            LocalError::BadKey => "local.bad_key",
            LocalError::Sqlite(_) => "local.db",
            LocalError::Migration { .. } => "local.migration_failed",
            LocalError::Json(_) => "local.bad_json",
            LocalError::Io(_) => "local.io",
            LocalError::NotEnrolled => "window.not_enrolled",
            LocalError::NoCatalogue => "catalogue.not_installed",
            LocalError::ItemNotFound { .. } => "catalogue.item_not_found",
            LocalError::CaseNotFound { .. } => "case.not_found",
            LocalError::ApplicantNotFound { .. } => "applicant.not_found",
            LocalError::ApplicantExists { .. } => "applicant.exists",
            LocalError::Corrupt { .. } => "local.corrupt",
            LocalError::Numbering(e) => e.code(),
            LocalError::Catalogue(e) => e.code(),
        }
    }
}

pub type Result<T, E = LocalError> = std::result::Result<T, E>;
