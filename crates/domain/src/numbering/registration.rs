//! The registration number (登记号) of an applicant in the shared applicant library (一表式).
//!
//! Format (the project's own; no national format exists, DOMAIN.md §3): county code 6 (GB/T 2260),
//! then terminal code 4, serial 6 and a check character (ISO 7064 MOD 11-2 over the 16 digits,
//! weights `2^(17-i) mod 11`): 17 characters, printed `990101-0012-000345-7`.
//!
//! Like the acceptance number it is allocated offline from the terminal's own counter, so it is
//! unique without a network. It is deliberately 17 characters long, so it can never be mistaken
//! for an 18-character citizen ID (nor masked as one in logs) or a 21-character acceptance
//! number. Six serial digits give one terminal 999 999 registrations, decades of a busy window.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::digits::{parse_checked, push_padded, render, value};
use super::{NumberType, NumberingError, TerminalCode};
use crate::ids::DivisionCode;

pub const MAX_SERIAL: u32 = 999_999;

const GROUPS: [usize; 4] = [6, 4, 6, 1];

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationNumber {
    county: String,
    terminal: TerminalCode,
    serial: u32,
}

impl RegistrationNumber {
    pub fn parse(input: &str) -> Result<RegistrationNumber, NumberingError> {
        let d = parse_checked(input, NumberType::Registration, &GROUPS)?;
        let serial = value(&d[10..16]);
        if serial == 0 {
            return Err(NumberingError::BadSequence {
                number: NumberType::Registration,
            });
        }
        Ok(RegistrationNumber {
            county: d[..6].iter().map(|&x| char::from(b'0' + x)).collect(),
            terminal: TerminalCode::new(value(&d[6..10]) as u16).ok_or(
                NumberingError::BadTerminal {
                    input: input.to_owned(),
                },
            )?,
            serial,
        })
    }

    pub fn county(&self) -> &str {
        &self.county
    }

    pub fn terminal(&self) -> TerminalCode {
        self.terminal
    }

    pub fn serial(&self) -> u32 {
        self.serial
    }

    /// `990101-0012-000345-7`.
    pub fn grouped(&self) -> String {
        let s = self.to_string();
        format!("{}-{}-{}-{}", &s[..6], &s[6..10], &s[10..16], &s[16..])
    }
}

/// The next registration number of `terminal`, given the last serial it issued.
pub fn next_registration_number(
    county: &DivisionCode,
    terminal: TerminalCode,
    last_serial: Option<u32>,
) -> Result<RegistrationNumber, NumberingError> {
    use crate::ids::DivisionLevel as L;
    if matches!(county.level(), L::Province | L::Prefecture) {
        return Err(NumberingError::BadCounty {
            code: county.as_str().to_owned(),
        });
    }
    let serial = match last_serial {
        None => 1,
        Some(s) if s >= MAX_SERIAL => {
            return Err(NumberingError::SerialExhausted {
                terminal: terminal.to_string(),
            })
        }
        Some(s) => s + 1,
    };
    Ok(RegistrationNumber {
        county: county.county().to_owned(),
        terminal,
        serial,
    })
}

impl fmt::Display for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d: Vec<u8> = self.county.bytes().map(|b| b - b'0').collect();
        push_padded(&mut d, u32::from(self.terminal.value()), 4);
        push_padded(&mut d, self.serial, 6);
        f.write_str(&render(&d))
    }
}

impl Serialize for RegistrationNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RegistrationNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        RegistrationNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Coded;

    #[test]
    fn round_trip_and_exhaustion() {
        let county = DivisionCode::parse("990101").unwrap();
        let t = TerminalCode::new(12).unwrap();
        let n = next_registration_number(&county, t, Some(344)).unwrap();
        assert_eq!(n.serial(), 345);
        assert_eq!(n.to_string().len(), 17);
        assert!(n.grouped().starts_with("990101-0012-000345-"));
        assert_eq!(RegistrationNumber::parse(&n.to_string()).unwrap(), n);
        assert_eq!(RegistrationNumber::parse(&n.grouped()).unwrap(), n);
        let err = next_registration_number(&county, t, Some(MAX_SERIAL)).unwrap_err();
        assert_eq!(err.code(), "registration.serial_exhausted");
    }
}
