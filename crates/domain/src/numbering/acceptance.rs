//! The acceptance number (受理号), ARCHITECTURE.md §4: county code 6 (GB/T 2260), terminal code 4,
//! date `yyMMdd` 6, daily sequence 4 and a check character (ISO 7064 MOD 11-2 over the 20 digits):
//! 21 characters, printed in groups as `990101-0012-261128-0007-6`.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::digits::{parse_checked, push_padded, render, value};
use super::{NumberType, NumberingError, TerminalCode};
use crate::ids::DivisionCode;

/// The largest daily sequence one terminal can issue.
pub const MAX_DAILY_SEQUENCE: u16 = 9999;

/// A valid acceptance number. Two values are equal exactly when their 21 characters are.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AcceptanceNumber {
    county: String,
    terminal: TerminalCode,
    date: NaiveDate,
    sequence: u16,
}

const GROUPS: [usize; 5] = [6, 4, 6, 4, 1];

impl AcceptanceNumber {
    /// Build a number from its parts. `county` may be any division code at county level or
    /// below: a township or village window numbers under its county's six digits.
    pub fn new(
        county: &DivisionCode,
        terminal: TerminalCode,
        date: NaiveDate,
        sequence: u16,
    ) -> Result<AcceptanceNumber, NumberingError> {
        use crate::ids::DivisionLevel as L;
        if matches!(county.level(), L::Province | L::Prefecture) {
            return Err(NumberingError::BadCounty {
                code: county.as_str().to_owned(),
            });
        }
        if !(2000..=2099).contains(&date.year()) {
            return Err(NumberingError::DateOutOfRange { date });
        }
        if sequence == 0 || sequence > MAX_DAILY_SEQUENCE {
            return Err(NumberingError::BadSequence {
                number: NumberType::Acceptance,
            });
        }
        Ok(AcceptanceNumber {
            county: county.county().to_owned(),
            terminal,
            date,
            sequence,
        })
    }

    /// Parse the 21-character form or the grouped form (`990101-0012-261128-0007-6`). Leading
    /// and trailing ASCII whitespace is trimmed and a lower-case `x` is accepted.
    pub fn parse(input: &str) -> Result<AcceptanceNumber, NumberingError> {
        let d = parse_checked(input, NumberType::Acceptance, &GROUPS)?;
        let date = NaiveDate::from_ymd_opt(
            2000 + value(&d[10..12]) as i32,
            value(&d[12..14]),
            value(&d[14..16]),
        )
        .ok_or_else(|| NumberingError::BadDate {
            digits: d[10..16].iter().map(|&x| char::from(b'0' + x)).collect(),
        })?;
        let sequence = value(&d[16..20]) as u16;
        if sequence == 0 {
            return Err(NumberingError::BadSequence {
                number: NumberType::Acceptance,
            });
        }
        Ok(AcceptanceNumber {
            county: d[..6].iter().map(|&x| char::from(b'0' + x)).collect(),
            terminal: TerminalCode::new(value(&d[6..10]) as u16).ok_or(
                NumberingError::BadTerminal {
                    input: input.to_owned(),
                },
            )?,
            date,
            sequence,
        })
    }

    fn body(&self) -> Vec<u8> {
        let mut d: Vec<u8> = self.county.bytes().map(|b| b - b'0').collect();
        push_padded(&mut d, u32::from(self.terminal.value()), 4);
        push_padded(&mut d, (self.date.year() % 100) as u32, 2);
        push_padded(&mut d, self.date.month(), 2);
        push_padded(&mut d, self.date.day(), 2);
        push_padded(&mut d, u32::from(self.sequence), 4);
        d
    }

    /// The printed, grouped form: `990101-0012-261128-0007-6`.
    pub fn grouped(&self) -> String {
        let s = self.to_string();
        let mut out = String::with_capacity(25);
        let mut at = 0;
        for (i, g) in GROUPS.iter().enumerate() {
            if i > 0 {
                out.push('-');
            }
            out.push_str(&s[at..at + g]);
            at += g;
        }
        out
    }

    /// `number` as a screen shows it: grouped when it parses, as stored when it does not (a
    /// screen shows what the window holds rather than nothing).
    pub fn grouped_text(number: &str) -> String {
        AcceptanceNumber::parse(number)
            .map(|n| n.grouped())
            .unwrap_or_else(|_| number.to_owned())
    }

    pub fn county(&self) -> &str {
        &self.county
    }

    pub fn terminal(&self) -> TerminalCode {
        self.terminal
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn sequence(&self) -> u16 {
        self.sequence
    }

    pub fn check_char(&self) -> char {
        self.to_string().chars().last().unwrap_or('0')
    }
}

/// The allocation rule the store applies inside the transaction that saves the case: the next
/// number of `terminal` on `date`, given the last sequence used that day (`None` when none).
///
/// The store keeps one counter per (terminal, date); allocating in the same transaction as the
/// case means a crash neither reuses nor skips a committed number.
pub fn next_acceptance_number(
    county: &DivisionCode,
    terminal: TerminalCode,
    date: NaiveDate,
    last_seq: Option<u16>,
) -> Result<AcceptanceNumber, NumberingError> {
    let next = match last_seq {
        None => 1,
        Some(s) if s >= MAX_DAILY_SEQUENCE => {
            return Err(NumberingError::SequenceExhausted {
                terminal: terminal.to_string(),
                date,
            })
        }
        Some(s) => s + 1,
    };
    AcceptanceNumber::new(county, terminal, date, next)
}

impl fmt::Display for AcceptanceNumber {
    /// The 21-character form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(&self.body()))
    }
}

impl Serialize for AcceptanceNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AcceptanceNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        AcceptanceNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Coded;

    fn county() -> DivisionCode {
        DivisionCode::parse("990101").unwrap()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn allocation_and_grouping() {
        let t = TerminalCode::parse("0012").unwrap();
        let n = next_acceptance_number(&county(), t, day(), Some(6)).unwrap();
        assert_eq!(n.sequence(), 7);
        let s = n.to_string();
        assert_eq!(s.len(), 21);
        assert_eq!(&n.grouped()[..23], "990101-0012-261128-0007");
        assert_eq!(AcceptanceNumber::parse(&n.grouped()).unwrap(), n);
        assert_eq!(AcceptanceNumber::parse(&s).unwrap(), n);
        let first = next_acceptance_number(&county(), t, day(), None).unwrap();
        assert_eq!(first.sequence(), 1);
    }

    #[test]
    fn screen_text_is_grouped_or_as_stored() {
        let t = TerminalCode::parse("0012").unwrap();
        let n = next_acceptance_number(&county(), t, day(), Some(6)).unwrap();
        assert_eq!(AcceptanceNumber::grouped_text(&n.to_string()), n.grouped());
        assert_eq!(
            AcceptanceNumber::grouped_text("not-a-number"),
            "not-a-number"
        );
    }

    #[test]
    fn exhausted_sequence_is_a_clear_error() {
        let t = TerminalCode::parse("0012").unwrap();
        let err = next_acceptance_number(&county(), t, day(), Some(9999)).unwrap_err();
        assert_eq!(err.code(), "number.sequence_exhausted");
        assert!(err.to_string().contains("0012"));
        assert!(next_acceptance_number(&county(), t, day(), Some(9998)).is_ok());
    }

    #[test]
    fn village_window_numbers_under_its_county() {
        let village = DivisionCode::parse("990101101203").unwrap();
        let t = TerminalCode::new(1002).unwrap();
        let n = next_acceptance_number(&village, t, day(), None).unwrap();
        assert_eq!(n.county(), "990101");
        let prefecture = DivisionCode::parse("990100").unwrap();
        let err = next_acceptance_number(&prefecture, t, day(), None).unwrap_err();
        assert_eq!(err.code(), "number.bad_county");
    }

    #[test]
    fn malformed_groups_are_refused() {
        assert_eq!(
            AcceptanceNumber::parse("9901010-012-261127-0001-1")
                .unwrap_err()
                .code(),
            "number.bad_length"
        );
        assert_eq!(
            AcceptanceNumber::parse("990101000126112700000")
                .unwrap_err()
                .code(),
            "number.bad_check"
        );
    }
}
