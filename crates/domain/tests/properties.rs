//! Property tests: check characters, round trips, the calendar and the state machine.

use chrono::{Duration, NaiveDate};
use onestop_domain::calendar::WorkCalendar;
use onestop_domain::catalogue::{CaseType, ParallelPart};
use onestop_domain::ids::{DivisionCode, ResidentId};
use onestop_domain::lifecycle::{
    is_allowed, Applied, CaseFlow, CaseStatus, CaseTerms, Channel, ReviewStep, Role,
    SpecialProcedure, Transition,
};
use onestop_domain::numbering::{
    next_acceptance_number, next_registration_number, AcceptanceNumber, RegistrationNumber,
    TerminalCode,
};
use proptest::prelude::*;

fn acceptance_number() -> impl Strategy<Value = AcceptanceNumber> {
    (
        prop::sample::select(vec!["990101", "110101", "330106", "990101101203"]),
        0u16..=9999,
        0i64..36_500,
        1u16..=9999,
    )
        .prop_map(|(county, terminal, day, seq)| {
            let date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + Duration::days(day);
            next_acceptance_number(
                &DivisionCode::parse(county).unwrap(),
                TerminalCode::new(terminal).unwrap(),
                date,
                Some(seq - 1),
            )
            .unwrap()
        })
}

fn registration_number() -> impl Strategy<Value = RegistrationNumber> {
    (0u16..=9999, 1u32..=999_999).prop_map(|(terminal, serial)| {
        next_registration_number(
            &DivisionCode::parse("990101").unwrap(),
            TerminalCode::new(terminal).unwrap(),
            Some(serial - 1),
        )
        .unwrap()
    })
}

/// Replace the character at `i` by `c` (ASCII strings only).
fn with_char(s: &str, i: usize, c: char) -> String {
    let mut b: Vec<char> = s.chars().collect();
    b[i] = c;
    b.into_iter().collect()
}

fn swapped(s: &str, i: usize) -> String {
    let mut b: Vec<char> = s.chars().collect();
    b.swap(i, i + 1);
    b.into_iter().collect()
}

const CHECK_CHARS: [char; 11] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'];

proptest! {
    #[test]
    fn acceptance_round_trip(n in acceptance_number()) {
        let s = n.to_string();
        prop_assert_eq!(s.len(), 21);
        prop_assert_eq!(&AcceptanceNumber::parse(&s).unwrap(), &n);
        prop_assert_eq!(&AcceptanceNumber::parse(&n.grouped()).unwrap(), &n);
        let json = serde_json::to_string(&n).unwrap();
        prop_assert_eq!(serde_json::from_str::<AcceptanceNumber>(&json).unwrap(), n);
    }

    #[test]
    fn registration_round_trip(n in registration_number()) {
        prop_assert_eq!(&RegistrationNumber::parse(&n.to_string()).unwrap(), &n);
        prop_assert_eq!(RegistrationNumber::parse(&n.grouped()).unwrap(), n);
    }

    /// Every single-character change of an acceptance number (in the digits or the check
    /// character) is refused.
    #[test]
    fn acceptance_check_catches_single_changes(n in acceptance_number(), i in 0usize..21, k in 1u8..11) {
        let s = n.to_string();
        let alphabet: &[char] = if i < 20 { &CHECK_CHARS[..10] } else { &CHECK_CHARS };
        let old = s.chars().nth(i).unwrap();
        let pos = alphabet.iter().position(|&c| c == old).unwrap();
        let new = alphabet[(pos + usize::from(k)) % alphabet.len()];
        prop_assume!(new != old);
        prop_assert!(AcceptanceNumber::parse(&with_char(&s, i, new)).is_err());
    }

    /// Every swap of two different adjacent characters is refused.
    #[test]
    fn acceptance_check_catches_adjacent_swaps(n in acceptance_number(), i in 0usize..20) {
        let s = n.to_string();
        let t = swapped(&s, i);
        prop_assume!(t != s);
        prop_assert!(AcceptanceNumber::parse(&t).is_err());
    }

    #[test]
    fn registration_check_catches_changes(n in registration_number(), i in 0usize..16, k in 1u8..10) {
        let s = n.to_string();
        let old = s.as_bytes()[i] - b'0';
        let new = char::from(b'0' + (old + k) % 10);
        prop_assert!(RegistrationNumber::parse(&with_char(&s, i, new)).is_err());
        let t = swapped(&s, i);
        prop_assert!(t == s || RegistrationNumber::parse(&t).is_err());
    }

    /// The same holds for the citizen ID check (GB 11643 uses the same MOD 11-2).
    #[test]
    fn resident_id_check_catches_changes(i in 0usize..17, k in 1u8..10, j in 0usize..17) {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let s = "110101199003071233";
        let old = s.as_bytes()[i] - b'0';
        let changed = with_char(s, i, char::from(b'0' + (old + k) % 10));
        prop_assert!(ResidentId::parse(&changed, today).is_err());
        let t = swapped(s, j);
        prop_assert!(t == s || ResidentId::parse(&t, today).is_err());
    }

    #[test]
    fn add_working_days_is_monotonic_and_agrees(day in 0i64..1100, n in 0u32..300, m in 0u32..300) {
        let cal = WorkCalendar::default_cn();
        let start = NaiveDate::from_ymd_opt(2024, 12, 1).unwrap() + Duration::days(day);
        let (a, b) = (n.min(m), n.max(m));
        let da = cal.add_working_days(start, a).date;
        let db = cal.add_working_days(start, b).date;
        prop_assert!(da <= db);
        if a < b { prop_assert!(da < db); }
        prop_assert_eq!(cal.working_days_between(start, db).days, i64::from(b));
        if b > 0 {
            // The due date is the first day on which n working days have passed, and a working day.
            prop_assert!(cal.is_working_day(db));
            prop_assert_eq!(cal.working_days_between(start, db.pred_opt().unwrap()).days, i64::from(b) - 1);
        }
        prop_assert_eq!(cal.working_days_between(db, start).days, -i64::from(b));
    }
}

// ---- the state machine ----

fn roles() -> Vec<Role> {
    use ReviewStep::*;
    vec![
        Role::WindowClerk,
        Role::ProxyAgent,
        Role::Approver {
            steps: vec![Handle],
        },
        Role::Approver {
            steps: vec![Review, Approve],
        },
        Role::Approver {
            steps: vec![Handle, Review, Approve],
        },
        Role::Leader,
        Role::Supervisor,
        Role::Administrator,
    ]
}

fn transitions() -> Vec<Transition> {
    vec![
        Transition::Receive {
            channel: Channel::Window,
        },
        Transition::RequestSupplement {
            missing: vec!["营业执照复印件".into()],
        },
        Transition::RequestSupplement { missing: vec![] },
        Transition::Supplement,
        Transition::Accept,
        Transition::Reject {
            reason: "不属于本机关职权".into(),
            legal_basis: "行政许可法第三十二条".into(),
            competent_agency: None,
        },
        Transition::CompleteOnSpot,
        Transition::Handle {
            opinion: "拟同意".into(),
        },
        Transition::Review {
            opinion: "同意".into(),
        },
        Transition::Decide {
            approve: true,
            reason: String::new(),
            legal_basis: String::new(),
        },
        Transition::Decide {
            approve: false,
            reason: "不符合条件".into(),
            legal_basis: "某条例第五条".into(),
        },
        Transition::Suspend {
            procedure: SpecialProcedure::ExpertReview,
            reason: "专家评审".into(),
        },
        Transition::Resume,
        Transition::Extend {
            working_days: 10,
            reason: "情况复杂".into(),
        },
        Transition::Extend {
            working_days: 30,
            reason: "太长".into(),
        },
        Transition::Dispatch,
        Transition::ConcludeParts,
        Transition::Deliver,
        Transition::Withdraw {
            reason: "申请人撤回".into(),
        },
    ]
}

const PARTS: [&str; 2] = ["part-a", "part-b"];

fn terms(kind: u8) -> CaseTerms {
    CaseTerms {
        case_type: if kind == 0 {
            CaseType::Instant
        } else {
            CaseType::Promised
        },
        proxy_agent_permitted: true,
        max_extension_working_days: 10,
        parts: if kind == 2 {
            PARTS
                .iter()
                .map(|p| ParallelPart {
                    impl_code: (*p).into(),
                    department: "某局".into(),
                })
                .collect()
        } else {
            vec![]
        },
    }
}

fn check_applied(before: &CaseFlow, applied: &Applied) -> Result<(), TestCaseError> {
    for e in &applied.events {
        let from = e.from.unwrap();
        prop_assert!(
            is_allowed(from, e.transition.kind(), e.to),
            "{:?} -{:?}-> {:?}",
            from,
            e.transition.kind(),
            e.to
        );
    }
    let first = &applied.events[0];
    if first.part.is_none() {
        prop_assert_eq!(first.from, Some(before.status));
    }
    let after = &applied.flow;
    prop_assert_eq!(
        after.status,
        applied
            .events
            .last()
            .map(|e| if e.part.is_none() { e.to } else { after.status })
            .unwrap()
    );
    if after.status == CaseStatus::Concluded {
        prop_assert!(after.parts.iter().all(|p| p.status.is_decided()));
    }
    if after.status == CaseStatus::Dispatched {
        prop_assert!(!after.parts.iter().all(|p| p.status.is_decided()));
    }
    prop_assert!(after
        .extension
        .as_ref()
        .is_none_or(|x| x.working_days <= 10));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Whatever anyone tries, every move the machine makes is one the table lists.
    #[test]
    fn machine_stays_inside_the_table(
        kind in 0u8..3,
        steps in prop::collection::vec((0usize..8, 0usize..19, 0i64..4, prop::option::of(0usize..2)), 0..40),
    ) {
        let roles = roles();
        let transitions = transitions();
        let received = NaiveDate::from_ymd_opt(2026, 2, 10).unwrap();
        let due = WorkCalendar::default_cn().supplement_notice_due(received).date;
        let mut flow = CaseFlow::receive(terms(kind), &Role::WindowClerk, Channel::Window, received, due)
            .unwrap()
            .flow;
        let mut on = received;
        for (r, t, days, part) in steps {
            on += Duration::days(days);
            let (role, tr) = (&roles[r], &transitions[t]);
            let result = match part {
                Some(p) => flow.apply_to_part(PARTS[p], role, tr, on),
                None => flow.apply(role, tr, on),
            };
            if let Ok(applied) = result {
                check_applied(&flow, &applied)?;
                flow = applied.flow;
            }
        }
    }
}

/// Breadth-first over every role and action from a fresh case of each kind: every move made is in
/// the table, and every row of the table is actually made by some sequence (the table is tight).
#[test]
fn every_row_of_the_table_is_reachable() {
    use onestop_domain::lifecycle::TRANSITIONS;
    use std::collections::HashSet;

    let roles = roles();
    let transitions = transitions();
    let received = NaiveDate::from_ymd_opt(2026, 2, 10).unwrap();
    let mut seen_rows = HashSet::new();
    for kind in 0..3 {
        let start = CaseFlow::receive(
            terms(kind),
            &Role::WindowClerk,
            Channel::Window,
            received,
            received,
        )
        .unwrap()
        .flow;
        let mut seen = HashSet::new();
        let mut frontier = vec![start];
        for _depth in 0..10 {
            let mut next = vec![];
            for flow in &frontier {
                for role in &roles {
                    for t in &transitions {
                        let mut results = vec![flow.apply(role, t, received)];
                        for p in PARTS {
                            results.push(flow.apply_to_part(p, role, t, received));
                        }
                        for applied in results.into_iter().flatten() {
                            for e in &applied.events {
                                let row = (e.from.unwrap(), e.transition.kind(), e.to);
                                assert!(is_allowed(row.0, row.1, row.2), "{row:?}");
                                seen_rows.insert(row);
                            }
                            if seen.insert(serde_json::to_string(&applied.flow).unwrap()) {
                                next.push(applied.flow);
                            }
                        }
                    }
                }
            }
            frontier = next;
        }
    }
    let missing: Vec<_> = TRANSITIONS
        .iter()
        .filter(|r| !seen_rows.contains(*r))
        .collect();
    assert!(missing.is_empty(), "rows never taken: {missing:?}");
}
