//! Steps the scenarios share: enrolling and signing in, filling a case form from the keyboard,
//! and reading what the cups-pdf printer produced.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::key::Key;

use crate::seed::{CLERK, CLERK_PASSWORD};
use crate::AppSession;

/// Generous: a 2-core CI machine under load.
pub const LONG: Duration = Duration::from_secs(30);

pub fn pdf_dir() -> PathBuf {
    PathBuf::from(
        std::env::var("ONESTOP_CUPS_PDF_OUT")
            .unwrap_or_else(|_| "/var/spool/cups-pdf/onestop".into()),
    )
}

pub fn pdfs() -> HashSet<PathBuf> {
    std::fs::read_dir(pdf_dir())
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

/// Waits for a PDF that was not there before and returns its text (pdftotext).
pub async fn printed_text(before: &HashSet<PathBuf>) -> String {
    let started = Instant::now();
    loop {
        if let Some(new) = pdfs().into_iter().find(|p| !before.contains(p)) {
            // cups-pdf writes the file, then closes it; give it a moment to finish.
            tokio::time::sleep(Duration::from_millis(500)).await;
            let out = std::process::Command::new("pdftotext")
                .arg(&new)
                .arg("-")
                .output()
                .expect("pdftotext");
            return String::from_utf8_lossy(&out.stdout).into_owned();
        }
        assert!(
            started.elapsed() < LONG,
            "no PDF appeared in {}",
            pdf_dir().display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Tabs through the case form, typing `value(field)` into each empty field that has one (a select
/// takes the typed option on Enter), until the focus leaves the form.
pub async fn fill_form(app: &AppSession, value: impl Fn(&str) -> Option<&'static str>) {
    for _ in 0..40 {
        let id = app.focused_testid("field-").await;
        let Some(field) = id.strip_prefix("field-") else {
            // The focus moved on to the materials; the clerk must see the field they are in.
            assert_focus_unobstructed(app).await;
            return;
        };
        if app.focused_value().await.is_empty() {
            if let Some(v) = value(field) {
                app.keys(v).await;
                if field_is_select(app).await {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    app.keys(&Key::Enter.to_string()).await;
                }
            }
        }
        app.keys(&Key::Tab.to_string()).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the focus never left the case form");
}

/// The focused field is in full view from top to bottom: inside the window, and nothing (such as
/// the 受理 page's sticky decision bar) lies over it. Checked along its vertical centre line, since
/// a number input's own −/+ buttons sit over its sides.
pub async fn assert_focus_unobstructed(app: &AppSession) {
    let covered = app
        .client
        .execute(
            r#"
const el = document.activeElement;
if (!el || el === document.body) return 'nothing is focused';
const r = el.getBoundingClientRect();
const x = r.left + r.width / 2;
for (const y of [r.top + 3, r.top + r.height / 2, r.bottom - 3]) {
  const hit = document.elementFromPoint(x, y);
  if (hit !== el && !el.contains(hit)) return 'at y=' + Math.round(y) + ': ' + (hit ? hit.outerHTML.slice(0, 160) : 'outside the window');
}
return null;"#,
            vec![],
        )
        .await
        .expect("focus check");
    if !covered.is_null() {
        let shot = app.screenshot("focus-covered").await;
        panic!(
            "the focused field is covered {covered} (see {})",
            shot.display()
        );
    }
}

async fn field_is_select(app: &AppSession) -> bool {
    app.client
        .execute(
            "return !!document.activeElement.closest('.el-select');",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

pub async fn enrol_and_sign_in(app: &AppSession, server_url: &str, code: &str) {
    enrol_and_sign_in_as(app, server_url, code, CLERK).await
}

/// [`enrol_and_sign_in`] with another account of the window (its password is [`CLERK_PASSWORD`]).
pub async fn enrol_and_sign_in_as(app: &AppSession, server_url: &str, code: &str, user: &str) {
    app.wait_visible("[data-testid=page-enrol]", LONG).await;
    app.fill("[data-testid=enrol-server-url]", server_url).await;
    app.fill("[data-testid=enrol-code]", code).await;
    app.click("[data-testid=enrol-submit]").await;
    let started = Instant::now();
    while app
        .client
        .find(fantoccini::Locator::Css("[data-testid=enrolled-terminal]"))
        .await
        .is_err()
    {
        if let Ok(e) = app
            .client
            .find(fantoccini::Locator::Css("[data-testid=enrol-error]"))
            .await
        {
            let shot = app.screenshot("enrol-failed").await;
            panic!(
                "enrolment refused: {} ({})",
                e.text().await.unwrap_or_default(),
                shot.display()
            );
        }
        assert!(started.elapsed() < LONG, "enrolment never finished");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.screenshot("enrolled").await;
    app.click("[data-testid=enrol-finish]").await;
    app.wait_visible("[data-testid=page-login]", LONG).await;
    app.fill("[data-testid=login-username]", user).await;
    app.fill("[data-testid=login-password]", CLERK_PASSWORD)
        .await;
    keep_screenshot(&app.screenshot("login").await, "login");
    app.click("[data-testid=login-submit]").await;
    app.wait_visible("[data-testid=page-home]", LONG).await;
}

/// A new window on `desk_dir`, enrolled with `code` and signed in as the clerk, once the first
/// sync has brought the catalogue (the home screen shows the last sync's time).
pub async fn launch_enrolled(
    server_url: &str,
    desk_dir: &std::path::Path,
    code: &str,
) -> AppSession {
    let app = crate::AppSessionBuilder::window(server_url, desk_dir)
        .launch()
        .await;
    enrol_and_sign_in(&app, server_url, code).await;
    app.wait_text("[data-testid=home-last-sync]", "202", LONG)
        .await;
    app
}

/// Presses `key` where the focus is.
pub async fn press(app: &AppSession, key: Key) {
    app.keys(&key.to_string()).await;
}

/// From the 受理 page's item search: finds 残疾人证新办 by its pinyin initials, registers a new applicant
/// (`id`, `name`, phone) from the keyboard, and fills the 残疾人证新办 form.
pub async fn start_disability_case(app: &AppSession, id: &str, name: &str) {
    choose_disability_item_and_search(app, id).await;
    app.wait_visible("[data-testid=applicant-register]", LONG)
        .await;
    app.keys(&format!(
        "{name}{}13800138000{}示范县城关镇人民路 8 号{}",
        Key::Tab,
        Key::Tab,
        Key::Enter
    ))
    .await;
    app.wait_visible("[data-testid=case-form]", LONG).await;
    fill_form(app, disability_values).await;
}

/// 残疾人证新办 by its pinyin initials, then the applicant search with `id` and Enter.
async fn choose_disability_item_and_search(app: &AppSession, id: &str) {
    app.wait_visible("[data-testid=item-search]", LONG).await;
    app.keys("cjrz").await;
    app.wait_text(
        "[data-testid=item-hits] li:first-child",
        "残疾人证新办",
        LONG,
    )
    .await;
    press(app, Key::Enter).await;
    app.wait_text("[data-testid=item-name]", "残疾人证新办", LONG)
        .await;
    app.wait_visible("[data-testid=applicant-search]", LONG)
        .await;
    app.keys(&format!("{id}{}", Key::Enter)).await;
}

/// What the scenarios type into the 残疾人证新办 form, by field.
pub fn disability_values(field: &str) -> Option<&'static str> {
    match field {
        "disability_category" => Some("肢体"),
        "cause" => Some("疾病"),
        "assessment_site" => Some("示范县人民医院"),
        _ => None,
    }
}

/// Like [`start_disability_case`] for an applicant the window already knows: the item by its
/// pinyin initials, the applicant by ID number (one hit is taken at once), then the form.
pub async fn start_disability_case_known(app: &AppSession, id: &str) {
    choose_disability_item_and_search(app, id).await;
    app.wait_visible("[data-testid=applicant-chosen]", LONG)
        .await;
    app.wait_visible("[data-testid=case-form]", LONG).await;
    // The page moves the focus into the form once the prefill has arrived.
    let started = Instant::now();
    while app.focused_testid("field-").await.is_empty() {
        assert!(
            started.elapsed() < LONG,
            "the focus never reached the case form"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    fill_form(app, disability_values).await;
}

/// 下一件 after a citizen: how long until the item search has the focus again, and whether the
/// page loaded afresh on the way (ui/src/stores/fresh-page.ts).
pub struct NextCitizen {
    pub elapsed: Duration,
    pub fresh_page: bool,
    /// The login screen showed at some poll on the way: a reload that lost the session view.
    pub saw_login: bool,
}

/// With the preview closed (下一件 has the focus), marks the page, presses Enter and polls every
/// 5 ms until the item search is focused; the mark is gone when the page was loaded again. A
/// poll that lands mid-navigation fails, and the next one is tried.
pub async fn next_citizen(app: &AppSession) -> NextCitizen {
    const READY: &str = "if (document.querySelector('[data-testid=page-login]')) return 'login'; \
        const e = document.activeElement; \
        if (!e || !e.closest('[data-testid=item-search]')) return ''; \
        return window.__onestopTestMark === 1 ? 'same' : 'fresh';";
    app.client
        .execute("window.__onestopTestMark = 1; return true;", vec![])
        .await
        .expect("mark the page");
    let pressed = Instant::now();
    press(app, Key::Enter).await;
    let mut saw_login = false;
    loop {
        if let Ok(v) = app.client.execute(READY, vec![]).await {
            match v.as_str() {
                Some("login") => saw_login = true,
                Some(state @ ("same" | "fresh")) => {
                    return NextCitizen {
                        elapsed: pressed.elapsed(),
                        fresh_page: state == "fresh",
                        saw_login,
                    }
                }
                _ => {}
            }
        }
        if pressed.elapsed() > LONG {
            let seen = app
                .client
                .execute(
                    "return JSON.stringify({ hash: location.hash, fresh: window.__onestopTestMark !== 1, \
                     pages: [...document.querySelectorAll('[data-testid^=page-]')].map((e) => e.dataset.testid), \
                     active: document.activeElement && (document.activeElement.dataset.testid || document.activeElement.tagName) });",
                    vec![],
                )
                .await;
            panic!("the item search never came back after 下一件; the page: {seen:?}");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The acceptance number shown in the result line, digits only.
pub async fn result_number(app: &AppSession) -> String {
    let result = app.text("[data-testid=accept-result]").await;
    let number: String = result
        .split('：')
        .nth(1)
        .and_then(|s| s.split('（').next())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect();
    assert!(number.len() >= 16, "acceptance number in {result:?}");
    number
}

/// Keeps a screenshot taken by the run as `docs/screenshots/<name>.png` when asked
/// (`make screenshots` sets ONESTOP_UPDATE_SCREENSHOTS) or when the picture is missing, so an
/// ordinary run does not dirty the tree with a new clock in the corner.
pub fn keep_screenshot(shot: &std::path::Path, name: &str) {
    let doc = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/screenshots")
        .join(format!("{name}.png"));
    if std::env::var_os("ONESTOP_UPDATE_SCREENSHOTS").is_some() || !doc.exists() {
        std::fs::copy(shot, &doc).expect("copy screenshot to docs/screenshots");
    }
}

/// Opens the case page of `number` until `selector` shows on it: the page reads the case when
/// it opens, and the sync engine brings the server's change in its own time.
pub async fn reopen_until(app: &AppSession, number: &str, selector: &str) {
    let started = Instant::now();
    loop {
        app.nav("cases").await;
        app.wait_visible(&format!("[data-testid=case-row-{number}]"), LONG)
            .await;
        app.click(&format!("[data-testid=case-row-{number}]")).await;
        app.wait_visible("[data-testid=case-timeline]", LONG).await;
        if app
            .client
            .find(fantoccini::Locator::Css(selector))
            .await
            .is_ok()
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "{selector} never showed on the case page of {number}"
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}

/// The `case_id` of the inbox entry whose JSON mentions `number`.
pub fn find_case_id(inbox: &serde_json::Value, number: &str) -> Option<String> {
    let list = inbox.get("entries")?.as_array()?;
    list.iter()
        .find(|c| c.to_string().contains(number))
        .and_then(|c| c.get("case_id"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

/// The citizen collects the result of `number`: 送达 is recorded on its case page (once the
/// server's decision has reached the window), and the server then holds the case as delivered.
pub async fn record_delivery(
    app: &AppSession,
    api: &crate::seed::Api,
    token: &str,
    number: &str,
    case_id: &str,
) {
    reopen_until(app, number, "[data-testid=case-deliver]").await;
    app.click("[data-testid=case-deliver]").await;
    app.wait_text("[data-testid=case-status]", "已送达", LONG)
        .await;
    let held = api
        .call("GET", &format!("/v1/cases/{case_id}"), Some(token), None)
        .await;
    assert_eq!(held["status"], "delivered", "{held}");
}
