//! The deadline card of a case the server holds in a special procedure (特别程序): the clock is
//! stopped there, so the window's card must not run on towards a 红牌. The server's change is
//! stored the way the sync port stores a `case.status` change (`onestop_local::sync_state`, as
//! `sync::ports::apply_change` calls it), on the real encrypted window database.

mod common;

use chrono::Utc;
use common::*;
use onestop_domain::catalogue::WindowLevel;
use onestop_domain::lifecycle::{CaseStatus, Pause, SpecialProcedure};
use onestop_domain::supervision::DeadlineState;
use onestop_local::sync_state::{self, ServerCaseState};
use onestop_local::{Db, DB_FILE};

#[tokio::test]
async fn a_case_paused_on_the_server_keeps_its_working_days_until_it_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let t = desk_at(dir.path(), day(2026, 3, 2), WindowLevel::County).await;
    let d = &t.desk;
    let case = accept_food(d, "110101199003071233", "王芳").await;
    let case_id = case.snapshot.case_id.clone();
    // 5 working days from Monday 2 March: Monday 9 March.
    assert_eq!(case.snapshot.due_on, Some(day(2026, 3, 9)));

    // On Wednesday 4 March the department orders an expert review (专家评审), which the law does
    // not count in the time limit (art. 45); the server stops the case's clock.
    let mut flow = case.snapshot.flow.clone();
    flow.status = CaseStatus::Suspended;
    flow.pauses.push(Pause {
        procedure: SpecialProcedure::ExpertReview,
        reason: "组织专家现场核查".into(),
        from: day(2026, 3, 4),
        to: None,
    });
    let db = Db::open(&dir.path().join(DB_FILE), t.keys.as_ref()).unwrap();
    let state = ServerCaseState {
        status: "suspended",
        due_on: Some(day(2026, 3, 9)),
        due_provisional: false,
        version: 2,
    };
    assert!(sync_state::apply_server_state(db.conn(), &case_id, &state, Utc::now()).unwrap());
    sync_state::record_server_flow(db.conn(), &case_id, &flow).unwrap();

    // A week later the review is still on. Without the pause the case would be overdue since 9
    // March; with it the days left are those it had when the clock stopped.
    t.clock.set_day(day(2026, 3, 11));
    let paused = d
        .case_detail(case_id.clone())
        .await
        .unwrap()
        .deadline
        .unwrap();
    assert_ne!(paused.state, DeadlineState::Red, "{paused:?}");
    assert!(paused.due > day(2026, 3, 11), "{paused:?}");
    assert!(!d
        .cases_overdue()
        .await
        .unwrap()
        .iter()
        .any(|c| c.case_id == case_id));
    t.clock.set_day(day(2026, 3, 13));
    let later = d
        .case_detail(case_id.clone())
        .await
        .unwrap()
        .deadline
        .unwrap();
    assert_eq!(
        later.days_left, paused.days_left,
        "the count stands still while paused: {paused:?} then {later:?}"
    );

    // Resumed on Monday 16 March: the server sends the date it moved by the pause, and the card
    // runs against that date again.
    flow.status = CaseStatus::Accepted;
    flow.pauses[0].to = Some(day(2026, 3, 16));
    let state = ServerCaseState {
        status: "accepted",
        due_on: Some(day(2026, 3, 19)),
        due_provisional: false,
        version: 3,
    };
    assert!(sync_state::apply_server_state(db.conn(), &case_id, &state, Utc::now()).unwrap());
    sync_state::record_server_flow(db.conn(), &case_id, &flow).unwrap();
    t.clock.set_day(day(2026, 3, 16));
    let resumed = d
        .case_detail(case_id.clone())
        .await
        .unwrap()
        .deadline
        .unwrap();
    assert_eq!(resumed.due, day(2026, 3, 19), "{resumed:?}");
}
