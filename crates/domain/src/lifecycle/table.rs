//! The explicit transition table. The machine consults it before every move, and a property test
//! checks that no sequence of actions ever produces a move the table does not list.

use super::status::CaseStatus as S;
use super::transition::ActionKind as A;
use super::{ActionKind, CaseStatus, Role};

/// Every allowed `(from, action, to)`. `Resume` lists each state a suspension can return to; the
/// machine returns to the one the case was suspended from.
pub const TRANSITIONS: &[(CaseStatus, ActionKind, CaseStatus)] = &[
    (S::Received, A::RequestSupplement, S::SupplementRequested),
    (S::Received, A::Accept, S::Accepted),
    (S::Received, A::Reject, S::Rejected),
    (S::Received, A::CompleteOnSpot, S::Approved),
    (S::Received, A::Withdraw, S::Withdrawn),
    (S::SupplementRequested, A::Supplement, S::Supplemented),
    (S::SupplementRequested, A::Reject, S::Rejected),
    (S::SupplementRequested, A::Withdraw, S::Withdrawn),
    (S::Supplemented, A::Accept, S::Accepted),
    (S::Supplemented, A::Reject, S::Rejected),
    (S::Supplemented, A::CompleteOnSpot, S::Approved),
    (S::Supplemented, A::Withdraw, S::Withdrawn),
    (S::Accepted, A::Handle, S::Handled),
    (S::Accepted, A::Dispatch, S::Dispatched),
    (S::Accepted, A::Suspend, S::Suspended),
    (S::Accepted, A::Extend, S::Accepted),
    (S::Accepted, A::Withdraw, S::Withdrawn),
    (S::Handled, A::Review, S::Reviewed),
    (S::Handled, A::Suspend, S::Suspended),
    (S::Handled, A::Extend, S::Handled),
    (S::Handled, A::Withdraw, S::Withdrawn),
    (S::Reviewed, A::Decide, S::Approved),
    (S::Reviewed, A::Decide, S::Denied),
    (S::Reviewed, A::Suspend, S::Suspended),
    (S::Reviewed, A::Extend, S::Reviewed),
    (S::Reviewed, A::Withdraw, S::Withdrawn),
    (S::Suspended, A::Resume, S::Accepted),
    (S::Suspended, A::Resume, S::Handled),
    (S::Suspended, A::Resume, S::Reviewed),
    (S::Suspended, A::Withdraw, S::Withdrawn),
    (S::Dispatched, A::ConcludeParts, S::Concluded),
    (S::Dispatched, A::Extend, S::Dispatched),
    (S::Dispatched, A::Withdraw, S::Withdrawn),
    (S::Approved, A::Deliver, S::Delivered),
    (S::Denied, A::Deliver, S::Delivered),
    (S::Concluded, A::Deliver, S::Delivered),
];

/// Whether the table lists `(from, action, to)`.
pub fn is_allowed(from: CaseStatus, action: ActionKind, to: CaseStatus) -> bool {
    TRANSITIONS.contains(&(from, action, to))
}

/// Whether `action` can be taken at all from `from`.
pub fn can_take(from: CaseStatus, action: ActionKind) -> bool {
    TRANSITIONS
        .iter()
        .any(|&(f, a, _)| f == from && a == action)
}

/// The actions a part of a 一件事 case can take: its own handling and clock, nothing about
/// receipt, acceptance, delivery or the joint extension, which belong to the whole case.
pub fn is_part_action(action: ActionKind) -> bool {
    matches!(
        action,
        A::Handle | A::Review | A::Decide | A::Suspend | A::Resume
    )
}

/// Who may take which action. A village agent files and carries a case but never decides it;
/// supervisors and administrators only read.
pub fn role_permits(role: &Role, action: ActionKind) -> bool {
    use super::ReviewStep as St;
    match role {
        Role::WindowClerk => matches!(
            action,
            A::Receive
                | A::RequestSupplement
                | A::Supplement
                | A::Accept
                | A::Reject
                | A::CompleteOnSpot
                | A::Dispatch
                | A::Deliver
                | A::Withdraw
        ),
        Role::ProxyAgent => matches!(
            action,
            A::Receive | A::Supplement | A::Deliver | A::Withdraw
        ),
        Role::Approver { steps } => match action {
            A::Handle => steps.contains(&St::Handle),
            A::Review => steps.contains(&St::Review),
            A::Decide => steps.contains(&St::Approve),
            A::Suspend | A::Resume => !steps.is_empty(),
            _ => false,
        },
        // Art. 42: the extension is approved by the agency head (本机关负责人).
        Role::Leader => matches!(action, A::Decide | A::Suspend | A::Resume | A::Extend),
        Role::Supervisor | Role::Administrator => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::status::ALL_STATUSES;

    #[test]
    fn final_states_have_no_exit_and_every_state_is_reachable() {
        for s in ALL_STATUSES {
            let exits = TRANSITIONS.iter().any(|t| t.0 == s);
            assert_eq!(!exits, s.is_final(), "{s:?}");
            let entered = s == S::Received || TRANSITIONS.iter().any(|t| t.2 == s);
            assert!(entered, "{s:?} unreachable");
        }
    }

    #[test]
    fn names_are_the_serde_names() {
        for s in ALL_STATUSES {
            assert_eq!(serde_json::to_value(s).unwrap(), s.name());
            assert_eq!(CaseStatus::from_name(s.name()), Some(s));
        }
        assert_eq!(CaseStatus::from_name("nonsense"), None);
    }

    #[test]
    fn server_owned_states_are_those_after_acceptance() {
        let mut reach = vec![S::Accepted];
        let mut i = 0;
        while i < reach.len() {
            for &(from, _, to) in TRANSITIONS {
                if from == reach[i] && !reach.contains(&to) {
                    reach.push(to);
                }
            }
            i += 1;
        }
        for s in ALL_STATUSES {
            let after = reach.contains(&s) && s != S::Accepted && s != S::Withdrawn;
            assert_eq!(after, s.is_server_owned(), "{s:?}");
        }
    }
}
