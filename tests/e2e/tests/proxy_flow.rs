//! Scenario (d) of the window screens: a village agent (代办员) on a village window carries a
//! villager's 临时救助 application. The agent's authorisation (委托书) is typed and its scan
//! attached, the case is received and forwarded (收件并转交, F2), the 代办委托书 is previewed and
//! printed through cups-pdf, and the forwarded case reaches the server. The township window the
//! village reports to (a second app) lists it on 办件 and accepts it, the decision reaches the
//! village PC, whose agent prints the township's 受理通知书 for the villager, the department
//! approves, and the agent records the hand-over (送达) there. A second villager's case, forwarded
//! the same way, is refused by the township clerk on 办件, and the agent prints the township's
//! 不予受理决定书 from the village PC.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use onestop_e2e::flows::{
    enrol_and_sign_in_as, fill_form, find_case_id, keep_screenshot, launch_enrolled, pdfs, press,
    printed_text, record_delivery, reopen_until, result_number, LONG,
};
use onestop_e2e::seed::{Api, CLERK_PASSWORD, TOWNSHIP_CLERK};
use onestop_e2e::{free_port, AppSession, AppSessionBuilder, TestServer};
use serde_json::json;

const RELIEF_DEPT: &str = "示范县民政局";
const REFUSAL_REASON: &str = "申请人户籍和经常居住地均不在本镇，不属于本机关受理范围";
const REFUSAL_BASIS: &str = "《社会救助暂行办法》第四十八条";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_village_agent_forwards_a_case_with_the_authorisation() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_demo(data.path(), free_port()).await;
    let api = Api::new(&server.url());
    let seed = api
        .seed_village("青山镇桃源村代办点", "青山镇便民服务中心", RELIEF_DEPT)
        .await;
    let app = launch_enrolled(&server.url(), &data.path().join("desk"), &seed.code).await;

    // The signed 委托书, scanned on the village PC.
    let scan = data.path().join("weituoshu.png");
    std::fs::write(&scan, b"\x89PNG\r\n\x1a\n signed authorisation").unwrap();
    let today = chrono_today();

    let first = Villager {
        id: "110101196006060069",
        name: "钱村民",
        phone: "13600136000",
        address: "示范县青山镇桃源村 3 组",
        description: "家中失火，房屋受损",
    };
    let number = forward_with_authorisation(&app, &first, &scan, &today, Some("proxy")).await;
    let before = pdfs();
    press(&app, Key::Enter).await;
    let printed = printed_text(&before).await;
    assert!(printed.contains("代办委托书"), "{printed}");
    assert!(printed.contains("孙代办"), "{printed}");
    assert!(printed.contains("钱村民"), "{printed}");
    assert!(
        !printed.contains("110101198001010010"),
        "the agent's full ID is not printed"
    );

    // A second villager's application, which the township will refuse.
    app.keys(&Key::Escape.to_string()).await;
    app.wait_visible("[data-testid=accept-next]", LONG).await;
    app.click("[data-testid=accept-next]").await;
    let second = Villager {
        id: "110101196507070070",
        name: "李村民",
        phone: "13600136001",
        address: "示范县白石镇溪口村 2 组",
        description: "家中有人患病",
    };
    let refused = forward_with_authorisation(&app, &second, &scan, &today, None).await;
    assert_ne!(refused, number);

    // Forwarded: the server holds both cases, received and waiting for a window to accept them.
    let admin = seed.admin_token.clone();
    let started = Instant::now();
    loop {
        let overview = api
            .call("GET", "/v1/supervision/overview", Some(&admin), None)
            .await
            .to_string();
        if overview.contains("\"received\":2") || overview.contains("\"received\": 2") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the forwarded cases {number} and {refused} never reached the server: {overview}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    // The township window the village reports to: its PC (a second app, with a keyring of its
    // own) lists the forwarded case on 办件, and its clerk accepts it there.
    let township = AppSessionBuilder::window(&server.url(), &data.path().join("township"))
        .launch()
        .await;
    let township_code = seed
        .parent_code
        .clone()
        .expect("the township's enrolment code");
    enrol_and_sign_in_as(&township, &server.url(), &township_code, TOWNSHIP_CLERK).await;
    township.nav("cases").await;
    let accept = format!("[data-testid=forwarded-accept-{number}]");
    township.wait_visible(&accept, LONG).await;
    keep_screenshot(
        &township.screenshot("forwarded").await,
        "township-forwarded",
    );
    let item = township
        .text(&format!("[data-testid=forwarded-item-{number}]"))
        .await;
    assert_eq!(item, "临时救助申请");
    // The agent brings the paper materials; the clerk matches them by the villager's name.
    let applicant = township
        .text(&format!("[data-testid=forwarded-applicant-{number}]"))
        .await;
    assert_eq!(applicant, "钱村民");
    // Before deciding, the clerk reads what the village filed: the form and the materials.
    township
        .click(&format!("[data-testid=forwarded-view-{number}]"))
        .await;
    township
        .wait_text(
            "[data-testid=forwarded-filed-form]",
            "家中失火，房屋受损",
            LONG,
        )
        .await;
    let materials = township
        .text("[data-testid=forwarded-filed-materials]")
        .await;
    assert!(materials.contains("临时救助申请书"), "{materials}");
    keep_screenshot(
        &township.screenshot("forwarded-filed").await,
        "township-forwarded-filed",
    );
    township.click("[data-testid=forwarded-filed-close]").await;
    township
        .wait_gone("[data-testid=forwarded-filed-form]", LONG)
        .await;
    township.click(&accept).await;
    township.wait_gone(&accept, LONG).await;
    // The second does not qualify: the clerk refuses it with the reason and the legal basis the
    // 不予受理决定书 must name (art. 32).
    let refuse = format!("[data-testid=forwarded-refuse-{refused}]");
    township.click(&refuse).await;
    township
        .wait_visible("[data-testid=forwarded-reason]", LONG)
        .await;
    township
        .fill("[data-testid=forwarded-reason]", REFUSAL_REASON)
        .await;
    township
        .fill("[data-testid=forwarded-legal-basis]", REFUSAL_BASIS)
        .await;
    township
        .click("[data-testid=forwarded-refuse-confirm]")
        .await;
    township.wait_gone(&refuse, LONG).await;
    township.close().await;
    let approver = api.login("approver", CLERK_PASSWORD).await;
    let inbox = api.call("GET", "/v1/inbox", Some(&approver), None).await;
    let case_id = find_case_id(&inbox, &number)
        .unwrap_or_else(|| panic!("{number} accepted, waiting for 承办: {inbox}"));

    app.nav("sync").await;
    app.click("[data-testid=sync-now]").await;
    reopen_until(&app, &number, "[data-testid=timeline-server]").await;
    let server_status = app.text("[data-testid=case-server-status]").await;
    assert!(server_status.contains("已受理"), "{server_status}");
    // The township's decision is the case's status in the village now, not 已收件.
    let status = app.text("[data-testid=case-status]").await;
    assert!(status.contains("已受理"), "{status}");
    // The village tracks the township's clock: the promised date the server computed.
    let held = api
        .call(
            "GET",
            &format!("/v1/cases/{case_id}"),
            Some(&approver),
            None,
        )
        .await;
    let due_on = held["due_on"].as_str().expect("the server's promised date");
    let deadline = app.text("[data-testid=case-deadline]").await;
    assert!(deadline.contains(due_on), "{deadline} (server: {due_on})");
    // The citizen is owed the 受理通知书 (art. 32): the agent prints the township's, which names
    // the township window and its clerk, that promised date, and the agent as the way the result
    // comes back.
    app.click("[data-testid=case-voucher-acceptance]").await;
    app.wait_visible("[data-testid=voucher-page]", LONG).await;
    let before = pdfs();
    app.click("[data-testid=voucher-print]").await;
    let notice = printed_text(&before).await;
    let due_text = format!("{}年{}月{}日", &due_on[0..4], &due_on[5..7], &due_on[8..10]);
    for expected in [
        "受理通知书",
        "钱村民",
        "受理窗口：青山镇便民服务中心",
        "乡镇窗口人员",
        "代办员送达",
        due_text.as_str(),
    ] {
        assert!(
            notice.contains(expected),
            "{expected} missing from: {notice}"
        );
    }
    app.click("[data-testid=voucher-close]").await;
    // And the 办件 list shows that date for the case.
    app.nav("cases").await;
    app.wait_visible(&format!("[data-testid=case-row-{number}]"), LONG)
        .await;
    let listed = app.text("[data-testid=cases-table]").await;
    assert!(listed.contains(due_on), "{listed}");

    // The 民政局 decides; the agent hands the result over in the village and records 送达.
    for step in [
        json!({"action": "handle", "opinion": "情况属实"}),
        json!({"action": "review", "opinion": "同意"}),
        json!({"action": "decide", "approve": true, "reason": "", "legal_basis": ""}),
    ] {
        api.act(&approver, &case_id, step).await;
    }
    app.nav("sync").await;
    app.click("[data-testid=sync-now]").await;
    record_delivery(&app, &api, &approver, &number, &case_id).await;

    // The refused case: the township's refusal reached the village with that sync, and the agent
    // prints the township's 不予受理决定书 for the villager, with its reason and legal basis.
    reopen_until(&app, &refused, "[data-testid=timeline-server]").await;
    let status = app.text("[data-testid=case-status]").await;
    assert!(status.contains("不予受理"), "{status}");
    app.click("[data-testid=case-voucher-refusal]").await;
    app.wait_visible("[data-testid=voucher-page]", LONG).await;
    let before = pdfs();
    app.click("[data-testid=voucher-print]").await;
    let decision = printed_text(&before).await;
    for expected in [
        "不予受理",
        "李村民",
        REFUSAL_REASON,
        REFUSAL_BASIS,
        "青山镇便民服务中心",
    ] {
        assert!(
            decision.contains(expected),
            "{expected} missing from: {decision}"
        );
    }
    app.click("[data-testid=voucher-close]").await;

    app.close().await;
    drop(server);
}

/// Today in the window's time zone, as typed into a date field.
fn chrono_today() -> String {
    let out = std::process::Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A villager the agent applies for.
struct Villager {
    id: &'static str,
    name: &'static str,
    phone: &'static str,
    address: &'static str,
    description: &'static str,
}

/// On the 代办 page: the 临时救助 item, the villager registered, the agent's authorisation typed
/// with its scan, the form filled, then 收件并转交 (F2). Returns the acceptance number, with the
/// 代办委托书's preview open. `screenshot` keeps a picture of the filled page under that name.
async fn forward_with_authorisation(
    app: &AppSession,
    villager: &Villager,
    scan: &Path,
    today: &str,
    screenshot: Option<&str>,
) -> String {
    app.nav("proxy").await;
    app.click("input[data-testid=item-search]").await;
    app.keys("lsjz").await;
    app.wait_text(
        "[data-testid=item-hits] li:first-child",
        "临时救助申请",
        LONG,
    )
    .await;
    press(app, Key::Enter).await;
    app.wait_visible("[data-testid=applicant-search]", LONG)
        .await;
    app.keys(&format!("{}{}", villager.id, Key::Enter)).await;
    app.wait_visible("[data-testid=applicant-register]", LONG)
        .await;
    app.keys(&format!(
        "{}{}{}{}{}{}",
        villager.name,
        Key::Tab,
        villager.phone,
        Key::Tab,
        villager.address,
        Key::Enter
    ))
    .await;
    app.wait_visible("[data-testid=applicant-chosen]", LONG)
        .await;

    app.fill("[data-testid=proxy-name]", "孙代办").await;
    app.fill("[data-testid=proxy-id]", "110101198001010010")
        .await;
    app.fill("[data-testid=proxy-phone]", "13700137000").await;
    app.click("[data-testid=proxy-powers] label:first-child")
        .await;
    app.fill("[data-testid=proxy-from]", today).await;
    app.fill("[data-testid=proxy-until]", "2027-12-31").await;
    app.fill("[data-testid=proxy-scan]", &scan.to_string_lossy())
        .await;

    app.focus("[data-testid=case-form] input:not([readonly])")
        .await;
    let description = villager.description;
    fill_form(app, move |f| match f {
        "hardship_type" => Some("急难型"),
        "event_date" => Some("2026-11-20"),
        "household_size" => Some("3"),
        "description" => Some(description),
        "urgent" => Some("是"),
        _ => None,
    })
    .await;
    if let Some(name) = screenshot {
        keep_screenshot(&app.screenshot("proxy-form").await, name);
    }

    press(app, Key::F2).await;
    app.wait_visible("[data-testid=voucher-page]", LONG).await;
    let result = app.text("[data-testid=accept-result]").await;
    assert!(result.contains("已收件"), "{result}");
    result_number(app).await
}
