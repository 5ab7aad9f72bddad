//! Due dates and the yellow/red card of a case.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::WarningThresholds;
use crate::calendar::{WorkCalendar, WorkingDate, WorkingDays};
use crate::lifecycle::{CaseFlow, Pause};

/// Due date = acceptance date + promised working days + extension (art. 42) + working days spent
/// in special procedures (art. 45: 不计算在期限内). The acceptance day itself is not counted.
pub fn due_date(
    calendar: &WorkCalendar,
    accepted_on: NaiveDate,
    promised_working_days: u32,
    extension_working_days: u32,
    paused_working_days: u32,
) -> WorkingDate {
    let total = promised_working_days
        .saturating_add(extension_working_days)
        .saturating_add(paused_working_days);
    calendar.add_working_days(accepted_on, total)
}

/// Working days spent in special procedures up to `today`. A procedure from day S to day R pauses
/// the working days in `(S, R]`, the same convention as every other period here (the first day is
/// not counted); one still running counts up to `today`.
pub fn paused_working_days(
    calendar: &WorkCalendar,
    pauses: &[Pause],
    today: NaiveDate,
) -> WorkingDays {
    let mut days = 0;
    let mut provisional = false;
    for p in pauses {
        let end = p.to.unwrap_or(today);
        let n = calendar.working_days_between(p.from, end);
        days += n.days.max(0);
        provisional |= n.provisional;
    }
    WorkingDays { days, provisional }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    Normal,
    /// 黄牌: at most N working days left, or at least P% of the time used.
    Yellow,
    /// 红牌: overdue.
    Red,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineStatus {
    pub state: DeadlineState,
    pub due: NaiveDate,
    /// Working days from `today` to the due date; negative when overdue.
    pub days_left: i64,
    /// Share of the allotted working days used so far, in percent (may exceed 100).
    pub percent_used: u32,
    pub provisional: bool,
}

/// The card of a case accepted on `accepted_on`, due on `due`, seen on `today`.
/// `paused_working_days` (already included in `due`) are taken out of both the allotted and the
/// used time, so a long special procedure does not turn the card yellow by itself.
pub fn deadline_state(
    calendar: &WorkCalendar,
    accepted_on: NaiveDate,
    due: NaiveDate,
    today: NaiveDate,
    paused_working_days: u32,
    thresholds: WarningThresholds,
) -> DeadlineStatus {
    let paused = i64::from(paused_working_days);
    let total = calendar.working_days_between(accepted_on, due);
    let elapsed = calendar.working_days_between(accepted_on, today);
    let left = calendar.working_days_between(today, due);
    let allotted = (total.days - paused).max(0);
    let used = (elapsed.days - paused).max(0);
    let percent_used = if allotted == 0 {
        100
    } else {
        u32::try_from(used * 100 / allotted).unwrap_or(u32::MAX)
    };
    let state = if today > due {
        DeadlineState::Red
    } else if left.days <= i64::from(thresholds.days_left)
        || percent_used >= u32::from(thresholds.percent_used)
    {
        DeadlineState::Yellow
    } else {
        DeadlineState::Normal
    };
    DeadlineStatus {
        state,
        due,
        days_left: left.days,
        percent_used,
        provisional: total.provisional || elapsed.provisional || left.provisional,
    }
}

/// The card of a case from its own record: its acceptance date (deemed or not), its extension
/// and its special procedures. `None` before the case is accepted. A decided case is judged on
/// the day of its decision, which is what the on-time rate (按时办结率) counts.
pub fn case_deadline(
    flow: &CaseFlow,
    promised_working_days: u32,
    calendar: &WorkCalendar,
    today: NaiveDate,
    thresholds: WarningThresholds,
) -> Option<DeadlineStatus> {
    let accepted_on = flow.accepted_on?;
    let seen_on = flow.decided_on.unwrap_or(today);
    let paused = paused_working_days(calendar, &flow.pauses, seen_on);
    let paused_days = u32::try_from(paused.days).unwrap_or(u32::MAX);
    let extension = flow.extension.as_ref().map_or(0, |e| e.working_days);
    let due = due_date(
        calendar,
        accepted_on,
        promised_working_days,
        extension,
        paused_days,
    );
    let mut status = deadline_state(
        calendar,
        accepted_on,
        due.date,
        seen_on,
        paused_days,
        thresholds,
    );
    status.provisional |= due.provisional || paused.provisional;
    Some(status)
}
