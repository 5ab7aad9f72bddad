//! `GET /q/{number}`: the citizen status page (no sign-in; rate-limited per client IP, which is
//! read from `X-Forwarded-For` only behind a configured trusted proxy).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::{AppError, AppState};
use crate::citizen;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LookupParams {
    /// The last 4 characters of the applicant's ID number.
    pub id_tail: Option<String>,
    /// The voucher signature from the QR code.
    pub s: Option<String>,
}

fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, Html(body)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The status of a case for the citizen who holds its voucher: a form for the last 4 characters
/// of the ID number, then the status, the promised date and whether the voucher signature holds.
#[utoipa::path(
    get,
    path = "/q/{number}",
    tag = "citizen",
    params(("number" = String, Path, description = "The acceptance number (受理编号)"), LookupParams),
    responses(
        (status = 200, description = "zh-CN HTML: the form, the status, or one answer for an unknown number and a wrong ID tail", content_type = "text/html"),
        (status = 429, description = "Too many lookups from this address; see Retry-After", content_type = "text/html"),
    )
)]
pub async fn lookup(
    State(state): State<AppState>,
    Path(number): Path<String>,
    Query(p): Query<LookupParams>,
    request: Request,
) -> Result<Response, AppError> {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    // Behind a trusted reverse proxy the peer is the proxy; the citizen is in X-Forwarded-For.
    let ip = citizen::client_ip(peer, request.headers(), &state.config.trusted_proxies);
    if let Err(wait) = state.citizen_limiter.check(ip) {
        let secs = wait.as_secs().max(1);
        let mut r = html(
            StatusCode::TOO_MANY_REQUESTS,
            citizen::rate_limited_page(secs),
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return Ok(r);
    }
    let signature = p.s.as_deref();
    let Some(tail) = p.id_tail.as_deref() else {
        return Ok(html(StatusCode::OK, citizen::form_page(&number, signature)));
    };
    let found = citizen::lookup(state.store.as_ref(), &number, tail, signature).await?;
    Ok(match found {
        Some(status) => html(StatusCode::OK, citizen::status_page(&status)),
        None => html(StatusCode::OK, citizen::not_found_page(&number, signature)),
    })
}
