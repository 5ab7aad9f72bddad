//! `applicant.upsert`: the identifiers are re-checked (GB 11643, GB 32100, registration number).

use chrono::NaiveDate;
use onestop_domain::ids::{Phone, ResidentId, Uscc};
use onestop_domain::numbering::RegistrationNumber;
use onestop_protocol::{ApiError, ApplicantKind, ApplicantRecord};

use super::coded;
use crate::store::ApplicantRow;

/// `a` as read from the op; `payload_json` is the payload's JSON text (canonical, as the op hash
/// took it), kept as the record.
pub fn validate(
    a: ApplicantRecord,
    payload_json: String,
    today: NaiveDate,
) -> Result<ApplicantRow, ApiError> {
    if uuid::Uuid::parse_str(&a.applicant_id).is_err() {
        return Err(ApiError::new(
            "applicant.bad_id",
            "申请人编号不是有效的 UUID",
        ));
    }
    let normalised = match a.kind {
        ApplicantKind::Person => ResidentId::parse(&a.id_number, today)
            .map_err(|e| coded(&e))?
            .as_str()
            .to_string(),
        ApplicantKind::Organisation => Uscc::parse(&a.id_number)
            .map_err(|e| coded(&e))?
            .as_str()
            .to_string(),
    };
    if normalised != a.id_number {
        return Err(ApiError::new(
            "applicant.not_normalised",
            "证件号码须以规范形式提交（去除空格，字母大写）",
        ));
    }
    if a.name.trim().is_empty() {
        return Err(ApiError::new(
            "applicant.name_missing",
            "申请人姓名或名称不能为空",
        ));
    }
    if let Some(phone) = &a.phone {
        Phone::parse(phone).map_err(|e| coded(&e))?;
    }
    RegistrationNumber::parse(&a.registration_number).map_err(|e| coded(&e))?;
    let kind = match a.kind {
        ApplicantKind::Person => "person",
        ApplicantKind::Organisation => "organisation",
    };
    Ok(ApplicantRow {
        applicant_id: a.applicant_id,
        kind: kind.to_string(),
        id_number: a.id_number,
        registration_number: a.registration_number,
        record_json: payload_json,
    })
}
