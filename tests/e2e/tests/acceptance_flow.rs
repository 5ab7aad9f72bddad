//! Scenarios (a) and (e) of the window screens, in the real app against the real server:
//! a new PC is enrolled with a one-time code and the clerk signs in; then, from the keyboard
//! only, a 承诺件 is accepted for a new citizen, its acceptance notice is previewed and printed
//! through CUPS to the cups-pdf printer (the printed text is checked with pdftotext), and the
//! case is read back from the server's API by an approver; then a 即办件 found by its pinyin
//! initials is decided on the spot. The time from F2 to the preview is printed for
//! docs/benchmarks.md.

use std::time::{Duration, Instant};

use fantoccini::key::Key;
use onestop_e2e::flows::{
    fill_form, find_case_id, keep_screenshot, launch_enrolled, pdfs, printed_text, result_number,
    LONG,
};
use onestop_e2e::seed::{Api, CLERK_PASSWORD, DISABILITY_DEPT};
use onestop_e2e::{artifacts_dir, free_port, TestServer};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_acceptance_prints_and_reaches_the_server() {
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_demo(data.path(), free_port()).await;
    let api = Api::new(&server.url());
    let seed = api
        .seed("示范县政务服务中心 综合受理 1 号窗口", DISABILITY_DEPT)
        .await;

    // The catalogue arrives with the first sync after sign-in.
    let app = launch_enrolled(&server.url(), &data.path().join("desk"), &seed.code).await;
    keep_screenshot(&app.screenshot("home").await, "home");

    // (a) + (e): from here on, only keys. Enter on the home screen starts an application.
    app.keys(&Key::Enter.to_string()).await;
    app.wait_visible("[data-testid=item-search]", LONG).await;
    app.keys("cjrz").await;
    app.wait_text(
        "[data-testid=item-hits] li:first-child",
        "残疾人证新办",
        LONG,
    )
    .await;
    app.keys(&Key::Enter.to_string()).await;
    app.wait_text("[data-testid=item-name]", "残疾人证新办", LONG)
        .await;

    app.wait_visible("[data-testid=applicant-search]", LONG)
        .await;
    app.keys(&format!("110101199003071233{}", Key::Enter)).await;
    app.wait_visible("[data-testid=applicant-register]", LONG)
        .await;
    // The ID typed in the search moved into the form; the focus is on the name.
    assert_eq!(app.focused_testid("").await, "register-name");
    app.keys(&format!(
        "李残新{}13800138000{}示范县城关镇人民路 8 号{}",
        Key::Tab,
        Key::Tab,
        Key::Enter
    ))
    .await;
    app.wait_visible("[data-testid=applicant-chosen]", LONG)
        .await;
    let chosen = app.text("[data-testid=applicant-chosen]").await;
    assert!(chosen.contains("110***********1233"), "ID masked: {chosen}");
    assert!(!chosen.contains("199003071233"), "full ID shown: {chosen}");

    app.wait_visible("[data-testid=case-form]", LONG).await;
    fill_form(&app, |f| match f {
        "disability_category" => Some("肢体"),
        "cause" => Some("疾病"),
        "assessment_site" => Some("示范县人民医院"),
        _ => None,
    })
    .await;
    keep_screenshot(&app.screenshot("accept-form").await, "accept-form");

    let before = pdfs();
    let pressed = Instant::now();
    app.keys(&Key::F2.to_string()).await;
    app.wait_visible("[data-testid=voucher-page]", LONG).await;
    let to_preview = pressed.elapsed();
    eprintln!("受理 (F2) → preview shown: {to_preview:?} (WebDriver polling every 25 ms)");
    let result = app.text("[data-testid=accept-result]").await;
    assert!(result.contains("已受理"), "{result}");
    keep_screenshot(&app.screenshot("voucher-preview").await, "voucher-preview");
    let number = result_number(&app).await;

    app.keys(&Key::Enter.to_string()).await;
    let printed = printed_text(&before).await;
    let printed_digits: String = printed.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(
        printed_digits.contains(&number),
        "printed voucher lacks {number}: {printed}"
    );
    assert!(printed.contains("受理通知书"), "{printed}");
    assert!(printed.contains("李残新"), "{printed}");
    assert!(!printed.contains("110101199003071233"), "full ID printed");

    // The approver sees the case on the server once sync has pushed it.
    let approver = api.login("approver", CLERK_PASSWORD).await;
    let started = Instant::now();
    loop {
        let inbox = api
            .call("GET", "/v1/inbox", Some(&approver), None)
            .await
            .to_string();
        if inbox.contains(&number) {
            break;
        }
        assert!(
            started.elapsed() < LONG,
            "case {number} never reached the server: {inbox}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // (e) The next citizen: Escape closes the preview, Enter starts the next application, and a
    // 即办件 found by pinyin initials is decided on the spot with F6.
    app.keys(&Key::Escape.to_string()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.keys(&Key::Enter.to_string()).await;
    app.wait_visible("[data-testid=item-search]", LONG).await;
    app.keys("gtgsh").await;
    app.wait_text(
        "[data-testid=item-hits] li:first-child",
        "个体工商户设立登记",
        LONG,
    )
    .await;
    app.keys(&Key::Enter.to_string()).await;
    app.wait_visible("[data-testid=applicant-search]", LONG)
        .await;
    app.keys(&format!("110101196006060069{}", Key::Enter)).await;
    app.wait_visible("[data-testid=applicant-register]", LONG)
        .await;
    app.keys(&format!(
        "王个体{}13900139000{}{}",
        Key::Tab,
        Key::Tab,
        Key::Enter
    ))
    .await;
    app.wait_visible("[data-testid=case-form]", LONG).await;
    fill_form(&app, |f| match f {
        "trade_name" => Some("王记百货店"),
        "organization_form" => Some("个人经营"),
        "business_address" => Some("示范县城关镇人民路 1 号"),
        "business_scope" => Some("日用百货零售"),
        "capital" => Some("50000"),
        "employees" => Some("2"),
        "online_only" => Some("否"),
        _ => None,
    })
    .await;
    app.keys(&Key::F6.to_string()).await;
    app.wait_visible("[data-testid=voucher-page]", LONG).await;
    let result = app.text("[data-testid=accept-result]").await;
    assert!(result.contains("准予许可"), "即办 result: {result}");
    let instant_number = result_number(&app).await;
    app.keys(&Key::Escape.to_string()).await;

    // The 办件 list has both cases.
    app.nav("cases").await;
    for n in [&number, &instant_number] {
        app.wait_visible(&format!("[data-testid=case-row-{n}]"), LONG)
            .await;
    }
    keep_screenshot(&app.screenshot("cases").await, "cases");

    // The first citizen comes back and withdraws the application (撤回申请). It is accepted, so
    // the window takes the step on the server; the reason is typed into the dialog that opens
    // with the focus in its field, and Enter confirms.
    let inbox = api.call("GET", "/v1/inbox", Some(&approver), None).await;
    let case_id = find_case_id(&inbox, &number)
        .unwrap_or_else(|| panic!("{number} waiting for 承办: {inbox}"));
    app.click(&format!("[data-testid=case-row-{number}]")).await;
    app.wait_visible("[data-testid=case-withdraw]", LONG).await;
    app.click("[data-testid=case-withdraw]").await;
    app.wait_visible("input[data-testid=case-withdraw-reason]", LONG)
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.keys(&format!("申请人书面申请撤回{}", Key::Enter)).await;
    app.wait_text("[data-testid=case-status]", "已撤回", LONG)
        .await;
    let held = api
        .call(
            "GET",
            &format!("/v1/cases/{case_id}"),
            Some(&approver),
            None,
        )
        .await;
    assert_eq!(
        held["status"], "withdrawn",
        "the server holds the 撤回: {held}"
    );
    let inbox = api.call("GET", "/v1/inbox", Some(&approver), None).await;
    assert!(
        find_case_id(&inbox, &number).is_none(),
        "a withdrawn case left the approver's inbox: {inbox}"
    );

    app.close().await;
    drop(server);
    eprintln!("screenshots in {}", artifacts_dir().display());
}
