//! The errors of the window's use cases and their conversion to `{code, message, details}`.
//! Domain and store errors keep their own codes; form errors travel in `details`.

use onestop_domain::catalogue::{CatalogueError, FieldError};
use onestop_domain::ids::IdError;
use onestop_domain::lifecycle::TransitionError;
use onestop_domain::Coded;
use onestop_local::timeline::ChainBreak;
use onestop_local::LocalError;
use onestop_protocol::ApiError;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Local(#[from] LocalError),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    Id(#[from] IdError),
    #[error("表单有 {} 处需要修改：{}", .0.len(), .0.first().map(|e| e.message.as_str()).unwrap_or(""))]
    Form(Vec<FieldError>),
    #[error("缺少必备材料：{}。可一次性告知补正{}", .names.join("、"), if *.waivable { "，或对允许容缺的材料办理容缺受理" } else { "" })]
    MaterialsMissing {
        ids: Vec<String>,
        names: Vec<String>,
        waivable: bool,
    },
    #[error("本事项不适用容缺受理，必备材料须齐全")]
    WaiverNotAllowed,
    #[error("容缺受理必须写明理由（材料 {material_id}）")]
    WaiverReasonRequired { material_id: String },
    #[error("本事项没有编号为 {material_id} 的材料")]
    UnknownMaterial { material_id: String },
    #[error("本窗口层级不能受理该事项")]
    LevelNotAccepted,
    #[error("本事项不允许委托代理人办理（行政许可法第二十九条）")]
    ProxyNotAllowed,
    #[error("委托书无效：{reason}")]
    ProxyInvalid { reason: String },
    #[error("村级代办员代办须录入委托人授权（委托书）")]
    ProxyRequired,
    #[error("一次性告知须列明全部缺少的必备材料，尚未列出：{}", .names.join("、"))]
    SupplementIncomplete { names: Vec<String> },
    #[error("表单中的证件号码与申请人登记的不一致")]
    ApplicantMismatch,
    #[error("办件记录校验未通过：{0}")]
    Tampered(ChainBreak),
    #[error("不能打印{kind}：{reason}")]
    VoucherNotApplicable {
        kind: &'static str,
        reason: &'static str,
    },
    #[error(transparent)]
    Receipt(#[from] onestop_receipt::ReceiptError),
    #[error(transparent)]
    Print(#[from] onestop_receipt::PrintError),
    #[error("尚未选择打印机：请在“设置”中选择本窗口的打印机")]
    NoPrinter,
    #[error("请先登录")]
    NotSignedIn,
    #[error("长时间未操作，已自动退出，请重新登录")]
    SessionExpired,
    #[error("连续输错密码次数过多，登录已锁定，请于 {} 后再试", onestop_domain::calendar::china_time::at(*.until).format("%H:%M"))]
    LockedOut {
        until: chrono::DateTime<chrono::Utc>,
    },
    #[error("用户名或密码错误")]
    BadPassword,
    #[error("无法连接服务器，且本机没有该用户有效的离线登录凭据（须先在线登录一次，离线登录有效期至凭据过期）")]
    NoOfflineLogin,
    #[error("后台任务异常：{0}")]
    Internal(String),
}

impl From<CatalogueError> for DeskError {
    fn from(e: CatalogueError) -> Self {
        DeskError::Local(LocalError::Catalogue(e))
    }
}

impl DeskError {
    pub fn code(&self) -> &'static str {
        match self {
            DeskError::Local(e) => e.code(),
            DeskError::Transition(e) => e.code(),
            DeskError::Id(e) => e.code(),
            DeskError::Form(_) => "form.invalid",
            DeskError::MaterialsMissing { .. } => "case.materials_missing",
            DeskError::WaiverNotAllowed => "case.waiver_not_allowed",
            DeskError::WaiverReasonRequired { .. } => "case.waiver_reason_required",
            DeskError::UnknownMaterial { .. } => "case.unknown_material",
            DeskError::LevelNotAccepted => "case.level_not_accepted",
            DeskError::ProxyNotAllowed => "proxy.not_allowed",
            DeskError::ProxyInvalid { .. } => "proxy.invalid_authorisation",
            DeskError::ProxyRequired => "proxy.required",
            DeskError::SupplementIncomplete { .. } => "case.supplement_incomplete",
            DeskError::ApplicantMismatch => "applicant.mismatch",
            DeskError::Tampered(_) => "case.timeline_tampered",
            DeskError::VoucherNotApplicable { .. } => "voucher.not_applicable",
            DeskError::Receipt(e) => onestop_domain::Coded::code(e),
            DeskError::Print(e) => onestop_domain::Coded::code(e),
            DeskError::NoPrinter => "print.no_printer",
            DeskError::NotSignedIn => "auth.not_signed_in",
            DeskError::SessionExpired => "auth.session_expired",
            DeskError::LockedOut { .. } => "auth.locked",
            DeskError::BadPassword => "auth.bad_password",
            DeskError::NoOfflineLogin => "auth.no_offline_login",
            DeskError::Internal(_) => "desk.internal",
        }
    }

    fn details(&self) -> serde_json::Value {
        match self {
            DeskError::Form(errors) => json!({ "fields": errors }),
            DeskError::MaterialsMissing {
                ids,
                names,
                waivable,
            } => {
                json!({ "materials": ids, "names": names, "waivable": waivable })
            }
            DeskError::SupplementIncomplete { names } => json!({ "names": names }),
            DeskError::LockedOut { until } => json!({ "until": until }),
            DeskError::Receipt(onestop_receipt::ReceiptError::MissingGlyph { chars }) => json!({
                "chars": chars.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                "code_points": chars.iter().map(|c| format!("U+{:04X}", u32::from(*c))).collect::<Vec<_>>(),
            }),
            DeskError::Local(LocalError::Catalogue(CatalogueError::Invalid { problems })) => {
                json!({ "problems": problems })
            }
            _ => serde_json::Value::Null,
        }
    }
}

impl From<DeskError> for ApiError {
    fn from(e: DeskError) -> ApiError {
        ApiError::new(e.code(), e.to_string()).with_details(e.details())
    }
}
