//! The HTTP shell on a real loopback port: health, meta, the OpenAPI document, errors as
//! `{code, message, details}`, and the catalogue's ETag.

mod common;

use onestop_protocol::{ApiError, Health, Meta};
use onestop_server::catalogue_import;
use reqwest::StatusCode;

#[tokio::test]
async fn healthz_reports_ok_and_version() {
    let s = common::start_sqlite().await;
    let h: Health = reqwest::get(format!("{}/healthz", s.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h.status, "ok");
    assert_eq!(h.version, env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn meta_gives_server_time_and_store() {
    let s = common::start_sqlite().await;
    let before = chrono::Utc::now();
    let m: Meta = reqwest::get(format!("{}/v1/meta", s.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let after = chrono::Utc::now();
    assert_eq!(m.store, "sqlite");
    assert_eq!(m.api_version, onestop_protocol::API_VERSION);
    assert!(m.server_time >= before - chrono::Duration::seconds(1) && m.server_time <= after);
}

#[tokio::test]
async fn openapi_document_parses_and_lists_every_route() {
    let s = common::start_sqlite().await;
    let doc: serde_json::Value = reqwest::get(format!("{}/openapi.json", s.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for route in [
        "/healthz",
        "/v1/meta",
        "/v1/catalogue",
        "/openapi.json",
        "/v1/admin/enrolment-codes",
        "/v1/admin/users",
        "/v1/admin/catalogue",
        "/v1/enroll",
        "/v1/auth/login",
        "/v1/auth/logout",
        "/v1/auth/me",
        "/v1/users",
        "/v1/windows",
        "/v1/ops",
        "/v1/changes",
        "/v1/inbox",
        "/v1/cases/{case_id}",
        "/v1/cases/{case_id}/actions",
        "/v1/uploads",
        "/v1/uploads/{upload_id}",
        "/v1/supervision/overview",
        "/q/{number}",
    ] {
        assert!(paths.contains_key(route), "{route} missing from {paths:?}");
    }
    assert!(doc["components"]["schemas"]["ApiError"].is_object());
    let upload = &paths["/v1/uploads/{upload_id}"];
    assert!(upload["head"].is_object() && upload["patch"].is_object());
    for schema in ["CaseDetail", "SupervisionOverview", "AttachmentState"] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}

#[tokio::test]
async fn unknown_route_is_a_json_error_with_a_code() {
    let s = common::start_sqlite().await;
    let r = reqwest::get(format!("{}/v1/nope", s.url)).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let e: ApiError = r.json().await.unwrap();
    assert_eq!(e.code, "http.not_found");
    assert!(!e.message.is_empty());
}

#[tokio::test]
async fn wrong_method_is_a_json_error_too() {
    let s = common::start_sqlite().await;
    let r = reqwest::Client::new()
        .delete(format!("{}/healthz", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let e: ApiError = r.json().await.unwrap();
    assert_eq!(e.code, "http.method_not_allowed");
}

#[tokio::test]
async fn catalogue_is_served_with_etag_and_304() {
    let s = common::start_sqlite().await;
    let none = reqwest::get(format!("{}/v1/catalogue", s.url))
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        none.json::<ApiError>().await.unwrap().code,
        "catalogue.none_published"
    );

    let demo = include_str!("../../../assets/catalogue/demo.json");
    let edition = catalogue_import::prepare(demo).unwrap();
    assert!(s.store.publish_catalogue(&edition).await.unwrap());

    let http = reqwest::Client::new();
    let first = http
        .get(format!("{}/v1/catalogue", s.url))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(etag, format!("\"{}\"", edition.etag));
    let body: serde_json::Value = first.json().await.unwrap();
    assert_eq!(
        body["items"].as_array().unwrap().len(),
        edition.item_count as usize
    );

    let again = http
        .get(format!("{}/v1/catalogue", s.url))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.bytes().await.unwrap().is_empty());

    let stale = http
        .get(format!("{}/v1/catalogue", s.url))
        .header("If-None-Match", "\"something-older\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);
}

#[test]
fn a_catalogue_with_one_bad_item_is_refused_whole() {
    let demo = include_str!("../../../assets/catalogue/demo.json");
    let mut value: serde_json::Value = serde_json::from_str(demo).unwrap();
    let items = value["items"].as_array_mut().unwrap();
    // Two items with the same implementation code cannot both be published.
    let dup = items[0]["impl_code"].clone();
    items[1]["impl_code"] = dup;
    let err = catalogue_import::prepare(&value.to_string()).unwrap_err();
    assert_eq!(onestop_domain::Coded::code(&err), "catalogue.invalid");
}
