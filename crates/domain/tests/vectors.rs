//! Every golden vector of tests/data (copies of shared/data/vectors) must pass.

use chrono::NaiveDate;
use onestop_domain::calendar::WorkCalendar;
use onestop_domain::ids::{ResidentId, Uscc};
use onestop_domain::numbering::AcceptanceNumber;
use serde::Deserialize;

#[derive(Deserialize)]
struct IdCase {
    input: String,
    valid: bool,
    normalised: Option<String>,
    error: Option<String>,
    why: String,
}

fn load<T: for<'de> Deserialize<'de>>(name: &str) -> Vec<T> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The fixed "today" of the vectors (shared/data/README.md).
fn vector_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn check<T, E: std::fmt::Display>(
    case: &IdCase,
    result: Result<T, E>,
    text: impl Fn(&T) -> String,
    kind: impl Fn(&E) -> String,
) {
    match (case.valid, result) {
        (true, Ok(v)) => assert_eq!(Some(text(&v)), case.normalised, "{}", case.why),
        (false, Err(e)) => {
            assert_eq!(Some(kind(&e)), case.error, "{}: {e}", case.why);
            assert!(!e.to_string().is_empty());
        }
        (true, Err(e)) => panic!("{:?} should be valid ({}): {e}", case.input, case.why),
        (false, Ok(_)) => panic!("{:?} should be invalid ({})", case.input, case.why),
    }
}

#[test]
fn resident_id_vectors() {
    let cases: Vec<IdCase> = load("resident_ids.json");
    assert_eq!(cases.len(), 20);
    for c in &cases {
        check(
            c,
            ResidentId::parse(&c.input, vector_today()),
            |v| v.as_str().to_owned(),
            |e| e.kind().as_str().to_owned(),
        );
    }
}

#[test]
fn uscc_vectors() {
    let cases: Vec<IdCase> = load("uscc.json");
    assert_eq!(cases.len(), 15);
    for c in &cases {
        check(
            c,
            Uscc::parse(&c.input),
            |v| v.as_str().to_owned(),
            |e| e.kind().as_str().to_owned(),
        );
    }
}

#[test]
fn acceptance_number_vectors() {
    let cases: Vec<IdCase> = load("acceptance_numbers.json");
    assert_eq!(cases.len(), 10);
    for c in &cases {
        check(
            c,
            AcceptanceNumber::parse(&c.input),
            |v| v.to_string(),
            |e| e.kind().map(|k| k.as_str()).unwrap_or("none").to_owned(),
        );
    }
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum DeadlineCase {
    Limit {
        accepted_on: NaiveDate,
        working_days: u32,
        due: NaiveDate,
        why: String,
    },
    CorrectionNotice {
        received_on: NaiveDate,
        working_days: u32,
        notice_due: NaiveDate,
        why: String,
    },
}

#[test]
fn deadline_vectors() {
    let cal = WorkCalendar::default_cn();
    let cases: Vec<DeadlineCase> = load("deadlines.json");
    assert_eq!(cases.len(), 25);
    for c in cases {
        match c {
            DeadlineCase::Limit {
                accepted_on,
                working_days,
                due,
                why,
            } => {
                let r = cal.add_working_days(accepted_on, working_days);
                assert_eq!(r.date, due, "{why}");
                assert!(!r.provisional, "{why}");
                let back = cal.working_days_between(accepted_on, due);
                assert_eq!(back.days, i64::from(working_days), "{why}");
            }
            DeadlineCase::CorrectionNotice {
                received_on,
                working_days,
                notice_due,
                why,
            } => {
                assert_eq!(working_days, 5, "{why}");
                let r = cal.supplement_notice_due(received_on);
                assert_eq!(r.date, notice_due, "{why}");
                assert!(!r.provisional, "{why}");
            }
        }
    }
}
