//! Division codes: 6 digits (GB/T 2260, county and above), 9 digits (township, assigned by the
//! provincial 民政 department under 民政部令第79号) and 12 digits (统计用区划代码 = 6 + township 3
//! + village 3).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{trim_ascii_ws, IdError, IdType};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DivisionLevel {
    Province,
    Prefecture,
    County,
    Township,
    Village,
}

/// The kind of township-level unit, from the first digit block of the township segment
/// (统计用区划代码 rules): 001–099 街道, 100–199 镇, 200–399 乡, 400–599 enterprise-run units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TownshipKind {
    SubDistrict,
    Town,
    Township,
    EnterpriseUnit,
    Other,
}

/// A validated division code, kept exactly as typed (6, 9 or 12 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivisionCode(String);

fn bad_format(detail: &'static str) -> IdError {
    IdError::BadFormat {
        id_type: IdType::Division,
        detail,
    }
}

impl DivisionCode {
    pub fn parse(input: &str) -> Result<DivisionCode, IdError> {
        let s = trim_ascii_ws(input);
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(IdError::BadChar {
                id_type: IdType::Division,
                ch: c,
                position: i + 1,
                rule: "只能是半角数字",
            });
        }
        if !matches!(s.len(), 6 | 9 | 12) {
            return Err(IdError::BadLength {
                id_type: IdType::Division,
                actual: s.chars().count(),
                expected: "6、9 或 12",
            });
        }
        if s.starts_with("00") {
            return Err(bad_format("省级代码不能为 00"));
        }
        if s.len() == 12 && &s[6..9] == "000" && &s[9..12] != "000" {
            return Err(bad_format("乡级代码为 000 时村级代码也必须为 000"));
        }
        if s.len() == 9 && &s[6..9] == "000" {
            return Err(bad_format("9 位乡级代码的后 3 位不能为 000"));
        }
        Ok(DivisionCode(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level the code names. A 12-digit code padded with zeros names the higher level
    /// (`990101000000` is the county 990101).
    pub fn level(&self) -> DivisionLevel {
        let s = self.0.as_str();
        let six = |c: &str| {
            if c.ends_with("0000") {
                DivisionLevel::Province
            } else if c.ends_with("00") {
                DivisionLevel::Prefecture
            } else {
                DivisionLevel::County
            }
        };
        match s.len() {
            6 => six(s),
            9 => DivisionLevel::Township,
            _ if &s[6..] == "000000" => six(&s[..6]),
            _ if &s[9..] == "000" => DivisionLevel::Township,
            _ => DivisionLevel::Village,
        }
    }

    /// The six-digit GB/T 2260 prefix (the county, for county-level and lower codes).
    pub fn county(&self) -> &str {
        &self.0[..6]
    }

    /// The 9-digit township prefix, when the code is at township level or below.
    pub fn township(&self) -> Option<&str> {
        matches!(
            self.level(),
            DivisionLevel::Township | DivisionLevel::Village
        )
        .then(|| &self.0[..9])
    }

    pub fn township_kind(&self) -> Option<TownshipKind> {
        let t = self.township()?;
        let n: u32 = t[6..9].parse().ok()?;
        Some(match n {
            1..=99 => TownshipKind::SubDistrict,
            100..=199 => TownshipKind::Town,
            200..=399 => TownshipKind::Township,
            400..=599 => TownshipKind::EnterpriseUnit,
            _ => TownshipKind::Other,
        })
    }

    /// The code with trailing zero blocks removed, used for containment.
    fn significant(&self) -> &str {
        let s = self.0.as_str();
        let mut end = s.len();
        if end == 12 && &s[9..12] == "000" {
            end = 9;
        }
        if end == 9 && &s[6..9] == "000" {
            end = 6;
        }
        if end == 6 && &s[4..6] == "00" {
            end = if &s[2..4] == "00" { 2 } else { 4 };
        }
        &s[..end]
    }

    /// Whether `other` lies inside this division (or is the same one). A village agent's scope,
    /// for instance, is checked this way.
    pub fn contains(&self, other: &DivisionCode) -> bool {
        other.significant().starts_with(self.significant())
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for DivisionCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for DivisionCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        DivisionCode::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Coded;

    fn d(s: &str) -> DivisionCode {
        DivisionCode::parse(s).unwrap()
    }

    #[test]
    fn levels() {
        assert_eq!(d("990101").level(), DivisionLevel::County);
        assert_eq!(d("990100").level(), DivisionLevel::Prefecture);
        assert_eq!(d("990000").level(), DivisionLevel::Province);
        assert_eq!(d("990101101").level(), DivisionLevel::Township);
        assert_eq!(d("990101101203").level(), DivisionLevel::Village);
        assert_eq!(d("990101101000").level(), DivisionLevel::Township);
        assert_eq!(d("990101000000").level(), DivisionLevel::County);
        assert_eq!(d("990101101203").township(), Some("990101101"));
        assert_eq!(d("990101101").township_kind(), Some(TownshipKind::Town));
        assert_eq!(d("990101").township(), None);
    }

    #[test]
    fn containment() {
        assert!(d("990101").contains(&d("990101101203")));
        assert!(d("990101000000").contains(&d("990101101")));
        assert!(d("990101101").contains(&d("990101101203")));
        assert!(!d("990101102").contains(&d("990101101203")));
        assert!(!d("990101101203").contains(&d("990101")));
        assert!(d("990100").contains(&d("990101")));
        assert!(!d("990101100").contains(&d("990101101203")));
    }

    #[test]
    fn refusals() {
        assert_eq!(
            DivisionCode::parse("99010").unwrap_err().code(),
            "division.bad_length"
        );
        assert_eq!(
            DivisionCode::parse("99O101").unwrap_err().code(),
            "division.bad_char"
        );
        assert_eq!(
            DivisionCode::parse("990101000203").unwrap_err().code(),
            "division.bad_format"
        );
        assert_eq!(
            DivisionCode::parse("990101000").unwrap_err().code(),
            "division.bad_format"
        );
    }
}
