//! Scenarios (b) and (c) of the window screens, in the real app against the real server:
//! (b) with the server down, three cases are accepted and their vouchers printed; when the server
//! is back, the queue in the status bar drains to 0, and an approval made through the server's
//! API appears in the case's timeline; (c) a 一次性告知 for a missing photo, then the supplement
//! recorded on the case page, then acceptance.

use std::time::Duration;

use fantoccini::key::Key;
use onestop_e2e::flows::{
    find_case_id, keep_screenshot, launch_enrolled, pdfs, press, printed_text, record_delivery,
    reopen_until, result_number, start_disability_case, LONG,
};
use onestop_e2e::seed::{Api, CLERK_PASSWORD, DISABILITY_DEPT};
use onestop_e2e::{free_port, TestServer};
use serde_json::json;

const IDS: [(&str, &str); 3] = [
    ("110101199003071233", "赵离线"),
    ("110101196006060069", "钱离线"),
    ("110101198001010010", "孙离线"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_cases_drain_and_server_approval_reaches_the_timeline() {
    let data = tempfile::tempdir().unwrap();
    let mut server = TestServer::start_demo(data.path(), free_port()).await;
    let api = Api::new(&server.url());
    let seed = api
        .seed("示范县政务服务中心 综合受理 2 号窗口", DISABILITY_DEPT)
        .await;
    let app = launch_enrolled(&server.url(), &data.path().join("desk"), &seed.code).await;

    // (b) The server goes away; the window keeps accepting and printing.
    server.stop();
    app.wait_attr(
        "[data-testid=connection-state]",
        "data-state",
        "offline",
        LONG,
    )
    .await;
    let mut numbers = Vec::new();
    app.nav("accept").await;
    for (id, name) in IDS {
        start_disability_case(&app, id, name).await;
        press(&app, Key::F2).await;
        app.wait_visible("[data-testid=voucher-page]", LONG).await;
        let number = result_number(&app).await;
        let before = pdfs();
        press(&app, Key::Enter).await;
        let printed: String = printed_text(&before)
            .await
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        assert!(printed.contains(&number), "printed offline: {number}");
        numbers.push(number);
        press(&app, Key::Escape).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        press(&app, Key::Enter).await; // 受理下一件
    }
    app.wait_text("[data-testid=sync-queued]", "待上传", LONG)
        .await;
    assert!(!app
        .text("[data-testid=sync-queued]")
        .await
        .contains("待上传 0 条"));
    keep_screenshot(&app.screenshot("offline-queue").await, "sync-offline-queue");

    // Back online: the queue drains to 0 without anyone pressing a button.
    server.resume().await;
    app.wait_text(
        "[data-testid=sync-queued]",
        "待上传 0 条",
        Duration::from_secs(60),
    )
    .await;

    // An approver handles the first case on the server.
    let approver = api.login("approver", CLERK_PASSWORD).await;
    let inbox = api.call("GET", "/v1/inbox", Some(&approver), None).await;
    let text = inbox.to_string();
    for n in &numbers {
        assert!(text.contains(n.as_str()), "{n} on the server");
    }
    let case_id = find_case_id(&inbox, &numbers[0]).expect("case id in the inbox");
    api.act(
        &approver,
        &case_id,
        json!({"action": "handle", "opinion": "材料齐全，同意"}),
    )
    .await;

    // The change reaches the window and its timeline.
    app.nav("sync").await;
    app.click("[data-testid=sync-now]").await;
    reopen_until(&app, &numbers[0], "[data-testid=timeline-server]").await;
    let server_status = app.text("[data-testid=case-server-status]").await;
    assert!(
        server_status.contains("已承办"),
        "server status shown: {server_status}"
    );
    keep_screenshot(&app.screenshot("case-detail").await, "case-detail");

    // 审核 and 批准 on the server: the result is ready, and the citizen collects it at this
    // window; the clerk records 送达, which the server then holds.
    for step in [
        json!({"action": "review", "opinion": "同意"}),
        json!({"action": "decide", "approve": true, "reason": "", "legal_basis": ""}),
    ] {
        api.act(&approver, &case_id, step).await;
    }
    record_delivery(&app, &api, &approver, &numbers[0], &case_id).await;

    // (c) A missing photo: 一次性告知 (F3), then the supplement on the case page, then 受理.
    app.nav("accept").await;
    start_disability_case(&app, "110101200102030045", "周补正").await;
    // The photo (m3) did not come: its originals go to 0 (Tab commits the number).
    app.fill("[data-testid=originals-m3]", "0").await;
    press(&app, Key::Tab).await;
    press(&app, Key::F3).await;
    app.wait_visible("[data-testid=supplement-dialog]", LONG)
        .await;
    app.click("[data-testid=supplement-confirm]").await;
    app.wait_visible("[data-testid=voucher-page]", LONG).await;
    let result = app.text("[data-testid=accept-result]").await;
    assert!(result.contains("待补正"), "{result}");
    let number = result_number(&app).await;
    let before = pdfs();
    press(&app, Key::Enter).await;
    let notice = printed_text(&before).await;
    assert!(notice.contains("补正材料通知书"), "{notice}");
    assert!(
        notice.contains("照片"),
        "the missing photo is named: {notice}"
    );
    press(&app, Key::Escape).await;

    app.nav("cases").await;
    app.wait_visible(&format!("[data-testid=case-row-{number}]"), LONG)
        .await;
    app.click(&format!("[data-testid=case-row-{number}]")).await;
    app.wait_visible("[data-testid=case-supplement-accept]", LONG)
        .await;
    app.click("[data-testid=case-supplement-accept]").await;
    app.wait_visible("[data-testid=voucher-page]", LONG).await;
    let status = app.text("[data-testid=case-status]").await;
    assert!(status.contains("已受理"), "{status}");
    app.screenshot("supplement-accepted").await;

    app.close().await;
    server.stop();
}
