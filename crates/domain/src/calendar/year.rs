//! One year's working days as a bitmap, so that counting a year of days is a few hundred bit
//! tests rather than set look-ups.

use chrono::{Datelike, NaiveDate, Weekday};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct YearBits([u64; 6]);

impl YearBits {
    /// Weekdays of `year` are working days, weekends are not; then `rest` days are removed and
    /// make-up `workdays` added. Dates outside `year` are ignored (the loader refuses them).
    pub(super) fn build(year: i32, rest: &[NaiveDate], workdays: &[NaiveDate]) -> YearBits {
        let mut bits = YearBits::default();
        let mut date = NaiveDate::from_ymd_opt(year, 1, 1);
        while let Some(d) = date.filter(|d| d.year() == year) {
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                bits.set(d.ordinal0(), true);
            }
            date = d.succ_opt();
        }
        for d in rest.iter().filter(|d| d.year() == year) {
            bits.set(d.ordinal0(), false);
        }
        for d in workdays.iter().filter(|d| d.year() == year) {
            bits.set(d.ordinal0(), true);
        }
        bits
    }

    fn set(&mut self, ordinal0: u32, on: bool) {
        let (word, bit) = ((ordinal0 / 64) as usize, ordinal0 % 64);
        if on {
            self.0[word] |= 1 << bit;
        } else {
            self.0[word] &= !(1 << bit);
        }
    }

    pub(super) fn get(&self, ordinal0: u32) -> bool {
        let (word, bit) = ((ordinal0 / 64) as usize, ordinal0 % 64);
        self.0.get(word).is_some_and(|w| w & (1 << bit) != 0)
    }
}
