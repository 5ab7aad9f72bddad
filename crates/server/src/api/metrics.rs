//! `GET /metrics` (Prometheus text format) and the layer that times every request.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onestop_protocol::ApiError;

use super::{AppError, AppState};

/// Counts and times every request by its matched route template (`/v1/cases/{case_id}`, never
/// the raw path), method and status class. Runs outside the error mapping, so it sees the status
/// the client sees.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let method = request.method().clone();
    let response = next.run(request).await;
    state.metrics.request(
        &route,
        method.as_str(),
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Prometheus metrics: request counts and latency per route, ops ingested by outcome,
/// change-log rows served, pending uploads and the change-log head. Unauthenticated: it is served
/// on the configured listen address only, which belongs on the county's internal network (set
/// `metrics = false` to turn it off).
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "meta",
    responses(
        (status = 200, description = "Prometheus text exposition format 0.0.4", content_type = "text/plain"),
        (status = 404, description = "Metrics are turned off (`metrics = false`)", body = ApiError),
        (status = 503, description = "The store is unreachable", body = ApiError),
    )
)]
pub async fn metrics(State(state): State<AppState>) -> Result<Response, AppError> {
    if !state.config.metrics {
        return Err(AppError::not_found(
            onestop_protocol::ErrorCode::NOT_FOUND,
            "请求的地址不存在",
        ));
    }
    let pending = state.store.pending_uploads().await?;
    let head = state.store.change_log_head().await?;
    let body = state.metrics.render(pending, head);
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(r)
}
