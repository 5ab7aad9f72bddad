use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::NumberingError;

/// The 4-digit terminal code the server assigns at enrolment, unique within the county
/// (ARCHITECTURE.md §4, §5.7). It is what makes offline numbers unique without a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TerminalCode(u16);

impl TerminalCode {
    pub const MAX: u16 = 9999;

    pub fn new(value: u16) -> Option<TerminalCode> {
        (value <= Self::MAX).then_some(TerminalCode(value))
    }

    /// Exactly four ASCII digits, e.g. `0012`.
    pub fn parse(input: &str) -> Result<TerminalCode, NumberingError> {
        let bad = || NumberingError::BadTerminal {
            input: input.to_owned(),
        };
        if input.len() != 4 || !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        input.parse().map(TerminalCode).map_err(|_| bad())
    }

    pub fn value(self) -> u16 {
        self.0
    }
}

impl fmt::Display for TerminalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

impl Serialize for TerminalCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TerminalCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        TerminalCode::parse(&s).map_err(serde::de::Error::custom)
    }
}
