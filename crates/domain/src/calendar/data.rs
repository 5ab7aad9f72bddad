//! The JSON shape of a published calendar and its checks.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::year::YearBits;
use super::WorkCalendar;
use crate::error::Coded;

/// One year as published: official rest days, make-up working days and the notice they come
/// from (e.g. 国办发明电〔2024〕12号).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarYear {
    pub rest: Vec<NaiveDate>,
    pub workdays: Vec<NaiveDate>,
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("节假日数据不是有效的 JSON：{detail}")]
    BadJson { detail: String },
    #[error("节假日数据中的年份“{key}”无效")]
    BadYear { key: String },
    #[error("{year} 年的节假日数据中出现了其他年份的日期 {date}")]
    DateOutsideYear { year: i32, date: NaiveDate },
    #[error("{date} 同时被列为放假日和调休上班日")]
    Conflict { date: NaiveDate },
    #[error("调休上班日 {date} 不是周末")]
    WorkdayNotWeekend { date: NaiveDate },
}

impl Coded for CalendarError {
    fn code(&self) -> &'static str {
        match self {
            CalendarError::BadJson { .. } => "calendar.bad_json",
            CalendarError::BadYear { .. } => "calendar.bad_year",
            CalendarError::DateOutsideYear { .. } => "calendar.date_outside_year",
            CalendarError::Conflict { .. } => "calendar.conflict",
            CalendarError::WorkdayNotWeekend { .. } => "calendar.workday_not_weekend",
        }
    }
}

impl TryFrom<BTreeMap<String, CalendarYear>> for WorkCalendar {
    type Error = CalendarError;

    fn try_from(raw: BTreeMap<String, CalendarYear>) -> Result<Self, Self::Error> {
        let mut years = BTreeMap::new();
        for (key, data) in raw {
            let year: i32 = key
                .parse()
                .ok()
                .filter(|y| (1900..=9999).contains(y) && key.len() == 4)
                .ok_or_else(|| CalendarError::BadYear { key: key.clone() })?;
            for &date in data.rest.iter().chain(&data.workdays) {
                if date.year() != year {
                    return Err(CalendarError::DateOutsideYear { year, date });
                }
            }
            for &date in &data.workdays {
                if data.rest.contains(&date) {
                    return Err(CalendarError::Conflict { date });
                }
                if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                    return Err(CalendarError::WorkdayNotWeekend { date });
                }
            }
            let bits = YearBits::build(year, &data.rest, &data.workdays);
            years.insert(year, (data, bits));
        }
        Ok(WorkCalendar { years })
    }
}

impl From<WorkCalendar> for BTreeMap<String, CalendarYear> {
    fn from(cal: WorkCalendar) -> Self {
        cal.years
            .into_iter()
            .map(|(y, (data, _))| (y.to_string(), data))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(json: &str) -> &'static str {
        WorkCalendar::from_json(json).unwrap_err().code()
    }

    #[test]
    fn malformed_calendars_are_refused() {
        assert_eq!(code("{"), "calendar.bad_json");
        assert_eq!(
            code(r#"{"20x7": {"rest": [], "workdays": []}}"#),
            "calendar.bad_year"
        );
        assert_eq!(
            code(r#"{"2027": {"rest": ["2026-01-01"], "workdays": []}}"#),
            "calendar.date_outside_year"
        );
        assert_eq!(
            code(r#"{"2027": {"rest": ["2027-01-02"], "workdays": ["2027-01-02"]}}"#),
            "calendar.conflict"
        );
        assert_eq!(
            code(r#"{"2027": {"rest": [], "workdays": ["2027-01-04"]}}"#),
            "calendar.workday_not_weekend"
        );
    }
}
