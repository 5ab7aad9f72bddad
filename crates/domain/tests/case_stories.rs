//! More stories: roles, 即办件, 一件事 bundles and 电子监察.

use chrono::NaiveDate;
use onestop_domain::calendar::WorkCalendar;
use onestop_domain::catalogue::{CaseType, Catalogue};
use onestop_domain::lifecycle::{
    CaseFlow, CaseStatus, CaseTerms, Channel, ReviewStep, Role, Transition,
};
use onestop_domain::supervision::{
    case_deadline, check_events, DeadlineState, ProcessRule, WarningThresholds,
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

/// A village agent files and carries a case but never decides; supervisors only read.
#[test]
fn a_village_agent_may_not_approve() {
    let due = d(2026, 3, 9);
    let agent = Role::ProxyAgent;
    let flow = CaseFlow::receive(
        terms("最低生活保障"),
        &agent,
        Channel::ProxyAgent,
        d(2026, 3, 2),
        due,
    )
    .unwrap()
    .flow;
    let flow = step(&flow, &clerk(), Transition::Accept, d(2026, 3, 3));
    let flow = step(
        &flow,
        &handler(),
        Transition::Handle {
            opinion: opinion("入户调查属实"),
        },
        d(2026, 3, 10),
    );
    let flow = step(
        &flow,
        &reviewer(),
        Transition::Review {
            opinion: opinion("公示无异议"),
        },
        d(2026, 3, 20),
    );
    let approve = Transition::Decide {
        approve: true,
        reason: String::new(),
        legal_basis: String::new(),
    };
    let err = flow.apply(&agent, &approve, d(2026, 3, 23)).unwrap_err();
    assert_eq!(err.code(), "case.role_not_permitted");
    assert_eq!(err.to_string(), "村级代办员无权执行“批准”");
    assert_eq!(
        flow.apply(&Role::Supervisor, &approve, d(2026, 3, 23))
            .unwrap_err()
            .code(),
        "case.role_not_permitted"
    );
    assert_eq!(
        flow.apply(&handler(), &approve, d(2026, 3, 23))
            .unwrap_err()
            .code(),
        "case.role_not_permitted"
    );
    let approved = step(&flow, &reviewer(), approve, d(2026, 3, 23));
    let delivered = approved
        .apply(&agent, &Transition::Deliver, d(2026, 3, 24))
        .unwrap();
    assert_eq!(delivered.flow.status, CaseStatus::Delivered);

    // An item that needs the applicant in person cannot be carried by an agent.
    let err = CaseFlow::receive(
        terms("残疾人证"),
        &agent,
        Channel::ProxyAgent,
        d(2026, 3, 2),
        due,
    )
    .unwrap_err();
    assert_eq!(err.code(), "case.proxy_not_permitted");
}

/// 即办件: the window decides on the spot; a promised item cannot be.
#[test]
fn instant_item_completed_on_the_spot() {
    let t = terms("个体工商户设立登记");
    assert_eq!(t.case_type, CaseType::Instant);
    let flow = receive(t, d(2026, 11, 27));
    let done = step(&flow, &clerk(), Transition::CompleteOnSpot, d(2026, 11, 27));
    assert_eq!(done.status, CaseStatus::Approved);
    assert_eq!(
        (done.accepted_on, done.decided_on),
        (Some(d(2026, 11, 27)), Some(d(2026, 11, 27)))
    );
    let promised = receive(terms("食品经营许可"), d(2026, 11, 27));
    assert_eq!(
        promised
            .apply(&clerk(), &Transition::CompleteOnSpot, d(2026, 11, 27))
            .unwrap_err()
            .code(),
        "case.not_instant_item"
    );
}

/// Art. 26: 一件事 — the parts move independently; the case concludes when all are decided.
#[test]
fn a_bundle_concludes_when_every_part_is_decided() {
    let t = terms("企业开办");
    let parts: Vec<String> = t.parts.iter().map(|p| p.impl_code.clone()).collect();
    assert_eq!(parts.len(), 4);
    let flow = receive(t, d(2026, 11, 2));
    let flow = step(&flow, &clerk(), Transition::Accept, d(2026, 11, 2));
    assert_eq!(
        flow.apply(
            &handler(),
            &Transition::Handle {
                opinion: opinion("x")
            },
            d(2026, 11, 2)
        )
        .unwrap_err()
        .code(),
        "case.bundle_must_dispatch"
    );
    let mut flow = step(&flow, &clerk(), Transition::Dispatch, d(2026, 11, 2));
    assert_eq!(flow.status, CaseStatus::Dispatched);
    let approver = Role::Approver {
        steps: vec![ReviewStep::Handle, ReviewStep::Review, ReviewStep::Approve],
    };
    // The last part moves first: order does not matter.
    for (n, code) in parts.iter().rev().enumerate() {
        for t in [
            Transition::Handle {
                opinion: opinion("同意"),
            },
            Transition::Review {
                opinion: opinion("同意"),
            },
            Transition::Decide {
                approve: true,
                reason: String::new(),
                legal_basis: String::new(),
            },
        ] {
            let applied = flow
                .apply_to_part(code, &approver, &t, d(2026, 11, 3))
                .unwrap();
            let last = n == parts.len() - 1 && matches!(t, Transition::Decide { .. });
            assert_eq!(applied.events.len(), if last { 2 } else { 1 });
            flow = applied.flow;
        }
        let expected = if n == parts.len() - 1 {
            CaseStatus::Concluded
        } else {
            CaseStatus::Dispatched
        };
        assert_eq!(flow.status, expected);
    }
    let err = flow
        .apply_to_part("nope", &approver, &Transition::Resume, d(2026, 11, 3))
        .unwrap_err();
    assert_eq!(err.code(), "case.parts_not_dispatched");
    assert_eq!(
        step(&flow, &clerk(), Transition::Deliver, d(2026, 11, 4)).status,
        CaseStatus::Delivered
    );
}

/// 电子监察: a timeline from elsewhere with a decision before acceptance, skipped steps and an
/// extension without reason is flagged; the machine's own timeline is clean.
#[test]
fn supervision_flags_process_breaches() {
    let flow = receive(terms("民办学校筹设"), d(2025, 3, 3));
    let mut events = vec![];
    let mut cur = flow;
    for (role, t) in [
        (clerk(), Transition::Accept),
        (
            handler(),
            Transition::Handle {
                opinion: opinion("同意"),
            },
        ),
        (
            Role::Leader,
            Transition::Extend {
                working_days: 5,
                reason: opinion("需考察"),
            },
        ),
        (
            reviewer(),
            Transition::Review {
                opinion: opinion("同意"),
            },
        ),
        (
            reviewer(),
            Transition::Decide {
                approve: true,
                reason: String::new(),
                legal_basis: String::new(),
            },
        ),
        (clerk(), Transition::Deliver),
    ] {
        let applied = cur.apply(&role, &t, d(2025, 3, 10)).unwrap();
        events.extend(applied.events);
        cur = applied.flow;
    }
    assert_eq!(check_events(&events), vec![]);

    let mut bad = events.clone();
    bad.remove(0); // no acceptance
    bad.remove(0); // no 承办
    if let Transition::Extend { reason, .. } = &mut bad[0].transition {
        reason.clear();
    }
    let dup = bad[0].clone();
    bad.insert(1, dup);
    let rules: Vec<ProcessRule> = check_events(&bad).into_iter().map(|v| v.rule).collect();
    for r in [
        ProcessRule::DecisionBeforeAcceptance,
        ProcessRule::StepSkipped,
        ProcessRule::ExtensionWithoutReason,
        ProcessRule::ExtensionRepeated,
    ] {
        assert!(rules.contains(&r), "{r:?} not in {rules:?}");
    }
}

/// Yellow at 2 working days left or 80% used; red when overdue.
#[test]
fn yellow_and_red_cards() {
    let cal = WorkCalendar::default_cn();
    let flow = receive(terms("食品经营许可"), d(2025, 3, 3));
    let flow = step(&flow, &clerk(), Transition::Accept, d(2025, 3, 3));
    let t = WarningThresholds::default();
    // Promised 5: due Monday 2025-03-10.
    let at = |day| case_deadline(&flow, 5, &cal, day, t).unwrap();
    assert_eq!(at(d(2025, 3, 4)).state, DeadlineState::Normal);
    assert_eq!(
        at(d(2025, 3, 6)).state,
        DeadlineState::Yellow,
        "2 working days left"
    );
    assert_eq!(at(d(2025, 3, 10)).state, DeadlineState::Yellow, "due today");
    assert_eq!(at(d(2025, 3, 11)).state, DeadlineState::Red);
    assert_eq!(at(d(2025, 3, 11)).days_left, -1);
    let strict = WarningThresholds {
        days_left: 0,
        percent_used: 40,
    };
    assert_eq!(
        case_deadline(&flow, 5, &cal, d(2025, 3, 5), strict)
            .unwrap()
            .state,
        DeadlineState::Yellow
    );
    assert_eq!(
        case_deadline(&flow, 5, &cal, d(2025, 3, 4), strict)
            .unwrap()
            .state,
        DeadlineState::Normal
    );
}
