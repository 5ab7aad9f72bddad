//! Deemed acceptance, 行政许可法 art. 32 (4): 逾期不告知的，自收到申请材料之日起即为受理.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptanceDate {
    pub date: NaiveDate,
    /// Accepted by operation of law because the notice came too late or never.
    pub deemed: bool,
    pub provisional: bool,
}

/// The acceptance date in law, from the record of a case (for example one imported from another
/// system, where the state machine did not enforce art. 32):
/// - a supplement notice given on time: the recorded acceptance, if any;
/// - a notice given late, or an acceptance recorded after the notice deadline without a notice,
///   or nothing at all by `today` after the deadline: the day of receipt, deemed;
/// - otherwise the recorded acceptance date, or `None` while the agency is still within its
///   5 working days.
pub fn effective_acceptance(
    calendar: &WorkCalendar,
    received_on: NaiveDate,
    notice_given_on: Option<NaiveDate>,
    accepted_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<AcceptanceDate> {
    let due = calendar.supplement_notice_due(received_on);
    let deemed = AcceptanceDate {
        date: received_on,
        deemed: true,
        provisional: due.provisional,
    };
    let recorded = |date| AcceptanceDate {
        date,
        deemed: false,
        provisional: due.provisional,
    };
    match (notice_given_on, accepted_on) {
        (Some(n), _) if n > due.date => Some(deemed),
        (Some(_), a) => a.map(recorded),
        (None, Some(a)) if a > due.date => Some(deemed),
        (None, Some(a)) => Some(recorded(a)),
        (None, None) if today > due.date => Some(deemed),
        (None, None) => None,
    }
}
