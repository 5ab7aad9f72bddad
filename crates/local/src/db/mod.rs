//! Opening the encrypted database and bringing its schema up to date.

pub mod migrate;
pub mod open;
