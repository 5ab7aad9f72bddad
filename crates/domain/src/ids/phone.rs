//! Mainland phone numbers: mobile (11 digits, `1[3-9]…`) and landline (area code + local number).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{trim_ascii_ws, IdError, IdType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Mobile,
    Landline,
}

/// A validated phone number in normal form: mobile `13800138000`, landline `0571-00001101`
/// (with `-ext` when an extension was given).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone {
    kind: PhoneKind,
    value: String,
}

fn bad_format(detail: &'static str) -> IdError {
    IdError::BadFormat {
        id_type: IdType::Phone,
        detail,
    }
}

fn bad_length(actual: usize, expected: &'static str) -> IdError {
    IdError::BadLength {
        id_type: IdType::Phone,
        actual,
        expected,
    }
}

impl Phone {
    /// Accepts `13800138000`, `+86 13800138000`, `+86-13800138000`, `0571-00001101`,
    /// `057100001101`, `010-12345678` and a landline extension `0571-00001101-123`.
    /// Inner spaces and full-width characters are refused, as for every identifier.
    pub fn parse(input: &str) -> Result<Phone, IdError> {
        let mut s = trim_ascii_ws(input);
        for prefix in ["+86 ", "+86-", "+86"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest;
                break;
            }
        }
        if let Some((i, c)) = s
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_digit() || *c == '-'))
        {
            return Err(IdError::BadChar {
                id_type: IdType::Phone,
                ch: c,
                position: i + 1,
                rule: "只能包含半角数字和连字符“-”",
            });
        }
        match s.as_bytes().first() {
            Some(b'1') => Self::mobile(s),
            Some(b'0') => Self::landline(s),
            None => Err(bad_length(0, "11（手机）或 10～12（含区号的固定电话）")),
            _ => Err(bad_format(
                "手机号码以 1 开头共 11 位，固定电话须带以 0 开头的区号",
            )),
        }
    }

    fn mobile(s: &str) -> Result<Phone, IdError> {
        if s.contains('-') {
            return Err(bad_format("手机号码中不应有连字符"));
        }
        if s.len() != 11 {
            return Err(bad_length(s.len(), "11"));
        }
        if !matches!(s.as_bytes()[1], b'3'..=b'9') {
            return Err(bad_format("手机号码第二位应为 3～9"));
        }
        Ok(Phone {
            kind: PhoneKind::Mobile,
            value: s.to_owned(),
        })
    }

    fn landline(s: &str) -> Result<Phone, IdError> {
        let mut parts = s.split('-');
        let first = parts.next().unwrap_or_default();
        let (area, local, ext) = match (parts.next(), parts.next(), parts.next()) {
            (None, _, _) => {
                // No separator: 010 and 02x are the only three-digit area codes.
                let area_len = if s.starts_with("010") || s.starts_with("02") {
                    3
                } else {
                    4
                };
                if s.len() <= area_len {
                    return Err(bad_length(s.len(), "10～12（区号 + 7～8 位号码）"));
                }
                (&s[..area_len], &s[area_len..], None)
            }
            (Some(local), ext, None) => (first, local, ext),
            _ => return Err(bad_format("连字符过多")),
        };
        let three = area == "010" || (area.len() == 3 && area.starts_with("02"));
        let four = area.len() == 4 && !area.starts_with("01") && !area.starts_with("02");
        if !(three || four) {
            return Err(bad_format("区号应为 010、02X 或 4 位以 0 开头的号码"));
        }
        if !(7..=8).contains(&local.len()) {
            return Err(bad_length(local.len(), "7～8（不含区号）"));
        }
        let mut value = format!("{area}-{local}");
        if let Some(ext) = ext {
            if ext.is_empty() || ext.len() > 6 {
                return Err(bad_format("分机号应为 1～6 位数字"));
            }
            value.push('-');
            value.push_str(ext);
        }
        Ok(Phone {
            kind: PhoneKind::Landline,
            value,
        })
    }

    pub fn kind(&self) -> PhoneKind {
        self.kind
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Display form, e.g. `138****5678` or `0571-****1101`.
    pub fn masked(&self) -> String {
        super::mask_phone(&self.value)
    }
}

/// Short public service numbers such as 12345 (政务服务便民热线) or 12315, which an item may list
/// as its supervision phone but which are never a person's contact number.
pub fn is_service_hotline(input: &str) -> bool {
    let s = trim_ascii_ws(input);
    (3..=5).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s.starts_with('1') || s.starts_with("95"))
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl Serialize for Phone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value)
    }
}

impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Phone::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Coded;

    #[test]
    fn mobile_and_landline() {
        let m = Phone::parse(" +86 13800138000 ").unwrap();
        assert_eq!((m.kind(), m.as_str()), (PhoneKind::Mobile, "13800138000"));
        assert_eq!(m.masked(), "138****8000");
        let l = Phone::parse("057100001101").unwrap();
        assert_eq!(
            (l.kind(), l.as_str()),
            (PhoneKind::Landline, "0571-00001101")
        );
        assert_eq!(
            Phone::parse("010-12345678").unwrap().as_str(),
            "010-12345678"
        );
        assert_eq!(
            Phone::parse("0571-00001101-12").unwrap().as_str(),
            "0571-00001101-12"
        );
    }

    #[test]
    fn refusals() {
        assert_eq!(
            Phone::parse("1380013800").unwrap_err().code(),
            "phone.bad_length"
        );
        assert_eq!(
            Phone::parse("12800138000").unwrap_err().code(),
            "phone.bad_format"
        );
        assert_eq!(
            Phone::parse("138 0013 8000").unwrap_err().code(),
            "phone.bad_char"
        );
        assert_eq!(
            Phone::parse("１3800138000").unwrap_err().code(),
            "phone.bad_char"
        );
        assert_eq!(
            Phone::parse("0571-123").unwrap_err().code(),
            "phone.bad_length"
        );
        assert_eq!(
            Phone::parse("0123-1234567").unwrap_err().code(),
            "phone.bad_format"
        );
        assert_eq!(Phone::parse("").unwrap_err().code(), "phone.bad_length");
        assert_eq!(
            Phone::parse("12345").unwrap_err().code(),
            "phone.bad_length"
        );
        assert!(is_service_hotline("12345"));
        assert!(!is_service_hotline("0571-00001101"));
    }
}
