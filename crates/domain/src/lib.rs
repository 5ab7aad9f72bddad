//! The rules of a service-hall window, as pure code: identifier checksums (GB 11643, GB 32100,
//! GB/T 2260), acceptance and registration numbers, the working-day calendar, licensing items and
//! their form schemas, the case life cycle and the deadline and supervision rules of 行政许可法.
//! Both the desktop client and the server call this crate, so each rule has exactly one
//! implementation. Nothing here does I/O, reads the clock or touches a database: time and data are
//! passed in, and results are returned as typed values or typed errors with stable codes.

pub mod calendar;
pub mod canonical;
pub mod catalogue;
mod checksum;
pub mod error;
pub mod ids;
pub mod lifecycle;
pub mod numbering;
pub mod supervision;

pub use error::Coded;
