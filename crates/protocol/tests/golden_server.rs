//! Golden JSON for the server-side wire types: enrolment, auth, workflow. Regenerate with
//! `ONESTOP_BLESS=1 cargo test -p onestop-protocol --test golden_server`.

mod common;

use common::check;

use chrono::{NaiveDate, TimeZone, Utc};
use onestop_domain::catalogue::{CaseType, WindowLevel};
use onestop_domain::lifecycle::{
    CaseFlow, CaseStatus, CaseTerms, Channel, ReviewStep, Role, Transition,
};
use onestop_protocol::*;

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 1, 2, 3).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

#[test]
fn signing_string_is_frozen() {
    let text = signing::signing_string(
        "post",
        "/v1/ops?x=1",
        1_795_000_000,
        "0123456789abcdef",
        &signing::body_sha256(b""),
    );
    assert_eq!(
        text,
        "ONESTOP-ED25519-V1\nPOST\n/v1/ops?x=1\n1795000000\n0123456789abcdef\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert!(signing::nonce_ok("0123456789abcdef"));
    assert!(!signing::nonce_ok("short"));
    assert!(!signing::nonce_ok("0123456789abcdef/"));
}

#[test]
fn enrolment() {
    check(
        "enrolment_code_request",
        &EnrolmentCodeRequest {
            county_code: "990101".into(),
            level: WindowLevel::Village,
            window_name: "青山镇石门村代办点".into(),
            parent_window_id: Some("019ac6a0-0000-7000-8000-0000000000a1".into()),
        },
    );
    check(
        "enrolment_code",
        &EnrolmentCode {
            code: "K7QM-3XPA-RT9D-W2HN".into(),
            window_id: "019ac6a0-0000-7000-8000-0000000000a2".into(),
            expires_at: at(),
        },
    );
    check(
        "enroll_request",
        &EnrollRequest {
            code: "K7QM-3XPA-RT9D-W2HN".into(),
            public_key: "A".repeat(43) + "=",
        },
    );
    check(
        "enroll_response",
        &EnrollResponse {
            device_id: "019ac6a0-0000-7000-8000-0000000000d1".into(),
            window_id: "019ac6a0-0000-7000-8000-0000000000a2".into(),
            window_name: "青山镇石门村代办点".into(),
            county_code: "990101".into(),
            level: WindowLevel::Village,
            terminal_code: "0012".into(),
        },
    );
}

fn user() -> UserInfo {
    UserInfo {
        user_id: "019ac6a0-0000-7000-8000-0000000000u1".into(),
        username: "wang.fang".into(),
        display_name: "王芳".into(),
        role: Role::Approver {
            steps: vec![ReviewStep::Handle, ReviewStep::Review],
        },
        county_code: "990101".into(),
        department: Some("示范县教育局".into()),
        window_id: None,
    }
}

#[test]
fn auth() {
    check(
        "create_user_request",
        &CreateUserRequest {
            username: "li.ming".into(),
            display_name: "李明".into(),
            password: "correct horse".into(),
            role: Role::WindowClerk,
            county_code: "990101".into(),
            department: None,
            window_id: Some("019ac6a0-0000-7000-8000-0000000000a2".into()),
        },
    );
    check("user_info", &user());
    check(
        "login_request",
        &LoginRequest {
            username: "wang.fang".into(),
            password: "correct horse".into(),
        },
    );
    check(
        "login_response",
        &LoginResponse {
            token: "tok".into(),
            expires_at: at(),
            device_id: Some("019ac6a0-0000-7000-8000-0000000000d1".into()),
            user: user(),
            verifier: PasswordVerifier {
                algorithm: "argon2id".into(),
                phc: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA".into(),
                valid_until: at(),
            },
        },
    );
}

fn flow() -> CaseFlow {
    let terms = CaseTerms {
        case_type: CaseType::Promised,
        proxy_agent_permitted: true,
        max_extension_working_days: 10,
        parts: vec![],
    };
    let received =
        CaseFlow::receive(terms, &Role::WindowClerk, Channel::Window, day(27), day(30)).unwrap();
    received
        .flow
        .apply(&Role::WindowClerk, &Transition::Accept, day(27))
        .unwrap()
        .flow
}

#[test]
fn workflow() {
    let handler = Role::Approver {
        steps: vec![ReviewStep::Handle],
    };
    let applied = flow()
        .apply(
            &handler,
            &Transition::Handle {
                opinion: "材料齐全".into(),
            },
            day(28),
        )
        .unwrap();
    check(
        "case_action_request",
        &CaseActionRequest {
            transition: Transition::Decide {
                approve: false,
                reason: "不符合设置标准".into(),
                legal_basis: "《民办教育促进法》第十条".into(),
            },
            part: Some("019900010000-990101000000-000-11990101MB00010174-1-01".into()),
            expected_version: Some(3),
        },
    );
    check(
        "case_status_changed",
        &CaseStatusChanged {
            status: CaseStatus::Handled,
            flow: applied.flow.clone(),
            events: applied.events,
            actor: "wang.fang".into(),
            actor_name: Some("王芳".into()),
            actor_window: Some("城关镇便民服务中心1号窗口".into()),
            due_on: Some(NaiveDate::from_ymd_opt(2027, 1, 11).unwrap()),
            due_provisional: true,
            version: 1,
        },
    );
    check(
        "case_confirmed",
        &CaseConfirmed {
            acceptance_number: "990101001226112700073".into(),
            status: CaseStatus::Accepted,
            due_on: None,
            due_provisional: false,
            version: 0,
        },
    );
    check(
        "case_view",
        &CaseView {
            case_id: "019ac6a0-0000-7000-8000-0000000000c1".into(),
            acceptance_number: "990101001226112700073".into(),
            window_id: "019ac6a0-0000-7000-8000-0000000000a2".into(),
            county_code: "990101".into(),
            item_impl_code: "019900010000-990101000000-000-11990101MB00010174-1-01".into(),
            department: "示范县教育局".into(),
            status: CaseStatus::Handled,
            flow: applied.flow,
            due_on: None,
            due_provisional: false,
            version: 1,
        },
    );
    check(
        "inbox",
        &Inbox {
            entries: vec![InboxEntry {
                case_id: "019ac6a0-0000-7000-8000-0000000000c1".into(),
                acceptance_number: "990101001226112700073".into(),
                item_impl_code: "019900010000-990101000000-000-11990101MB00010174-1-01".into(),
                part: None,
                department: "示范县教育局".into(),
                status: CaseStatus::Accepted,
                due_on: Some(NaiveDate::from_ymd_opt(2027, 1, 11).unwrap()),
                version: 0,
                applicant_name: Some("王芳".into()),
            }],
        },
    );
}
