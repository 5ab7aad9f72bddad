//! Unified social credit code, GB 32100-2015: registration authority 1 + organisation type 1 +
//! division code 6 (GB/T 2260) + organisation code 9 (GB 11714) + check character (MOD 31).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{trim_ascii_ws, IdError, IdType};

/// The GB 32100 code character set: digits and upper-case letters without I, O, Z, S and V,
/// valued 0..=30 in this order.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A validated, normalised (upper-case) unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

fn value_of(c: char) -> Option<u32> {
    CHARSET
        .iter()
        .position(|&b| char::from(b) == c)
        .map(|p| p as u32)
}

impl Uscc {
    /// Parse and normalise: trim ASCII whitespace, accept lower-case letters (upper-cased), then
    /// check the length, the GB 32100 character set and the MOD 31 check character.
    ///
    /// The embedded GB 11714 organisation-code check is *not* required here: the project's
    /// synthetic test codes (and some codes issued since 2015 by registration authorities that
    /// allocate the organisation segment themselves) do not satisfy it, and refusing a code the
    /// registration authority issued would stop a real applicant at the window. Use
    /// [`Uscc::parse_strict`] or [`Uscc::org_code_check_ok`] where the stricter rule is wanted.
    pub fn parse(input: &str) -> Result<Uscc, IdError> {
        let trimmed = trim_ascii_ws(input);
        let chars: Vec<char> = trimmed.chars().map(|c| c.to_ascii_uppercase()).collect();
        if chars.len() != 18 {
            return Err(IdError::BadLength {
                id_type: IdType::Uscc,
                actual: chars.len(),
                expected: "18",
            });
        }
        let mut sum: u32 = 0;
        let mut weight: u32 = 1;
        for (i, &c) in chars.iter().enumerate() {
            let Some(v) = value_of(c) else {
                return Err(IdError::BadChar {
                    id_type: IdType::Uscc,
                    ch: c,
                    position: i + 1,
                    rule: "代码字符集不含 I、O、Z、S、V 及全角字符",
                });
            };
            if i < 17 {
                // GB 32100 weights 3^(i-1) mod 31: 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
                sum += v * weight;
                weight = weight * 3 % 31;
            }
        }
        let expected = char::from(CHARSET[((31 - sum % 31) % 31) as usize]);
        if expected != chars[17] {
            return Err(IdError::BadCheck {
                id_type: IdType::Uscc,
                expected,
                actual: chars[17],
            });
        }
        Ok(Uscc(chars.into_iter().collect()))
    }

    /// [`Uscc::parse`] plus the GB 11714 check of the embedded organisation code.
    pub fn parse_strict(input: &str) -> Result<Uscc, IdError> {
        let code = Uscc::parse(input)?;
        let expected = code.expected_org_check();
        let actual = code.0.as_bytes()[16] as char;
        if expected != actual {
            return Err(IdError::BadOrgCodeCheck { expected, actual });
        }
        Ok(code)
    }

    /// GB 11714-1997: weights 3 7 9 10 5 8 4 2 over the 8-character body (digits 0–9, letters
    /// A–Z valued 10–35), check `11 − (S mod 11)`, where 10 is written X and 11 is written 0.
    fn expected_org_check(&self) -> char {
        const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = self.0.as_bytes()[8..16]
            .iter()
            .zip(W)
            .map(|(&b, w)| {
                let v = if b.is_ascii_digit() {
                    u32::from(b - b'0')
                } else {
                    u32::from(b - b'A') + 10
                };
                v * w
            })
            .sum();
        match 11 - sum % 11 {
            10 => 'X',
            11 => '0',
            c => char::from(b'0' + c as u8),
        }
    }

    /// Whether the embedded organisation code passes its own GB 11714 check.
    pub fn org_code_check_ok(&self) -> bool {
        self.expected_org_check() == self.0.as_bytes()[16] as char
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Registration-authority code (1 = 机构编制, 5 = 民政, 9 = 市场监管 …).
    pub fn registration_authority(&self) -> char {
        self.0.as_bytes()[0] as char
    }

    /// The six-digit division code of the registering authority (characters 3–8).
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }

    /// The nine-character organisation code (characters 9–17).
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Uscc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Uscc::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::IdErrorKind;
    use crate::Coded;

    #[test]
    fn standard_sample_passes_strict() {
        // Both DOMAIN.md samples satisfy the GB 11714 check as well.
        for s in ["91350100M000100Y43", "91110108551385082Q"] {
            let u = Uscc::parse_strict(s).unwrap();
            assert!(u.org_code_check_ok());
        }
        let u = Uscc::parse("91350100M000100Y43").unwrap();
        assert_eq!(u.division_code(), "350100");
        assert_eq!(u.organisation_code(), "M000100Y4");
        assert_eq!(u.registration_authority(), '9');
    }

    #[test]
    fn strict_refuses_bad_org_code() {
        let err = Uscc::parse_strict("91990101MA0000001Y").unwrap_err();
        assert_eq!(err.kind(), IdErrorKind::BadCheck);
        assert_eq!(err.code(), "uscc.bad_org_code_check");
        assert!(Uscc::parse("91990101MA0000001Y").is_ok());
    }

    #[test]
    fn codes() {
        assert_eq!(
            Uscc::parse("91350100I000100Y43").unwrap_err().code(),
            "uscc.bad_char"
        );
        assert_eq!(Uscc::parse("").unwrap_err().code(), "uscc.bad_length");
    }
}
