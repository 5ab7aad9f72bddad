//! Stories a clerk would recognise, each tied to the article it comes from.

use chrono::NaiveDate;
use onestop_domain::calendar::WorkCalendar;
use onestop_domain::catalogue::Catalogue;
use onestop_domain::lifecycle::{
    CaseFlow, CaseStatus, CaseTerms, Channel, ReviewStep, Role, SpecialProcedure, Transition,
};
use onestop_domain::supervision::{
    case_deadline, effective_acceptance, DeadlineState, WarningThresholds,
};
use onestop_domain::Coded;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn demo() -> Catalogue {
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/catalogue/demo.json"
    ))
    .unwrap();
    Catalogue::from_json(&json).unwrap()
}

fn terms(name_part: &str) -> CaseTerms {
    let cat = demo();
    let item = cat
        .items
        .iter()
        .find(|i| i.name.contains(name_part))
        .unwrap();
    CaseTerms::from_item(item)
}

fn clerk() -> Role {
    Role::WindowClerk
}

fn handler() -> Role {
    Role::Approver {
        steps: vec![ReviewStep::Handle],
    }
}

fn reviewer() -> Role {
    Role::Approver {
        steps: vec![ReviewStep::Review, ReviewStep::Approve],
    }
}

fn receive(terms: CaseTerms, on: NaiveDate) -> CaseFlow {
    let due = WorkCalendar::default_cn().supplement_notice_due(on).date;
    CaseFlow::receive(terms, &clerk(), Channel::Window, on, due)
        .unwrap()
        .flow
}

fn step(flow: &CaseFlow, role: &Role, t: Transition, on: NaiveDate) -> CaseFlow {
    flow.apply(role, &t, on).unwrap().flow
}

fn opinion(s: &str) -> String {
    s.to_owned()
}

/// Art. 32 (4): the window lets the 5 working days pass without telling the applicant what is
/// missing. The application counts as accepted from the day of receipt, a late notice is refused,
/// refusing the case is no longer possible, and the deadline runs from the receipt day.
#[test]
fn missed_notice_means_deemed_acceptance() {
    let cal = WorkCalendar::default_cn();
    let received = d(2025, 3, 3); // Monday; notice due Monday 2025-03-10
    let flow = receive(terms("食品经营许可"), received);
    assert_eq!(flow.supplement_notice_due, d(2025, 3, 10));

    let late = d(2025, 3, 11);
    let err = flow
        .apply(
            &clerk(),
            &Transition::RequestSupplement {
                missing: vec!["平面图".into()],
            },
            late,
        )
        .unwrap_err();
    assert_eq!(err.code(), "case.supplement_notice_overdue");
    let reject = Transition::Reject {
        reason: opinion("材料不全"),
        legal_basis: opinion("行政许可法第三十二条"),
        competent_agency: None,
    };
    assert_eq!(
        flow.apply(&clerk(), &reject, late).unwrap_err().code(),
        "case.deemed_accepted"
    );

    let accepted = step(&flow, &clerk(), Transition::Accept, late);
    assert_eq!(accepted.accepted_on, Some(received));
    assert!(accepted.deemed_accepted);
    // Promised 5 working days from receipt, not from the late acceptance.
    let status = case_deadline(&accepted, 5, &cal, late, WarningThresholds::default()).unwrap();
    assert_eq!(status.due, d(2025, 3, 10));
    assert_eq!(status.state, DeadlineState::Red);

    // The same rule from a bare record, as the server applies it to imported cases.
    let a = effective_acceptance(&cal, received, None, None, d(2025, 3, 11)).unwrap();
    assert!(a.deemed && a.date == received);
    assert_eq!(
        effective_acceptance(&cal, received, None, None, d(2025, 3, 10)),
        None
    );
    let on_time = effective_acceptance(
        &cal,
        received,
        Some(d(2025, 3, 5)),
        Some(d(2025, 3, 20)),
        d(2025, 3, 20),
    );
    assert_eq!(
        on_time.map(|a| (a.date, a.deemed)),
        Some((d(2025, 3, 20), false))
    );
    let late_notice =
        effective_acceptance(&cal, received, Some(d(2025, 3, 12)), None, d(2025, 3, 12));
    assert_eq!(
        late_notice.map(|a| (a.date, a.deemed)),
        Some((received, true))
    );
}

/// Art. 32 (4): one notice lists everything; after the supplement, acceptance dates from the day
/// the complete supplement arrived.
#[test]
fn one_notice_then_acceptance_from_the_supplement() {
    let flow = receive(terms("食品经营许可"), d(2026, 4, 29));
    let asked = step(
        &flow,
        &clerk(),
        Transition::RequestSupplement {
            missing: vec!["经营场所平面图".into(), "食品安全管理制度".into()],
        },
        d(2026, 4, 30),
    );
    let supplied = asked
        .apply(&Role::ProxyAgent, &Transition::Supplement, d(2026, 5, 6))
        .unwrap()
        .flow;
    assert_eq!(
        supplied
            .apply(
                &clerk(),
                &Transition::RequestSupplement {
                    missing: vec!["又一份".into()]
                },
                d(2026, 5, 7)
            )
            .unwrap_err()
            .code(),
        "case.supplement_once"
    );
    let accepted = step(&supplied, &clerk(), Transition::Accept, d(2026, 5, 7));
    assert_eq!(accepted.accepted_on, Some(d(2026, 5, 6)));
    assert!(!accepted.deemed_accepted);
}

/// Art. 42: the head of the agency extends once, by at most 10 working days, with a reason.
#[test]
fn an_extension() {
    let cal = WorkCalendar::default_cn();
    let flow = receive(terms("民办学校筹设"), d(2025, 3, 3));
    let flow = step(&flow, &clerk(), Transition::Accept, d(2025, 3, 3));
    let flow = step(
        &flow,
        &handler(),
        Transition::Handle {
            opinion: opinion("需补充论证"),
        },
        d(2025, 3, 20),
    );

    let extend = |days, reason: &str| Transition::Extend {
        working_days: days,
        reason: reason.into(),
    };
    assert_eq!(
        flow.apply(&clerk(), &extend(10, "复杂"), d(2025, 4, 1))
            .unwrap_err()
            .code(),
        "case.role_not_permitted"
    );
    assert_eq!(
        flow.apply(&Role::Leader, &extend(10, " "), d(2025, 4, 1))
            .unwrap_err()
            .code(),
        "case.reason_required"
    );
    assert_eq!(
        flow.apply(&Role::Leader, &extend(11, "复杂"), d(2025, 4, 1))
            .unwrap_err()
            .code(),
        "case.extension_too_long"
    );
    let extended = step(
        &flow,
        &Role::Leader,
        extend(10, "需组织实地考察，情况复杂"),
        d(2025, 4, 1),
    );
    assert_eq!(extended.status, CaseStatus::Handled);
    assert_eq!(
        extended
            .apply(&Role::Leader, &extend(5, "再延"), d(2025, 4, 2))
            .unwrap_err()
            .code(),
        "case.extension_already_used"
    );
    // 30 promised + 10 extension working days from 2025-03-03: Qingming 04-04 is off, the
    // make-up Sunday 04-27 is on.
    let status = case_deadline(
        &extended,
        30,
        &cal,
        d(2025, 4, 1),
        WarningThresholds::default(),
    )
    .unwrap();
    assert_eq!(status.due, cal.add_working_days(d(2025, 3, 3), 40).date);
    assert_eq!(status.due, d(2025, 4, 28));
    assert_eq!(status.state, DeadlineState::Normal);
}

/// Art. 45: an expert review from before Spring Festival 2026 to after it pauses the clock, and
/// only the working days of the pause are added; the holiday itself was never a working day.
#[test]
fn a_pause_across_spring_festival_2026() {
    let cal = WorkCalendar::default_cn();
    let flow = receive(terms("民办学校筹设"), d(2026, 2, 2));
    let flow = step(&flow, &clerk(), Transition::Accept, d(2026, 2, 2));
    let before =
        case_deadline(&flow, 30, &cal, d(2026, 2, 2), WarningThresholds::default()).unwrap();
    // 30 working days from Mon 2026-02-02 cross the festival (02-15..23 off, 02-14 and 02-28 on).
    assert_eq!(before.due, d(2026, 3, 20));

    let flow = step(
        &flow,
        &handler(),
        Transition::Handle {
            opinion: opinion("提请专家评审"),
        },
        d(2026, 2, 9),
    );
    let suspend = Transition::Suspend {
        procedure: SpecialProcedure::ExpertReview,
        reason: opinion("组织专家评审，书面告知申请人"),
    };
    let paused = step(&flow, &reviewer(), suspend, d(2026, 2, 12));
    assert_eq!(paused.status, CaseStatus::Suspended);
    // While it lasts, the due date moves with it.
    let during = case_deadline(
        &paused,
        30,
        &cal,
        d(2026, 2, 25),
        WarningThresholds::default(),
    )
    .unwrap();
    assert!(during.due > before.due);

    let resumed = step(&paused, &reviewer(), Transition::Resume, d(2026, 2, 26));
    assert_eq!(resumed.status, CaseStatus::Handled, "back where it stopped");
    // Paused working days in (02-12, 02-26]: 13, 14 (make-up Saturday), 24, 25, 26 = 5.
    assert_eq!(
        cal.working_days_between(d(2026, 2, 12), d(2026, 2, 26))
            .days,
        5
    );
    let after = case_deadline(
        &resumed,
        30,
        &cal,
        d(2026, 2, 26),
        WarningThresholds::default(),
    )
    .unwrap();
    assert_eq!(after.due, cal.add_working_days(d(2026, 2, 2), 35).date);
    assert_eq!(after.due, d(2026, 3, 27));
    assert_eq!(after.state, DeadlineState::Normal);
    assert_eq!(resumed.pauses[0].to, Some(d(2026, 2, 26)));
}

#[test]
fn a_withdrawal_during_approval_closes_the_open_pause_and_needs_the_applicants_reason() {
    let flow = receive(terms("民办学校筹设"), d(2025, 3, 3));
    let flow = step(&flow, &clerk(), Transition::Accept, d(2025, 3, 3));
    let flow = step(
        &flow,
        &handler(),
        Transition::Suspend {
            procedure: onestop_domain::lifecycle::SpecialProcedure::ExpertReview,
            reason: "组织专家评审".into(),
        },
        d(2025, 3, 10),
    );
    let withdraw = |reason: &str| Transition::Withdraw {
        reason: reason.into(),
    };
    assert_eq!(
        flow.apply(&clerk(), &withdraw("  "), d(2025, 3, 12))
            .unwrap_err()
            .code(),
        "case.reason_required"
    );
    let withdrawn = step(
        &flow,
        &clerk(),
        withdraw("申请人书面申请撤回"),
        d(2025, 3, 12),
    );
    assert_eq!(withdrawn.status, CaseStatus::Withdrawn);
    assert_eq!(withdrawn.pauses[0].to, Some(d(2025, 3, 12)));
    // Final: nothing follows a withdrawal, not even a second one.
    assert_eq!(
        withdrawn
            .apply(&clerk(), &withdraw("再撤"), d(2025, 3, 13))
            .unwrap_err()
            .code(),
        "case.transition_not_allowed"
    );
}
