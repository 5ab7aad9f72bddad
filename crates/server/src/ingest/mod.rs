//! Re-validation of every pushed op through `onestop-domain` (§5.1: the server never trusts the
//! client). Each op becomes a [`PreparedOp`] whose effect is either what to store or the stable
//! error it is rejected with; the store then writes ledger and effect in one transaction.

mod applicant;
mod case;

use std::sync::Arc;

use chrono::NaiveDate;
use onestop_domain::calendar::WorkCalendar;
use onestop_domain::catalogue::Catalogue;
use onestop_domain::lifecycle::CaseStatus;
use onestop_domain::Coded;
use onestop_protocol::{op_kind, ApiError, Op};

use crate::store::{Device, Effect, PreparedOp};

pub use case::validate_case;

/// The error an op is rejected with, from any domain error.
pub(crate) fn coded<E: Coded + std::fmt::Display>(e: &E) -> ApiError {
    ApiError::new(e.code(), e.to_string())
}

pub(crate) fn status_str(s: CaseStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// What validation needs besides the op: the catalogue edition the case names, the calendar and
/// the server's today (China time).
pub struct Context<'a> {
    pub device: &'a Device,
    pub catalogue: Option<Arc<Catalogue>>,
    pub calendar: &'a WorkCalendar,
    pub today: NaiveDate,
}

/// Validates one op. Envelope faults (wrong device, bad hash, unknown kind) and rule faults alike
/// become a rejection with a stable code, so one bad op never blocks the others.
pub fn prepare(op: Op, cx: &Context<'_>) -> PreparedOp {
    let effect = match check_envelope(&op) {
        Err(e) => Effect::Reject(e),
        Ok(()) => match op.kind.as_str() {
            op_kind::APPLICANT_UPSERT => applicant::validate(&op.payload, cx.today)
                .map_or_else(Effect::Reject, Effect::Applicant),
            op_kind::CASE_SNAPSHOT => validate_case(&op.payload, cx)
                .map_or_else(Effect::Reject, |row| Effect::Case(Box::new(row))),
            other => Effect::Reject(ApiError::new(
                "op.unknown_kind",
                format!("不认识的操作类型“{other}”"),
            )),
        },
    };
    PreparedOp {
        seq: op.seq,
        op_id: op.op_id,
        kind: op.kind,
        sha256: op.sha256,
        effect,
    }
}

fn check_envelope(op: &Op) -> Result<(), ApiError> {
    if !op.hash_matches() {
        return Err(ApiError::new(
            "op.bad_hash",
            "操作内容与其 sha256 不符，可能在传输或存储中损坏",
        ));
    }
    if uuid::Uuid::parse_str(&op.op_id).is_err() {
        return Err(ApiError::new("op.bad_op_id", "操作编号不是有效的 UUID"));
    }
    Ok(())
}

/// The checks that need the stored state, run by the store inside its transaction.
pub fn store_checks(
    case_id: &str,
    device: &Device,
    existing_owner: Option<&str>,
    number_owner: Option<&str>,
    applicant_known: bool,
) -> Option<ApiError> {
    if existing_owner.is_some_and(|d| d != device.device_id) {
        return Some(ApiError::new(
            "case.not_owner",
            "该办件由其他窗口终端创建，本终端不能修改",
        ));
    }
    if number_owner.is_some_and(|c| c != case_id) {
        return Some(ApiError::new(
            "case.number_taken",
            "该受理号已被另一办件使用，受理号不能重复",
        ));
    }
    if !applicant_known {
        return Some(ApiError::new(
            "case.applicant_unknown",
            "办件引用的申请人尚未同步到服务器，请先同步申请人",
        ));
    }
    None
}
