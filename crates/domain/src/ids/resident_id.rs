//! Citizen identity number, GB 11643-1999: address code 6 (GB/T 2260) + birth date `YYYYMMDD`
//! + sequence 3 (odd = male) + check character (ISO 7064 MOD 11-2).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{trim_ascii_ws, IdError, IdType};
use crate::checksum::{mod11_2, mod11_2_char};

/// A validated, normalised citizen ID (18 ASCII characters, check `X` upper-case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentId {
    value: String,
    birth: NaiveDate,
}

/// Sex as encoded by the parity of the sequence code (GB 11643-1999 §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl ResidentId {
    /// Parse and normalise a citizen ID. `today` bounds the birth date: a birth date on `today`
    /// is valid, one after it is `future_date`. The caller passes the date in (this crate never
    /// reads the clock).
    ///
    /// Checks run in this order, so the clerk sees the most specific reason: length (in
    /// characters), characters, the birth date, the future date, then the check character.
    pub fn parse(input: &str, today: NaiveDate) -> Result<ResidentId, IdError> {
        let id = Self::parse_structure(input)?;
        if id.birth > today {
            return Err(IdError::FutureDate {
                birth: id.birth,
                today,
            });
        }
        Ok(id)
    }

    /// Everything except the future-date check; used when no "today" is meaningful (for example
    /// when reading back a value that was validated when it was stored).
    pub fn parse_structure(input: &str) -> Result<ResidentId, IdError> {
        let trimmed = trim_ascii_ws(input);
        let chars: Vec<char> = trimmed.chars().collect();
        if chars.len() != 18 {
            return Err(IdError::BadLength {
                id_type: IdType::ResidentId,
                actual: chars.len(),
                expected: "18",
            });
        }
        let mut digits = [0u8; 17];
        for (i, &c) in chars[..17].iter().enumerate() {
            // Only ASCII digits: full-width digits and spaces are refused, not converted.
            let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) else {
                return Err(IdError::BadChar {
                    id_type: IdType::ResidentId,
                    ch: c,
                    position: i + 1,
                    rule: "前 17 位必须全部是半角数字",
                });
            };
            digits[i] = d as u8;
        }
        let last = chars[17].to_ascii_uppercase();
        if !(last.is_ascii_digit() || last == 'X') {
            return Err(IdError::BadChar {
                id_type: IdType::ResidentId,
                ch: chars[17],
                position: 18,
                rule: "第 18 位只能是半角数字或 X",
            });
        }
        let date_digits: String = chars[6..14].iter().collect();
        let birth = parse_yyyymmdd(&digits[6..14]).ok_or(IdError::BadDate {
            digits: date_digits,
        })?;
        let expected = mod11_2_char(mod11_2(&digits));
        if expected != last {
            return Err(IdError::BadCheck {
                id_type: IdType::ResidentId,
                expected,
                actual: last,
            });
        }
        let mut value: String = chars[..17].iter().collect();
        value.push(last);
        Ok(ResidentId { value, birth })
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth
    }

    /// The first six digits: the GB/T 2260 address code of the place of first registration.
    pub fn address_code(&self) -> &str {
        &self.value[..6]
    }

    pub fn sex(&self) -> Sex {
        // The 17th character is the last digit of the sequence code; it is an ASCII digit here.
        let d = self.value.as_bytes()[16] - b'0';
        if d % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Display form for screens and logs, e.g. `110***********1233`.
    pub fn masked(&self) -> String {
        super::mask_resident_id(&self.value)
    }
}

/// `YYYYMMDD` digits to a real calendar date, or `None` (month 13, 30 February, 00 00 …).
pub(crate) fn parse_yyyymmdd(d: &[u8]) -> Option<NaiveDate> {
    let n = |s: &[u8]| s.iter().fold(0u32, |acc, &x| acc * 10 + u32::from(x));
    let year = i32::try_from(n(&d[0..4])).ok()?;
    NaiveDate::from_ymd_opt(year, n(&d[4..6]), n(&d[6..8]))
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl Serialize for ResidentId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value)
    }
}

impl<'de> Deserialize<'de> for ResidentId {
    /// Stored values were checked against the date they were entered, so reading them back
    /// checks the structure only.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ResidentId::parse_structure(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::IdErrorKind;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn parses_and_reports_fields() {
        let id = ResidentId::parse("11010119900307123x", today());
        // 123x is not the real check of this body; make sure the kind is right.
        assert_eq!(id.unwrap_err().kind(), IdErrorKind::BadCheck);
        let id = ResidentId::parse("110101199003071233", today()).unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1990, 3, 7).unwrap()
        );
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.address_code(), "110101");
        assert_eq!(id.masked(), "110***********1233");
    }

    #[test]
    fn u3000_is_not_trimmed() {
        let err = ResidentId::parse("\u{3000}110101199003071233", today()).unwrap_err();
        assert_eq!(err.kind(), IdErrorKind::BadLength);
    }

    #[test]
    fn serde_round_trip() {
        let id = ResidentId::parse("44030519880808008x", today()).unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"44030519880808008X\"");
        let back: ResidentId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
    }
}
