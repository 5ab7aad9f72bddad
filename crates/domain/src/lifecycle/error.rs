use chrono::NaiveDate;

use super::{ActionKind, CaseStatus};
use crate::error::Coded;

/// Why an action on a case was refused, named so the clerk knows what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("“{}”由系统自动完成，不能手工执行", .action.label())]
    AutomaticTransition { action: ActionKind },
    #[error("操作日期 {on} 早于上一次操作的日期 {last}")]
    DateBeforePrevious { on: NaiveDate, last: NaiveDate },
    #[error("{role}无权执行“{}”", .action.label())]
    RoleNotPermitted {
        role: &'static str,
        action: ActionKind,
    },
    #[error("办件处于“{}”状态，不能执行“{}”", .from.label(), .action.label())]
    TransitionNotAllowed {
        from: CaseStatus,
        action: ActionKind,
    },
    #[error("补正告知只能一次性告知全部内容（行政许可法第三十二条），本件已告知过")]
    SupplementOnce,
    #[error("补正告知须列明需要补正的全部内容")]
    SupplementListEmpty,
    #[error(
        "补正告知期限已于 {due} 届满，依法自收件之日起即为受理（行政许可法第三十二条），请直接受理"
    )]
    SupplementNoticeOverdue { due: NaiveDate },
    #[error("逾期未作补正告知，本件已依法自收件之日起视为受理（行政许可法第三十二条），不能再作不予受理")]
    DeemedAccepted,
    #[error("只有即办件可以当场办结")]
    NotInstantItem,
    #[error("“{}”必须写明理由", .action.label())]
    ReasonRequired { action: ActionKind },
    #[error("“{}”必须写明法律依据", .action.label())]
    BasisRequired { action: ActionKind },
    #[error("本件已延长过一次期限，依法只能延长一次（行政许可法第四十二条）")]
    ExtensionAlreadyUsed,
    #[error("延长 {requested} 个工作日超过法定可延长的 {max} 个工作日（行政许可法第四十二条）")]
    ExtensionTooLong { requested: u32, max: u32 },
    #[error("本事项不能由村级代办员代办（须本人办理或不允许委托）")]
    ProxyNotPermitted,
    #[error("本事项不是“一件事”并联事项，没有可分送的部门")]
    NotABundle,
    #[error("“一件事”并联事项须先分送各部门，由各部门分别办理")]
    BundleMustDispatch,
    #[error("本件没有实施编码为 {impl_code} 的并联组成事项")]
    PartNotFound { impl_code: String },
    #[error("办件尚未分送并联部门，不能办理组成事项")]
    PartsNotDispatched,
    #[error("“{}”只能对整个办件执行，不能对组成事项执行", .action.label())]
    NotAPartAction { action: ActionKind },
}

impl Coded for TransitionError {
    fn code(&self) -> &'static str {
        match self {
            TransitionError::AutomaticTransition { .. } => "case.automatic_transition",
            TransitionError::DateBeforePrevious { .. } => "case.date_before_previous",
            TransitionError::RoleNotPermitted { .. } => "case.role_not_permitted",
            TransitionError::TransitionNotAllowed { .. } => "case.transition_not_allowed",
            TransitionError::SupplementOnce => "case.supplement_once",
            TransitionError::SupplementListEmpty => "case.supplement_list_empty",
            TransitionError::SupplementNoticeOverdue { .. } => "case.supplement_notice_overdue",
            TransitionError::DeemedAccepted => "case.deemed_accepted",
            TransitionError::NotInstantItem => "case.not_instant_item",
            TransitionError::ReasonRequired { .. } => "case.reason_required",
            TransitionError::BasisRequired { .. } => "case.basis_required",
            TransitionError::ExtensionAlreadyUsed => "case.extension_already_used",
            TransitionError::ExtensionTooLong { .. } => "case.extension_too_long",
            TransitionError::ProxyNotPermitted => "case.proxy_not_permitted",
            TransitionError::NotABundle => "case.not_a_bundle",
            TransitionError::BundleMustDispatch => "case.bundle_must_dispatch",
            TransitionError::PartNotFound { .. } => "case.part_not_found",
            TransitionError::PartsNotDispatched => "case.parts_not_dispatched",
            TransitionError::NotAPartAction { .. } => "case.not_a_part_action",
        }
    }
}
