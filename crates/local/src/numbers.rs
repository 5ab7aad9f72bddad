//! Allocation of acceptance and registration numbers inside the caller's transaction: the rule
//! (format, check character, limits) is `onestop_domain::numbering`, the last value is kept in
//! `sequences`, and both move together or not at all.

use chrono::NaiveDate;
use onestop_domain::ids::DivisionCode;
use onestop_domain::numbering::{
    next_acceptance_number, next_registration_number, AcceptanceNumber, RegistrationNumber,
    TerminalCode,
};
use rusqlite::Connection;

use crate::error::Result;
use crate::sequences;

/// The next acceptance number of `terminal` on `date`.
pub fn allocate_acceptance(
    conn: &Connection,
    county: &DivisionCode,
    terminal: TerminalCode,
    date: NaiveDate,
) -> Result<AcceptanceNumber> {
    let key = sequences::acceptance_key(&terminal.to_string(), date);
    let last = sequences::last(conn, &key)?.and_then(|v| u16::try_from(v).ok());
    let number = next_acceptance_number(county, terminal, date, last)?;
    sequences::set(conn, &key, u64::from(number.sequence()))?;
    Ok(number)
}

/// The next registration number (登记号) of `terminal`.
pub fn allocate_registration(
    conn: &Connection,
    county: &DivisionCode,
    terminal: TerminalCode,
) -> Result<RegistrationNumber> {
    let key = sequences::registration_key(&terminal.to_string());
    let last = sequences::last(conn, &key)?.and_then(|v| u32::try_from(v).ok());
    let number = next_registration_number(county, terminal, last)?;
    sequences::set(conn, &key, u64::from(number.serial()))?;
    Ok(number)
}
