use serde::{Deserialize, Serialize};

use crate::error::Coded;

/// Which identifier an [`IdError`] is about; it gives the code prefix and the Chinese name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    ResidentId,
    Uscc,
    Phone,
    Division,
}

impl IdType {
    /// The Chinese name used in messages.
    pub fn label(self) -> &'static str {
        match self {
            IdType::ResidentId => "公民身份号码",
            IdType::Uscc => "统一社会信用代码",
            IdType::Phone => "电话号码",
            IdType::Division => "行政区划代码",
        }
    }
}

/// The bare error kind, as used by the test vectors (`bad_length`, …). `BadFormat` is used only
/// by phone numbers and division codes, whose structure is more than length, characters and a
/// check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdErrorKind {
    BadLength,
    BadChar,
    BadDate,
    FutureDate,
    BadCheck,
    BadFormat,
}

impl IdErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdErrorKind::BadLength => "bad_length",
            IdErrorKind::BadChar => "bad_char",
            IdErrorKind::BadDate => "bad_date",
            IdErrorKind::FutureDate => "future_date",
            IdErrorKind::BadCheck => "bad_check",
            IdErrorKind::BadFormat => "bad_format",
        }
    }
}

/// Why an identifier was refused. `Display` is the message for the clerk.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{}长度为 {actual} 位，应为 {expected} 位", .id_type.label())]
    BadLength {
        id_type: IdType,
        actual: usize,
        expected: &'static str,
    },
    #[error("{}第 {position} 位是非法字符“{ch}”，{rule}", .id_type.label())]
    BadChar {
        id_type: IdType,
        ch: char,
        /// 1-based, counted in characters after trimming.
        position: usize,
        rule: &'static str,
    },
    #[error("公民身份号码中的出生日期 {digits} 不是真实存在的日期")]
    BadDate { digits: String },
    #[error("公民身份号码中的出生日期 {birth} 晚于今天（{today}）")]
    FutureDate {
        birth: chrono::NaiveDate,
        today: chrono::NaiveDate,
    },
    #[error("{}校验码应为 {expected}，实际为 {actual}，请核对是否输错", .id_type.label())]
    BadCheck {
        id_type: IdType,
        expected: char,
        actual: char,
    },
    /// The GB 11714 check of the organisation code embedded in a USCC (characters 9–17).
    #[error("统一社会信用代码中的组织机构代码校验位应为 {expected}，实际为 {actual}")]
    BadOrgCodeCheck { expected: char, actual: char },
    #[error("{}格式不正确：{detail}", .id_type.label())]
    BadFormat {
        id_type: IdType,
        detail: &'static str,
    },
}

impl IdError {
    pub fn id_type(&self) -> IdType {
        match self {
            IdError::BadLength { id_type, .. }
            | IdError::BadChar { id_type, .. }
            | IdError::BadCheck { id_type, .. }
            | IdError::BadFormat { id_type, .. } => *id_type,
            IdError::BadDate { .. } | IdError::FutureDate { .. } => IdType::ResidentId,
            IdError::BadOrgCodeCheck { .. } => IdType::Uscc,
        }
    }

    /// The bare kind used by the vectors.
    pub fn kind(&self) -> IdErrorKind {
        match self {
            IdError::BadLength { .. } => IdErrorKind::BadLength,
            IdError::BadChar { .. } => IdErrorKind::BadChar,
            IdError::BadDate { .. } => IdErrorKind::BadDate,
            IdError::FutureDate { .. } => IdErrorKind::FutureDate,
            IdError::BadCheck { .. } | IdError::BadOrgCodeCheck { .. } => IdErrorKind::BadCheck,
            IdError::BadFormat { .. } => IdErrorKind::BadFormat,
        }
    }
}

impl Coded for IdError {
    fn code(&self) -> &'static str {
        use IdErrorKind as K;
        if let IdError::BadOrgCodeCheck { .. } = self {
            return "uscc.bad_org_code_check";
        }
        match (self.id_type(), self.kind()) {
            (IdType::ResidentId, K::BadLength) => "id.bad_length",
            (IdType::ResidentId, K::BadChar) => "id.bad_char",
            (IdType::ResidentId, K::BadDate) => "id.bad_date",
            (IdType::ResidentId, K::FutureDate) => "id.future_date",
            (IdType::ResidentId, K::BadCheck) => "id.bad_check",
            (IdType::ResidentId, K::BadFormat) => "id.bad_format",
            (IdType::Uscc, K::BadLength) => "uscc.bad_length",
            (IdType::Uscc, K::BadChar) => "uscc.bad_char",
            (IdType::Uscc, K::BadCheck) => "uscc.bad_check",
            (IdType::Uscc, _) => "uscc.bad_format",
            (IdType::Phone, K::BadLength) => "phone.bad_length",
            (IdType::Phone, K::BadChar) => "phone.bad_char",
            (IdType::Phone, _) => "phone.bad_format",
            (IdType::Division, K::BadLength) => "division.bad_length",
            (IdType::Division, K::BadChar) => "division.bad_char",
            (IdType::Division, _) => "division.bad_format",
        }
    }
}
