//! Process-rule violations (流程监察) over everything that happened to a case: the window's own
//! timeline (what the client sent) *and* the steps taken on the server (承办, 审核, 批准/不予许可,
//! 办结, 特别程序 suspend/resume, 延期, 分送, 送达), which the window never sends back. Judging the
//! window's half alone missed every rule about the approval steps.
//!
//! The server's actions are the events of its `case.status` change-log entries, written in the
//! same transaction as each action, so they are exactly what was done, in the order it was done.

use std::collections::HashMap;

use onestop_domain::error::Coded;
use onestop_domain::lifecycle::CaseEvent;
use onestop_domain::supervision::check_events;
use onestop_protocol::{CaseSnapshot, ViolationEntry};
use serde::Deserialize;

use crate::store::{ActionRow, StoredCase};

/// The part of a `case.status` payload (`CaseStatusChanged`) the rules need.
#[derive(Deserialize)]
struct ActionEvents {
    #[serde(default)]
    events: Vec<CaseEvent>,
}

/// The server's events per case, each case's in the order they were written.
pub fn server_events(rows: Vec<ActionRow>) -> HashMap<String, Vec<CaseEvent>> {
    let mut out: HashMap<String, Vec<CaseEvent>> = HashMap::new();
    for row in rows {
        match serde_json::from_str::<ActionEvents>(&row.payload) {
            Ok(a) => out.entry(row.case_id).or_default().extend(a.events),
            // A payload this version cannot read is left out, not fatal to the report.
            Err(e) => tracing::warn!(case_id = %row.case_id, error = %e, "unreadable case action"),
        }
    }
    out
}

/// One history out of two ordered ones, by day. On the same day the window's events come
/// first: the window receives and accepts a case before the server can act on it (the server's
/// machine refuses a date before the case's last action), and clocks of two machines are never
/// compared.
pub fn merge(window: Vec<CaseEvent>, server: Vec<CaseEvent>) -> Vec<CaseEvent> {
    let mut out = Vec::with_capacity(window.len() + server.len());
    let mut server = server.into_iter().peekable();
    for w in window {
        while let Some(s) = server.next_if(|s| s.on < w.on) {
            out.push(s);
        }
        out.push(w);
    }
    out.extend(server);
    out
}

/// The violations of one case, given the server's events on it.
pub fn violations_of(case: &StoredCase, server: Vec<CaseEvent>) -> Vec<ViolationEntry> {
    // Without the window's half the server's steps would look like work before acceptance.
    let Ok(snapshot) = serde_json::from_str::<CaseSnapshot>(&case.snapshot_json) else {
        return Vec::new();
    };
    let window: Vec<_> = snapshot
        .timeline
        .iter()
        .filter_map(|t| t.event.clone())
        .collect();
    check_events(&merge(window, server))
        .into_iter()
        .map(|v| ViolationEntry {
            case_id: case.case_id.clone(),
            acceptance_number: case.acceptance_number.clone(),
            window_id: case.window_id.clone(),
            department: case.department.clone(),
            code: v.code().to_string(),
            rule: v.rule.label().to_string(),
            message: v.message,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use onestop_domain::lifecycle::{CaseStatus, Role, Transition};

    use super::*;

    fn ev(day: u32, role: Role, transition: Transition) -> CaseEvent {
        CaseEvent {
            on: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
            role,
            part: None,
            transition,
            from: None,
            to: CaseStatus::Accepted,
        }
    }

    fn actions(list: &[&CaseEvent]) -> Vec<&'static str> {
        list.iter()
            .map(|e| match e.transition {
                Transition::Accept => "accept",
                Transition::Handle { .. } => "handle",
                Transition::Withdraw { .. } => "withdraw",
                _ => "other",
            })
            .collect()
    }

    #[test]
    fn the_two_histories_interleave_by_day_with_the_window_first_on_a_tie() {
        let clerk = Role::WindowClerk;
        let approver = Role::Approver { steps: vec![] };
        let handle = || Transition::Handle {
            opinion: "同意".into(),
        };
        let window = vec![
            ev(2, clerk.clone(), Transition::Accept),
            ev(
                9,
                clerk.clone(),
                Transition::Withdraw {
                    reason: "撤回".into(),
                },
            ),
        ];
        let server = vec![ev(2, approver.clone(), handle()), ev(5, approver, handle())];
        let merged = merge(window, server);
        assert_eq!(
            actions(&merged.iter().collect::<Vec<_>>()),
            ["accept", "handle", "handle", "withdraw"]
        );
        // The server's steps after acceptance on the same day are no violation.
        assert!(check_events(&merged[..2]).is_empty());
    }
}
