//! Re-validation of every pushed op through `onestop-domain` (§5.1: the server never trusts the
//! client). Each op becomes a [`PreparedOp`] whose effect is either what to store or the stable
//! error it is rejected with; the store then writes ledger and effect in one transaction.

mod applicant;
mod canonical;
mod case;

use std::sync::Arc;

use chrono::NaiveDate;
use onestop_domain::calendar::WorkCalendar;
use onestop_domain::lifecycle::CaseStatus;
use onestop_domain::Coded;
use onestop_protocol::{op_kind, ApiError, ApplicantRecord, CaseSnapshot, RawOp};
use serde::Deserialize;

use crate::catalogue_cache::Edition;
use crate::store::{Device, Effect, PreparedOp};

pub use case::validate_case;

/// The error an op is rejected with, from any domain error.
pub(crate) fn coded<E: Coded + std::fmt::Display>(e: &E) -> ApiError {
    ApiError::new(e.code(), e.to_string())
}

pub(crate) fn status_str(s: CaseStatus) -> String {
    s.name().to_owned()
}

/// What validation needs besides the op: the catalogue edition the case names (with its item
/// hashes), the calendar and the server's today (China time).
pub struct Context<'a> {
    pub device: &'a Device,
    pub catalogue: Option<Arc<Edition>>,
    pub calendar: &'a WorkCalendar,
    pub today: NaiveDate,
}

/// `POST /v1/ops` as the server reads it: the body of [`onestop_protocol::PushRequest`] (the
/// type the API documents), with each payload kept as its JSON text. The payload is read once from
/// that text into its typed record, and its canonical form (for the op hash, and for storing) is
/// written from the same text, instead of building a `Value` tree and copying it twice.
#[derive(Debug, Deserialize)]
pub struct PushBody {
    /// The window sends [`RawOp`]s; the server reads them the same way.
    pub ops: Vec<RawOp>,
}

/// An op whose envelope was checked and whose payload was read, or the error it is rejected with.
pub struct ReadOp {
    seq: u64,
    op_id: String,
    kind: String,
    sha256: String,
    payload: Result<Payload, ApiError>,
}

enum Payload {
    /// The record and its canonical JSON.
    Applicant(Box<ApplicantRecord>, String),
    Case(Box<CaseSnapshot>, String),
}

impl ReadOp {
    /// The catalogue edition a readable case snapshot names.
    pub fn catalogue_edition(&self) -> Option<&str> {
        match &self.payload {
            Ok(Payload::Case(snap, _)) => Some(&snap.catalogue_edition),
            _ => None,
        }
    }
}

/// The checks of one op that need no catalogue: the envelope (bad hash, bad op id, unknown kind),
/// then the payload's shape. A fault becomes a rejection with a stable code, so one bad op never
/// blocks the others.
pub fn read(op: RawOp) -> ReadOp {
    let payload = read_payload(&op);
    ReadOp {
        seq: op.seq,
        op_id: op.op_id,
        kind: op.kind,
        sha256: op.sha256,
        payload,
    }
}

fn read_payload(op: &RawOp) -> Result<Payload, ApiError> {
    // The payload's canonical JSON is written once: the op hash is taken over it, and it is the
    // text the store keeps.
    let canonical = canonical::canonical_op(&op.kind, &op.payload).map_err(bad_payload)?;
    if canonical.op_hash != op.sha256 {
        return Err(ApiError::new(
            "op.bad_hash",
            "操作内容与其 sha256 不符，可能在传输或存储中损坏",
        ));
    }
    if uuid::Uuid::parse_str(&op.op_id).is_err() {
        return Err(ApiError::new("op.bad_op_id", "操作编号不是有效的 UUID"));
    }
    let text = op.payload.get();
    match op.kind.as_str() {
        op_kind::APPLICANT_UPSERT => serde_json::from_str(text)
            .map(|a| Payload::Applicant(a, canonical.payload_json))
            .map_err(|e| bad_payload_of("申请人数据格式不正确", e)),
        op_kind::CASE_SNAPSHOT => serde_json::from_str(text)
            .map(|c| Payload::Case(c, canonical.payload_json))
            .map_err(|e| bad_payload_of("办件数据格式不正确", e)),
        other => Err(ApiError::new(
            "op.unknown_kind",
            format!("不认识的操作类型“{other}”"),
        )),
    }
}

fn bad_payload(e: serde_json::Error) -> ApiError {
    bad_payload_of("操作内容不是可处理的 JSON", e)
}

fn bad_payload_of(message: &str, e: serde_json::Error) -> ApiError {
    ApiError::new("op.bad_payload", message)
        .with_details(serde_json::json!({ "reason": e.to_string() }))
}

/// Validates one read op through `onestop-domain` into what to store, or the rejection.
pub fn prepare(op: ReadOp, cx: &Context<'_>) -> PreparedOp {
    let effect = match op.payload {
        Err(e) => Effect::Reject(e),
        Ok(Payload::Applicant(a, json)) => {
            applicant::validate(*a, json, cx.today).map_or_else(Effect::Reject, Effect::Applicant)
        }
        Ok(Payload::Case(snap, json)) => case::validate(*snap, json, cx)
            .map_or_else(Effect::Reject, |row| Effect::Case(Box::new(row))),
    };
    PreparedOp {
        seq: op.seq,
        op_id: op.op_id,
        kind: op.kind,
        sha256: op.sha256,
        effect,
    }
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
