//! The health probe against real HTTP listeners on loopback ports.

use std::time::Duration;

use axum::{http::StatusCode, routing::get, Json, Router};
use onestop_protocol::{ApiError, Health};
use onestop_sync::{ServerClient, SyncError};

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn healthy_server_answers_with_version_and_latency() {
    let url = serve(Router::new().route(
        "/healthz",
        get(|| async {
            Json(Health {
                status: "ok".into(),
                version: "9.9.9".into(),
            })
        }),
    ))
    .await;
    let probe = ServerClient::new(&url, Duration::from_secs(2))
        .unwrap()
        .probe()
        .await
        .unwrap();
    assert_eq!(probe.health.version, "9.9.9");
    assert!(probe.latency < Duration::from_secs(2));
}

#[tokio::test]
async fn closed_port_is_unreachable() {
    // Bind and drop to find a port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = ServerClient::new(&format!("http://127.0.0.1:{port}"), Duration::from_secs(2))
        .unwrap()
        .probe()
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Unreachable(_)), "{err:?}");
    assert_eq!(err.code(), "sync.server_unreachable");
}

#[tokio::test]
async fn a_stranger_on_the_port_is_a_bad_response_not_a_server_error() {
    let url = serve(Router::new().route(
        "/healthz",
        get(|| async { (StatusCode::BAD_GATEWAY, "<html>proxy error</html>") }),
    ))
    .await;
    let err = ServerClient::new(&url, Duration::from_secs(2))
        .unwrap()
        .probe()
        .await
        .unwrap_err();
    assert!(
        matches!(err, SyncError::BadResponse { status: 502 }),
        "{err:?}"
    );
}

#[tokio::test]
async fn server_error_keeps_its_code_and_message() {
    let url = serve(Router::new().route(
        "/healthz",
        get(|| async {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(ApiError::new("server.store", "数据库不可用")),
            )
        }),
    ))
    .await;
    let err = ServerClient::new(&url, Duration::from_secs(2))
        .unwrap()
        .probe()
        .await
        .unwrap_err();
    assert_eq!(err.code(), "server.store");
    assert_eq!(err.to_api_error().message, "数据库不可用");
}

#[test]
fn rejects_a_non_http_address() {
    let err = ServerClient::new("ftp://example", Duration::from_secs(1)).unwrap_err();
    assert_eq!(err.code(), "sync.invalid_url");
}
