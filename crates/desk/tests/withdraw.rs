//! 撤回申请 at the applicant's request, against the real server over HTTP. Before acceptance the
//! case is the window's: the step is an op, taken offline too, and reaches the server by sync.
//! After acceptance the server owns the status: the step is taken there, refused offline and
//! without the applicant's reason, and the window shows the server's answer at once.

mod common;

use std::time::Duration;

use common::server::TestServer;
use common::window::{wait_for, window};
use common::*;

const REASON: &str = "申请人书面申请撤回（已签收撤回申请书）";

async fn server_status(server: &TestServer, token: &str, case_id: &str) -> String {
    let (_, body) = server.case(token, case_id).await;
    body["status"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_case_is_withdrawn_on_the_server_and_not_offline() {
    let mut server = TestServer::start().await;
    let url = server.url.clone();
    let w = window(&server, &url).await;
    let d = &w.desk;
    let case_id = accept_food(d, "110101199003071233", "王芳")
        .await
        .snapshot
        .case_id;
    d.sync_now().unwrap();
    wait_for(
        "the server to confirm the case",
        Duration::from_secs(10),
        || {
            let id = case_id.clone();
            async move { d.case_detail(id).await.unwrap().server_status.is_some() }
        },
    )
    .await;
    let view = d.case_view(case_id.clone()).await.unwrap();
    assert!(
        view.actions.contains(&"withdraw".to_owned()),
        "{:?}",
        view.actions
    );

    // The applicant's reason is required by the domain, before anything is sent.
    let blank = d
        .withdraw_case(case_id.clone(), "  ".into())
        .await
        .unwrap_err();
    assert_eq!(blank.code, "case.reason_required", "{blank:?}");

    // Offline: refused with a message for the clerk, and nothing changes at the window.
    server.stop().await;
    let offline = d
        .withdraw_case(case_id.clone(), REASON.into())
        .await
        .unwrap_err();
    assert_eq!(offline.code, "withdraw.offline", "{offline:?}");
    assert!(offline.message.contains("联网"), "{offline:?}");
    assert_eq!(
        d.case_view(case_id.clone()).await.unwrap().status,
        "accepted"
    );
    server.restart().await;

    let view = d
        .withdraw_case(case_id.clone(), REASON.into())
        .await
        .unwrap();
    assert_eq!(view.status, "withdrawn", "{view:?}");
    assert_eq!(view.status_label, "已撤回");
    assert!(view.deadline.is_none(), "no clock after 撤回: {view:?}");
    assert!(view.actions.is_empty(), "{:?}", view.actions);
    assert_eq!(
        server_status(&server, &w.approver, &case_id).await,
        "withdrawn"
    );
    // Out of the 办件 list's cases in handling, and out of the home counts' clock.
    let row = d
        .list_cases(onestop_desk::CaseFilter {
            text: Some("王芳".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.case_id == case_id)
        .unwrap();
    assert_eq!(row.status, "withdrawn");
    assert_eq!(row.due_state, None);
    // The change log brings the server's line to the timeline.
    wait_for(
        "the server's 撤回 on the timeline",
        Duration::from_secs(10),
        || {
            let id = case_id.clone();
            async move {
                d.case_view(id)
                    .await
                    .unwrap()
                    .timeline
                    .iter()
                    .any(|l| l.from_server && l.detail.contains("撤回"))
            }
        },
    )
    .await;
    // Withdrawn is final, on the server too.
    let again = d
        .withdraw_case(case_id.clone(), REASON.into())
        .await
        .unwrap_err();
    assert_eq!(again.code, "case.transition_not_allowed", "{again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_not_yet_accepted_is_withdrawn_offline_and_synced_later() {
    let mut server = TestServer::start().await;
    let url = server.url.clone();
    let w = window(&server, &url).await;
    let d = &w.desk;
    let input = food_application(d, "110101199003071233", "王芳").await;
    let case_id = d.receive(input).await.unwrap().snapshot.case_id;

    server.stop().await;
    let view = d
        .withdraw_case(case_id.clone(), REASON.into())
        .await
        .unwrap();
    assert_eq!(view.status, "withdrawn", "{view:?}");
    assert!(!view.synced, "the step waits in the queue");
    assert!(view
        .timeline
        .iter()
        .any(|l| !l.from_server && l.label == "撤回申请"));

    server.restart().await;
    d.sync_now().unwrap();
    wait_for(
        "the server to hold the withdrawal",
        Duration::from_secs(15),
        || {
            let (s, token, id) = (&server, w.approver.clone(), case_id.clone());
            async move { server_status(s, &token, &id).await == "withdrawn" }
        },
    )
    .await;
}
