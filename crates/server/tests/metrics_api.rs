//! `GET /metrics`: after real traffic the Prometheus counters, histograms and gauges have moved,
//! routes are labelled by template (never by raw ids), and the endpoint can be turned off.

mod common;

use common::*;
use onestop_protocol::*;
use reqwest::{Method, StatusCode};

/// The value of the one series named `name` whose labels include every `labels` pair.
fn value(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.rsplit_once(' '))
        .find(|(series, _)| {
            let (n, rest) = series.split_once('{').unwrap_or((series, ""));
            n == name
                && labels
                    .iter()
                    .all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))
        })
        .and_then(|(_, v)| v.parse().ok())
}

async fn scrape(s: &Running) -> String {
    let r = s.send(Method::GET, "/metrics", None, None, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    assert!(ct.starts_with("text/plain; version=0.0.4"), "{ct}");
    r.text().await.unwrap()
}

#[tokio::test]
async fn counters_move_with_traffic() {
    for s in servers().await {
        let w = world(&s).await;
        let before = scrape(&s).await;
        assert_eq!(
            value(
                &before,
                "onestop_ops_ingested_total",
                &[("outcome", "applied")]
            ),
            Some(0.0),
            "{before}"
        );
        let applicant_id = uuid::Uuid::now_v7().to_string();
        let a = op(
            &w.device,
            1,
            op_kind::APPLICANT_UPSERT,
            &applicant(&applicant_id),
        );
        let c1 = op(
            &w.device,
            2,
            op_kind::CASE_SNAPSHOT,
            &accepted_case(&w.device, 0, 1, &applicant_id),
        );
        let mut bad = applicant(&uuid::Uuid::now_v7().to_string());
        bad.id_number = "110101199003071234".into();
        let b = op(&w.device, 3, op_kind::APPLICANT_UPSERT, &bad);
        assert_eq!(
            push(&s, &w, vec![a.clone(), c1.clone(), b]).await.status(),
            StatusCode::OK
        );
        assert_eq!(
            push(&s, &w, vec![a, c1.clone()]).await.status(),
            StatusCode::OK
        );
        // The change is visible to a poller (on PostgreSQL once older transactions end).
        let mut served = 0;
        for _ in 0..50 {
            let r = s
                .send(
                    Method::GET,
                    "/v1/changes?after=0&limit=10",
                    None,
                    Some(Signing::now(&w.device)),
                    Some(&w.clerk_token),
                )
                .await;
            served = r.json::<ChangesPage>().await.unwrap().changes.len();
            if served > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(served, 1);
        let case_id = c1.payload["case_id"].as_str().unwrap().to_string();
        let r = s
            .send(
                Method::GET,
                &format!("/v1/cases/{case_id}"),
                None,
                Some(Signing::now(&w.device)),
                Some(&w.clerk_token),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = s
            .send(Method::GET, "/no/such/route", None, None, None)
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        // An upload that has not finished is a pending one.
        let upload = onestop_server::store::UploadRow {
            upload_id: uuid::Uuid::now_v7().to_string(),
            case_id: case_id.clone(),
            slot: "m1".into(),
            length: 10,
            offset: 0,
            sha256: "00".repeat(32),
            file_name: "a.jpg".into(),
            device_id: w.device.id().into(),
            created_at: chrono::Utc::now(),
            completed_at: None,
        };
        s.store.create_upload(&upload).await.unwrap();

        let text = scrape(&s).await;
        let ops = |o| value(&text, "onestop_ops_ingested_total", &[("outcome", o)]);
        assert_eq!(ops("applied"), Some(2.0), "{text}");
        assert_eq!(ops("replayed"), Some(2.0));
        assert_eq!(ops("rejected"), Some(1.0));
        assert!(value(&text, "onestop_changes_served_total", &[]) >= Some(1.0));
        let pushes = value(
            &text,
            "onestop_http_requests_total",
            &[
                ("route", "/v1/ops"),
                ("method", "POST"),
                ("status_class", "2xx"),
            ],
        );
        assert_eq!(pushes, Some(2.0));
        // Routes are templates: the case id is not a label value.
        assert!(!text.contains(&case_id));
        let case_get = [("route", "/v1/cases/{case_id}"), ("status_class", "2xx")];
        assert_eq!(
            value(&text, "onestop_http_requests_total", &case_get),
            Some(1.0)
        );
        let unmatched = [("route", "unmatched"), ("status_class", "4xx")];
        assert_eq!(
            value(&text, "onestop_http_requests_total", &unmatched),
            Some(1.0)
        );
        // Latency histograms with buckets, one observation per request.
        let inf = [("route", "/v1/ops"), ("le", "+Inf")];
        assert_eq!(
            value(&text, "onestop_http_request_duration_seconds_bucket", &inf),
            Some(2.0)
        );
        assert_eq!(
            value(
                &text,
                "onestop_http_request_duration_seconds_count",
                &[("route", "/v1/ops")]
            ),
            Some(2.0)
        );
        // Gauges read from the store at scrape time.
        assert_eq!(value(&text, "onestop_uploads_pending", &[]), Some(1.0));
        let head = s.store.change_log_head().await.unwrap() as f64;
        assert!(head >= 1.0);
        assert_eq!(value(&text, "onestop_change_log_head", &[]), Some(head));
        // The scrape before this one was counted too.
        assert!(
            value(
                &text,
                "onestop_http_requests_total",
                &[("route", "/metrics")]
            ) >= Some(1.0)
        );
    }
}

#[tokio::test]
async fn metrics_can_be_turned_off_and_are_in_the_openapi_document() {
    let mut config = test_config();
    config.metrics = false;
    let s = start_sqlite_with(config).await;
    let r = s.send(Method::GET, "/metrics", None, None, None).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        r.json::<ApiError>().await.unwrap().code,
        ErrorCode::NOT_FOUND
    );
    let doc: serde_json::Value = s
        .send(Method::GET, "/openapi.json", None, None, None)
        .await
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/metrics"]["get"].is_object());
}

#[tokio::test]
async fn two_servers_in_one_process_count_separately() {
    let a = start_sqlite().await;
    let b = start_sqlite().await;
    for _ in 0..3 {
        a.send(Method::GET, "/v1/meta", None, None, None).await;
    }
    let meta = [("route", "/v1/meta")];
    assert_eq!(
        value(&scrape(&a).await, "onestop_http_requests_total", &meta),
        Some(3.0)
    );
    assert_eq!(
        value(&scrape(&b).await, "onestop_http_requests_total", &meta),
        None
    );
}
