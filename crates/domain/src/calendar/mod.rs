//! The working-day calendar. 行政许可法 art. 82: every time limit of the law, including the 5-day
//! 补正 notice of art. 32, is counted in working days (工作日). A working day is Monday to Friday,
//! minus the official rest days (放假), plus the make-up working days (调休上班) of the State
//! Council's yearly notice.
//!
//! The calendar is data: the embedded default comes from `assets/calendar/holidays.json`, and the
//! server can publish further years in the same JSON shape. A date in a year with no published
//! calendar is computed on weekends only and the result is marked `provisional`, so nobody
//! mistakes a guess for a legal deadline.

pub mod china_time;
mod data;
mod year;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

pub use data::{CalendarError, CalendarYear};
use year::YearBits;

/// 行政许可法 art. 32 (4) with art. 82: the supplement notice is due within 5 working days.
pub const SUPPLEMENT_NOTICE_WORKING_DAYS: u32 = 5;

/// The published calendar this build carries (the server also serves it as `/v1/holidays`).
pub const DEFAULT_JSON: &str = include_str!("../../../../assets/calendar/holidays.json");

/// A date computed on the calendar, flagged when any day it depends on lies in a year without a
/// published calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingDate {
    pub date: NaiveDate,
    pub provisional: bool,
}

/// A signed count of working days, flagged like [`WorkingDate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkingDays {
    pub days: i64,
    pub provisional: bool,
}

/// The published rest and make-up days, by year.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(
    try_from = "BTreeMap<String, CalendarYear>",
    into = "BTreeMap<String, CalendarYear>"
)]
pub struct WorkCalendar {
    years: BTreeMap<i32, (CalendarYear, YearBits)>,
}

impl WorkCalendar {
    /// The calendar shipped with the build (2025 and 2026, from the State Council notices).
    pub fn default_cn() -> WorkCalendar {
        static DEFAULT: OnceLock<WorkCalendar> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                // The embedded file is part of the build and a unit test proves it parses, so an
                // empty (all provisional) calendar here is unreachable rather than a silent guess.
                WorkCalendar::from_json(DEFAULT_JSON).unwrap_or_default()
            })
            .clone()
    }

    /// Build a calendar from JSON of the shape
    /// `{"2026": {"rest": ["2026-01-01", …], "workdays": ["2026-01-04", …], "source": "…"}}`.
    /// The data is checked: every date in its own year, no date both rest and working, and every
    /// make-up working day on a weekend.
    pub fn from_json(json: &str) -> Result<WorkCalendar, CalendarError> {
        let raw: BTreeMap<String, CalendarYear> =
            serde_json::from_str(json).map_err(|e| CalendarError::BadJson {
                detail: e.to_string(),
            })?;
        WorkCalendar::try_from(raw)
    }

    /// Add (or replace) the years of `other`, e.g. a calendar the server published later.
    pub fn merge(&mut self, other: WorkCalendar) {
        self.years.extend(other.years);
    }

    pub fn published_years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    pub fn is_published(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The notice the data of `year` comes from.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(|(y, _)| y.source.as_str())
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        match self.years.get(&date.year()) {
            Some((_, bits)) => bits.get(date.ordinal0()),
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`-th working day after `start`. The start day itself is not counted (民法典 art. 201:
    /// a period counted in days starts on the next day), whether or not it is a working day; for
    /// `n = 0` the result is `start`.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> WorkingDate {
        let mut date = start;
        let mut left = n;
        let mut provisional = false;
        while left > 0 {
            let Some(next) = date.succ_opt() else {
                // The end of representable time: nothing real lies there, so say so.
                return WorkingDate {
                    date,
                    provisional: true,
                };
            };
            date = next;
            provisional |= !self.is_published(date.year());
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        WorkingDate { date, provisional }
    }

    /// The number of working days in `(from, to]`, negative when `to` is before `from` (then it
    /// counts `(to, from]`). It agrees with [`WorkCalendar::add_working_days`]: if
    /// `add_working_days(a, n).date == d` then `working_days_between(a, d).days == n`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> WorkingDays {
        let (lo, hi, sign) = if to >= from {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut days = 0i64;
        let mut provisional = false;
        let mut date = lo;
        while date < hi {
            let Some(next) = date.succ_opt() else { break };
            date = next;
            provisional |= !self.is_published(date.year());
            if self.is_working_day(date) {
                days += 1;
            }
        }
        WorkingDays {
            days: sign * days,
            provisional,
        }
    }

    /// The last day to send the one-time supplement notice (一次性告知) for materials received on
    /// `received_on`: 5 working days later (行政许可法 art. 32 (4), art. 82). Missing it means the
    /// application counts as accepted from the day of receipt.
    pub fn supplement_notice_due(&self, received_on: NaiveDate) -> WorkingDate {
        self.add_working_days(received_on, SUPPLEMENT_NOTICE_WORKING_DAYS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn embedded_calendar_has_248_working_days_a_year() {
        let cal = WorkCalendar::default_cn();
        assert_eq!(cal.published_years(), vec![2025, 2026]);
        for y in [2025, 2026] {
            let n = cal.working_days_between(d(y - 1, 12, 31), d(y, 12, 31));
            assert_eq!(
                n,
                WorkingDays {
                    days: 248,
                    provisional: false
                }
            );
        }
        assert!(cal.is_working_day(d(2026, 2, 14)), "make-up Saturday");
        assert!(
            !cal.is_working_day(d(2026, 2, 16)),
            "Spring Festival Monday"
        );
    }

    #[test]
    fn unpublished_year_is_provisional() {
        let cal = WorkCalendar::default_cn();
        let r = cal.add_working_days(d(2026, 12, 30), 3);
        assert!(r.provisional);
        assert_eq!(r.date, d(2027, 1, 4), "weekends only: Thu 31, Fri 1, Mon 4");
        assert!(!cal.add_working_days(d(2026, 12, 1), 3).provisional);
        assert!(
            cal.working_days_between(d(2026, 12, 1), d(2027, 1, 1))
                .provisional
        );
    }

    #[test]
    fn merge_publishes_a_new_year() {
        let mut cal = WorkCalendar::default_cn();
        let y2027 = r#"{"2027": {"rest": ["2027-01-01"], "workdays": [], "source": "test"}}"#;
        cal.merge(WorkCalendar::from_json(y2027).unwrap());
        let r = cal.add_working_days(d(2026, 12, 31), 1);
        assert_eq!(
            r,
            WorkingDate {
                date: d(2027, 1, 4),
                provisional: false
            }
        );
        assert_eq!(cal.source(2027), Some("test"));
    }

    #[test]
    fn negative_between_and_zero_days() {
        let cal = WorkCalendar::default_cn();
        assert_eq!(
            cal.working_days_between(d(2025, 3, 10), d(2025, 3, 3)).days,
            -5
        );
        assert_eq!(cal.add_working_days(d(2025, 3, 8), 0).date, d(2025, 3, 8));
    }

    #[test]
    fn serde_round_trip() {
        let cal = WorkCalendar::default_cn();
        let json = serde_json::to_string(&cal).unwrap();
        let back: WorkCalendar = serde_json::from_str(&json).unwrap();
        assert_eq!(back, cal);
    }
}
