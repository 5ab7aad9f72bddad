//! A window serving a queue, in the real app against the real server: every so many citizens
//! (`FRESH_PAGE_EVERY` in ui/src/stores/fresh-page.ts) the 受理 page loads itself again on 下一件,
//! to give back what WebKit keeps of each acceptance. The clerk must see none of it but a short
//! pause: no login screen on the way, the item search focused as after any 下一件, and every case
//! kept, numbered once and synced to the server.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use onestop_e2e::flows::{
    launch_enrolled, next_citizen, press, result_number, start_disability_case,
    start_disability_case_known, LONG,
};
use onestop_e2e::seed::{Api, CLERK_PASSWORD, DISABILITY_DEPT};
use onestop_e2e::{free_port, TestServer};

/// Read from the UI's source, so the test follows the constant.
fn fresh_page_every() -> usize {
    let src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/stores/fresh-page.ts"),
    )
    .expect("read fresh-page.ts");
    src.lines()
        .find_map(|l| l.strip_prefix("export const FRESH_PAGE_EVERY = "))
        .and_then(|n| n.trim().parse().ok())
        .expect("FRESH_PAGE_EVERY in fresh-page.ts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accept_page_starts_afresh_between_citizens_and_keeps_every_case() {
    let every = fresh_page_every();
    let data = tempfile::tempdir().unwrap();
    let server = TestServer::start_demo(data.path(), free_port()).await;
    let api = Api::new(&server.url());
    let seed = api
        .seed("示范县政务服务中心 综合受理 5 号窗口", DISABILITY_DEPT)
        .await;
    let app = launch_enrolled(&server.url(), &data.path().join("desk"), &seed.code).await;
    press(&app, Key::Enter).await;

    let mut numbers = Vec::new();
    for citizen in 1..=every + 1 {
        if citizen == 1 {
            start_disability_case(&app, "110101199003071233", "李残新").await;
        } else {
            start_disability_case_known(&app, "110101199003071233").await;
        }
        press(&app, Key::F2).await;
        app.wait_visible("[data-testid=voucher-page]", LONG).await;
        let result = app.text("[data-testid=accept-result]").await;
        assert!(result.contains("已受理"), "citizen {citizen}: {result}");
        numbers.push(result_number(&app).await);
        // Escape closes the preview and the focus goes to 下一件.
        press(&app, Key::Escape).await;
        app.wait_visible("[data-testid=accept-next]", LONG).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        if citizen == every + 1 {
            break;
        }
        let next = next_citizen(&app).await;
        assert!(
            !next.saw_login,
            "the login screen showed after citizen {citizen}"
        );
        assert_eq!(
            next.fresh_page,
            citizen == every,
            "after citizen {citizen}, a fresh page only after citizen {every}"
        );
        if next.fresh_page {
            eprintln!("下一件 with a fresh page: {:?}", next.elapsed);
        }
    }

    // Every case once, each with its own number, and all of them on the server.
    let distinct: HashSet<&String> = numbers.iter().collect();
    assert_eq!(
        distinct.len(),
        every + 1,
        "numbers issued twice: {numbers:?}"
    );
    let approver = api.login("approver", CLERK_PASSWORD).await;
    let started = Instant::now();
    loop {
        let inbox = api
            .call("GET", "/v1/inbox", Some(&approver), None)
            .await
            .to_string();
        let missing: Vec<&String> = numbers.iter().filter(|n| !inbox.contains(*n)).collect();
        if missing.is_empty() {
            break;
        }
        assert!(
            started.elapsed() < LONG,
            "cases never reached the server: {missing:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    app.close().await;
    drop(server);
}
