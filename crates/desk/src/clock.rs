//! Where "now" and "today" come from. The app reads the system clock; tests fix the date, because
//! every deadline (5 working days for the notice, the promised limit) depends on it.

use std::fmt;
use std::sync::Mutex;

use chrono::{DateTime, Duration, NaiveDate, Utc};

pub trait Clock: Send + Sync + fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// The calendar day at the window: China Standard Time, UTC+8 all year.
    fn today(&self) -> NaiveDate {
        onestop_domain::calendar::china_time::date(self.now())
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock the test sets and moves.
#[derive(Debug)]
pub struct FixedClock {
    now: Mutex<DateTime<Utc>>,
}

impl FixedClock {
    pub fn new(now: DateTime<Utc>) -> FixedClock {
        FixedClock {
            now: Mutex::new(now),
        }
    }

    /// 10:00 Beijing time on `day`.
    pub fn at_day(day: NaiveDate) -> FixedClock {
        let local = day.and_hms_opt(10, 0, 0).unwrap_or_default();
        let offset =
            Duration::seconds(onestop_domain::calendar::china_time::UTC_OFFSET_SECS.into());
        FixedClock::new(local.and_utc() - offset)
    }

    pub fn set(&self, now: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = now;
    }

    pub fn set_day(&self, day: NaiveDate) {
        self.set(FixedClock::at_day(day).now());
    }

    /// Moves the clock on by `d`.
    pub fn advance(&self, d: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += d;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}
