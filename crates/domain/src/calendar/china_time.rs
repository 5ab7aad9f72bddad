//! China Standard Time: UTC+8 all year, with no daylight saving. The law's days (a deadline, the
//! window's 今日, the voucher's date and time) are counted in it whatever time zone the machine
//! is set to, so every place that turns an instant into a wall time asks here.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// The offset east of UTC, in seconds.
pub const UTC_OFFSET_SECS: i32 = 8 * 3600;

pub fn offset() -> FixedOffset {
    FixedOffset::east_opt(UTC_OFFSET_SECS).expect("UTC+8 is a valid offset")
}

/// `now` on a Beijing wall clock.
pub fn at(now: DateTime<Utc>) -> DateTime<FixedOffset> {
    now.with_timezone(&offset())
}

/// The calendar day in China at `now`.
pub fn date(now: DateTime<Utc>) -> NaiveDate {
    at(now).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_hundred_utc_is_already_tomorrow_in_china() {
        let now = "2026-11-29T16:09:59Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(date(now), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(at(now).format("%H:%M").to_string(), "00:09");
        let before = "2026-11-29T15:59:59Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(date(before), NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
    }
}
