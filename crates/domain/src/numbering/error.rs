use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::Coded;
use crate::ids::IdErrorKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberType {
    Acceptance,
    Registration,
}

impl NumberType {
    pub fn label(self) -> &'static str {
        match self {
            NumberType::Acceptance => "受理号",
            NumberType::Registration => "登记号",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberingError {
    #[error("{}长度为 {actual} 位，应为 {expected}", .number.label())]
    BadLength {
        number: NumberType,
        actual: usize,
        expected: &'static str,
    },
    #[error("{}第 {position} 位是非法字符“{ch}”，{rule}", .number.label())]
    BadChar {
        number: NumberType,
        ch: char,
        position: usize,
        rule: &'static str,
    },
    #[error("受理号中的日期段 {digits} 不是真实日期")]
    BadDate { digits: String },
    #[error("{}校验码应为 {expected}，实际为 {actual}，请核对是否输错", .number.label())]
    BadCheck {
        number: NumberType,
        expected: char,
        actual: char,
    },
    #[error("{}中的流水号不能为 0", .number.label())]
    BadSequence { number: NumberType },
    #[error("终端码必须是 4 位半角数字（0000～9999），收到“{input}”")]
    BadTerminal { input: String },
    #[error("行政区划代码 {code} 不能用于编号：需要县级或以下的区划代码")]
    BadCounty { code: String },
    #[error("日期 {date} 超出受理号可表示的范围（2000～2099 年）")]
    DateOutOfRange { date: NaiveDate },
    #[error("终端 {terminal} 在 {date} 的受理号已用完（每日最多 9999 件），请改用其他终端或联系管理员分配新的终端码")]
    SequenceExhausted { terminal: String, date: NaiveDate },
    #[error("终端 {terminal} 的登记号已用完（最多 999999 个），请联系管理员分配新的终端码")]
    SerialExhausted { terminal: String },
}

impl NumberingError {
    /// The bare vector kind for parse errors (`bad_length`, …); `None` for allocation errors.
    pub fn kind(&self) -> Option<IdErrorKind> {
        match self {
            NumberingError::BadLength { .. } => Some(IdErrorKind::BadLength),
            NumberingError::BadChar { .. } => Some(IdErrorKind::BadChar),
            NumberingError::BadDate { .. } => Some(IdErrorKind::BadDate),
            NumberingError::BadCheck { .. } => Some(IdErrorKind::BadCheck),
            NumberingError::BadSequence { .. } => Some(IdErrorKind::BadFormat),
            _ => None,
        }
    }
}

impl Coded for NumberingError {
    fn code(&self) -> &'static str {
        use NumberType::{Acceptance as A, Registration as R};
        match self {
            NumberingError::BadLength { number: A, .. } => "number.bad_length",
            NumberingError::BadLength { number: R, .. } => "registration.bad_length",
            NumberingError::BadChar { number: A, .. } => "number.bad_char",
            NumberingError::BadChar { number: R, .. } => "registration.bad_char",
            NumberingError::BadDate { .. } => "number.bad_date",
            NumberingError::BadCheck { number: A, .. } => "number.bad_check",
            NumberingError::BadCheck { number: R, .. } => "registration.bad_check",
            NumberingError::BadSequence { number: A } => "number.bad_sequence",
            NumberingError::BadSequence { number: R } => "registration.bad_serial",
            NumberingError::BadTerminal { .. } => "number.bad_terminal",
            NumberingError::BadCounty { .. } => "number.bad_county",
            NumberingError::DateOutOfRange { .. } => "number.date_out_of_range",
            NumberingError::SequenceExhausted { .. } => "number.sequence_exhausted",
            NumberingError::SerialExhausted { .. } => "registration.serial_exhausted",
        }
    }
}
