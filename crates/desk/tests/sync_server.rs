//! A window against the real server, over HTTP only: enrol and sign in, accept cases while the
//! server is down, watch the queue drain when it returns, see an approval made on the server
//! reach the window, and see one poisoned op rejected alone and then retried by the clerk.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::server::{TestServer, PASSWORD};
use common::*;
use onestop_desk::{Desk, DeskConfig, KeyStore, MemoryKeyStore};
use onestop_domain::lifecycle::{ReviewStep, Role, SpecialProcedure, Transition};
use onestop_local::{Db, DB_FILE};
use reqwest::StatusCode;

async fn wait_for<F, Fut>(what: &str, limit: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_cases_drain_approval_returns_and_a_poisoned_op_waits_for_the_clerk() {
    let mut server = TestServer::start().await;
    let admin = server.login("admin", common::server::ADMIN_PASSWORD).await;
    let code = server.enrolment_code(&admin, "城关镇便民服务中心").await;

    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let mut config = DeskConfig::new(dir.path());
    config.keystore = Some(keys.clone() as Arc<dyn KeyStore>);
    config.server_url = server.url.clone();
    config.health_interval = Duration::from_millis(200);
    config.health_timeout = Duration::from_millis(150);
    config.sync_idle_poll = Duration::from_millis(300);
    config.sync_timeout = Duration::from_secs(2);
    let desk = Desk::start(config).unwrap();
    desk.install_catalogue(demo_json()).await.unwrap();

    // Enrolment: the server assigns the terminal code the acceptance numbers will carry.
    let enrolled = desk
        .enrol(server.url.clone(), code.code.clone())
        .await
        .unwrap();
    let identity = desk.window_identity().await.unwrap().unwrap();
    assert_eq!(identity.terminal_code, enrolled.terminal_code);
    assert_eq!(identity.county_code, "990101");
    let again = desk.enrol(server.url.clone(), code.code).await.unwrap_err();
    assert_eq!(again.code, "enrol.already_enrolled");

    server
        .create_user(
            &admin,
            "clerk",
            Role::WindowClerk,
            None,
            Some(&enrolled.window_id),
        )
        .await;
    let wrong = desk.login("clerk".into(), "nope".into()).await.unwrap_err();
    assert!(wrong.code.starts_with("auth."), "{wrong:?}");
    let user = desk.login("clerk".into(), PASSWORD.into()).await.unwrap();
    assert_eq!(user.username, "clerk");
    assert!(desk
        .cached_verifier()
        .await
        .unwrap()
        .unwrap()
        .phc
        .starts_with("$argon2"));

    // An approver of the item's department, who reads and decides cases on the server.
    let food = item(FOOD);
    server
        .create_user(
            &admin,
            "approver",
            Role::Approver {
                steps: vec![ReviewStep::Handle, ReviewStep::Review, ReviewStep::Approve],
            },
            Some(&food.department),
            None,
        )
        .await;
    let approver = server.login("approver", PASSWORD).await;

    // The server goes down; the window keeps accepting.
    server.stop().await;
    let mut cases = Vec::new();
    for (id, name) in [
        ("110101199003071233", "王芳"),
        ("110101196006060069", "李强"),
        ("110101199003071030", "赵敏"),
    ] {
        cases.push(accept_food(&desk, id, name).await.snapshot.case_id);
    }
    let status = desk.subscribe_sync();
    wait_for(
        "the queue to show the offline work",
        Duration::from_secs(10),
        || {
            let s = desk.sync_status();
            async move { s.queued_ops >= 6 && !s.online }
        },
    )
    .await;

    // It comes back: the queue drains without the clerk doing anything.
    let back = Instant::now();
    server.restart().await;
    wait_for("the queue to drain", Duration::from_secs(20), || {
        let s = desk.sync_status();
        async move { s.queued_ops == 0 && s.online && s.last_success_at.is_some() }
    })
    .await;
    eprintln!(
        "drained 3 cases {:?} after the server came back",
        back.elapsed()
    );
    for id in &cases {
        let (code, body) = server.case(&approver, id).await;
        assert_eq!(code, StatusCode::OK, "{body}");
    }
    assert!(status.has_changed().unwrap());

    // An approver decides the first case on the server; the window hears of it.
    let steps = [
        Transition::Handle {
            opinion: "同意".into(),
        },
        Transition::Review {
            opinion: "同意".into(),
        },
        Transition::Decide {
            approve: true,
            reason: String::new(),
            legal_basis: String::new(),
        },
    ];
    for step in steps.clone() {
        let (code, body) = server.act(&approver, &cases[0], step).await;
        assert!(
            code == StatusCode::OK || code == StatusCode::UNPROCESSABLE_ENTITY,
            "{code} {body}"
        );
    }
    desk.sync_now().unwrap();
    wait_for("the approval to reach the window", Duration::from_secs(10), || {
        let d = &desk;
        let id = cases[0].clone();
        async move { d.case_detail(id).await.unwrap().server_status.as_deref() == Some("approved") }
    })
    .await;
    // The round that pulled the approval publishes its notice when it ends (after the pull's
    // transaction), and later rounds keep it.
    wait_for("the clerk to be told", Duration::from_secs(10), || {
        let s = desk.sync_status();
        async move { s.notices.iter().any(|n| n.contains("结果可领取")) }
    })
    .await;

    // 送达 at the window: refused for a case not yet decided, recorded on the server for the
    // approved one, and refused with a clear code while the server cannot be reached.
    let e = desk.deliver_result(cases[1].clone()).await.unwrap_err();
    assert_eq!(e.code, "delivery.not_decided", "{}", e.message);
    let view = desk.deliver_result(cases[0].clone()).await.unwrap();
    assert_eq!(view.status, "delivered");
    assert_eq!(view.status_label, "已送达");
    assert!(!view.actions.iter().any(|a| a == "deliver"));
    let (code, body) = server.case(&approver, &cases[0]).await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(body["status"], "delivered", "{body}");
    // The list filters by the status the server holds, not the window's own "accepted".
    let delivered = desk
        .list_cases(onestop_desk::CaseFilter {
            statuses: vec!["delivered".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let ids: Vec<&str> = delivered.iter().map(|r| r.case_id.as_str()).collect();
    assert_eq!(ids, [cases[0].as_str()]);
    assert_eq!(delivered[0].status_label, "已送达");
    for step in steps {
        let (code, body) = server.act(&approver, &cases[1], step).await;
        assert_eq!(code, StatusCode::OK, "{body}");
    }
    desk.sync_now().unwrap();
    wait_for("the second approval", Duration::from_secs(10), || {
        let d = &desk;
        let id = cases[1].clone();
        async move {
            d.case_view(id)
                .await
                .unwrap()
                .actions
                .iter()
                .any(|a| a == "deliver")
        }
    })
    .await;

    // Two more cases while the server is down; one op is damaged on disk.
    server.stop().await;
    let e = desk.deliver_result(cases[1].clone()).await.unwrap_err();
    assert_eq!(e.code, "delivery.offline", "{}", e.message);
    let bad = accept_food(&desk, "11010119900307125X", "钱多")
        .await
        .snapshot
        .case_id;
    let good = accept_food(&desk, "110101199003071268", "孙丽")
        .await
        .snapshot
        .case_id;
    {
        let db = Db::open(&dir.path().join(DB_FILE), keys.as_ref()).unwrap();
        let n = db
            .conn()
            .execute(
                "UPDATE outbox SET payload = json_set(payload, '$.form.poisoned', 'x')
                 WHERE case_id = ?1 AND acked_at IS NULL",
                [&bad],
            )
            .unwrap();
        assert_eq!(n, 1);
    }
    // A round that read the outbox before the UPDATE may still be on its way, and if the server
    // came back under it, it would deliver the undamaged op. Rounds run one at a time and fail at
    // once while the server is down, so once three more have failed none of them is left.
    let failed_before = desk.sync_status().failures;
    wait_for(
        "rounds that read the undamaged op to end",
        Duration::from_secs(10),
        || {
            desk.sync_now().unwrap();
            let s = desk.sync_status();
            async move { s.failures >= failed_before + 3 }
        },
    )
    .await;
    // The connection monitor (200 ms probes) sees the server gone, so its return triggers a
    // round instead of the window waiting out its backoff.
    let mut connection = desk.subscribe_connection();
    tokio::time::timeout(
        Duration::from_secs(10),
        connection.wait_for(|s| s.state == onestop_desk::ConnectionState::Offline),
    )
    .await
    .expect("the monitor saw the outage")
    .expect("monitor alive");
    server.restart().await;
    wait_for(
        "the good case to pass the bad one",
        Duration::from_secs(20),
        || {
            let s = desk.sync_status();
            async move { s.queued_ops == 0 && !s.case_errors.is_empty() }
        },
    )
    .await;
    let errors = desk.sync_status().case_errors;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].case_id.as_deref(), Some(bad.as_str()));
    assert_eq!(errors[0].error.code, "op.bad_hash");
    // The row names the case as its voucher prints the number, in groups.
    let number = errors[0].acceptance_number.clone().unwrap();
    let grouped = errors[0].acceptance_number_grouped.clone().unwrap();
    assert!(
        grouped.contains('-') && grouped.len() > number.len(),
        "{grouped}"
    );
    assert_eq!(grouped.replace('-', ""), number);
    assert_eq!(server.case(&approver, &good).await.0, StatusCode::OK);
    assert_eq!(server.case(&approver, &bad).await.0, StatusCode::NOT_FOUND);

    // The clerk presses "retry": the case is sent again from what the window holds.
    desk.retry_case_sync(bad.clone()).await.unwrap();
    wait_for(
        "the retried case to arrive",
        Duration::from_secs(20),
        || {
            let s = desk.sync_status();
            async move { s.queued_ops == 0 && s.case_errors.is_empty() }
        },
    )
    .await;
    assert_eq!(server.case(&approver, &bad).await.0, StatusCode::OK);
    let nothing = desk.retry_case_sync(bad).await.unwrap_err();
    assert_eq!(nothing.code, "sync.nothing_to_retry");
}

/// After the window's acceptance the server owns the case: an extension granted there (by the
/// department's leader) moves the promised date the window shows and lists, and a later op of
/// the window (a scan added) does not move it back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_extension_granted_on_the_server_moves_the_windows_deadline() {
    let server = TestServer::start().await;
    let url = server.url.clone();
    let w = common::window::window(&server, &url).await;
    let case_id = accept_food(&w.desk, "110101199003071233", "王芳")
        .await
        .snapshot
        .case_id;
    w.desk.sync_now().unwrap();
    wait_for(
        "the server to confirm the case",
        Duration::from_secs(10),
        || {
            let (d, id) = (&w.desk, case_id.clone());
            async move { d.case_detail(id).await.unwrap().server_status.is_some() }
        },
    )
    .await;
    let due = |view: onestop_desk::views::CaseView| view.deadline.expect("a deadline").due;
    let own = due(w.desk.case_view(case_id.clone()).await.unwrap());

    let food = item(FOOD);
    server
        .create_user(
            &w.admin,
            "leader",
            Role::Leader,
            Some(&food.department),
            None,
        )
        .await;
    let leader = server.login("leader", PASSWORD).await;
    let (code, body) = server
        .act(
            &leader,
            &case_id,
            Transition::Extend {
                working_days: 5,
                reason: "需现场核查".into(),
            },
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let extended = body["due_on"]
        .as_str()
        .expect("the server's date")
        .to_owned();
    assert_ne!(extended, own, "the extension moves the date");

    w.desk.sync_now().unwrap();
    wait_for(
        "the window to show the extended date",
        Duration::from_secs(10),
        || {
            let (d, id, want) = (&w.desk, case_id.clone(), extended.clone());
            async move { due(d.case_view(id).await.unwrap()) == want }
        },
    )
    .await;

    // A later op of the window is confirmed with the server's date, not the one it computed.
    let letter = scan(w.dir.path(), "补充说明.pdf", b"%PDF-1.4 later scan");
    w.desk
        .import_attachment(onestop_desk::ImportAttachmentInput {
            actor: clerk(),
            case_id: case_id.clone(),
            attachment: onestop_desk::AttachmentInput {
                slot: food.materials[0].id.clone(),
                path: letter,
            },
        })
        .await
        .unwrap();
    w.desk.sync_now().unwrap();
    wait_for(
        "the scan's op to be confirmed",
        Duration::from_secs(10),
        || {
            let s = w.desk.sync_status();
            async move { s.queued_ops == 0 && s.last_error.is_none() }
        },
    )
    .await;
    assert_eq!(
        due(w.desk.case_view(case_id.clone()).await.unwrap()),
        extended
    );
    let listed = w
        .desk
        .cases_today()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.case_id == case_id)
        .expect("the case in today's list");
    assert_eq!(listed.due_on.map(|d| d.to_string()), Some(extended.clone()));

    // An expert review stops the clock on the server. The window keeps the server's flow with
    // its open pause, which the deadline card runs on while the case waits (tests/server_pause.rs
    // shows the card standing still over the days).
    let (code, body) = server
        .act(
            &w.approver,
            &case_id,
            Transition::Suspend {
                procedure: SpecialProcedure::ExpertReview,
                reason: "组织专家现场核查".into(),
            },
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    w.desk.sync_now().unwrap();
    let db = Db::open(&w.dir.path().join(DB_FILE), w.keys.as_ref()).unwrap();
    wait_for(
        "the window to keep the server's paused flow",
        Duration::from_secs(10),
        || {
            let flow = onestop_local::sync_state::server_state(db.conn(), &case_id)
                .unwrap()
                .and_then(|st| st.paused_flow().unwrap());
            async move { flow.is_some_and(|f| f.is_suspended() && f.pauses.len() == 1) }
        },
    )
    .await;

    // The review has gone on for two weeks (the stored pause is moved back, as if the server had
    // suspended the case then): the card moves the date by the days paused, and the 办件 list shows
    // the card's date, not the server's as of the suspension.
    let mut flow = onestop_local::sync_state::server_state(db.conn(), &case_id)
        .unwrap()
        .and_then(|st| st.paused_flow().unwrap())
        .unwrap();
    flow.pauses[0].from -= chrono::Duration::days(14);
    onestop_local::sync_state::record_server_flow(db.conn(), &case_id, &flow).unwrap();
    let card = w
        .desk
        .case_view(case_id.clone())
        .await
        .unwrap()
        .deadline
        .expect("a deadline");
    assert_ne!(card.due, extended, "the pause moves the date: {card:?}");
    let row = w
        .desk
        .list_cases(onestop_desk::CaseFilter {
            text: Some("王芳".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.case_id == case_id)
        .expect("the case in the 办件 list");
    assert_eq!(row.due_on, Some(card.due), "{row:?}");
    assert_eq!(
        row.due_state.as_deref(),
        Some(card.state.as_str()),
        "{row:?}"
    );
}
