//! Master data with ETags (ARCHITECTURE.md §5.4): holidays, windows and users come back with a
//! content tag, and a window that already holds that content gets 304 and no body.

mod common;

use common::*;
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn holidays_are_served_with_an_etag_and_304() {
    let s = start_sqlite().await;
    let http = reqwest::Client::new();
    let first = http
        .get(format!("{}/v1/holidays", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    let body = first.text().await.unwrap();
    // The calendar the server serves is one a window can build its working days from.
    let cal = onestop_domain::calendar::WorkCalendar::from_json(&body).unwrap();
    let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    assert!(
        !cal.is_working_day(day(10, 1)),
        "National Day is a rest day"
    );
    assert!(
        cal.is_working_day(day(10, 10)),
        "a make-up Saturday is a working day"
    );
    let again = http
        .get(format!("{}/v1/holidays", s.url))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn windows_and_users_are_served_with_etags_that_follow_the_content() {
    let s = start_sqlite().await;
    let w = world(&s).await;
    for path in ["/v1/windows", "/v1/users"] {
        let first = s
            .send(
                Method::GET,
                path,
                None,
                Some(Signing::now(&w.device)),
                Some(&w.clerk_token),
            )
            .await;
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let etag = first.headers()["etag"].to_str().unwrap().to_string();
        let list: Vec<serde_json::Value> = first.json().await.unwrap();
        assert!(!list.is_empty(), "{path}");
        let same = s
            .send_raw(
                Method::GET,
                path,
                Vec::new(),
                &[("If-None-Match", etag.clone())],
                &w.device,
                Some(&w.clerk_token),
            )
            .await;
        assert_eq!(same.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
    // A new window changes the list, so its tag changes too.
    let before = s
        .send(
            Method::GET,
            "/v1/windows",
            None,
            Some(Signing::now(&w.device)),
            Some(&w.clerk_token),
        )
        .await
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();
    enrol(&s, &w.admin_token, "第二窗口").await;
    let after = s
        .send(
            Method::GET,
            "/v1/windows",
            None,
            Some(Signing::now(&w.device)),
            Some(&w.clerk_token),
        )
        .await
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_string();
    assert_ne!(before, after);
}
