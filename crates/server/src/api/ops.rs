//! `POST /v1/ops` (ARCHITECTURE.md §5.1).

use std::collections::HashMap;

use axum::extract::State;
use chrono::Utc;
use onestop_protocol::{ApiError, PushRequest, PushResponse, MAX_OPS_PER_PUSH};

use super::auth::{forbidden, Caller};
use super::json::Json;
use super::{AppError, AppState};
use crate::ingest::{prepare, read, Context, PushBody};

/// Push a batch of ops. Each op gets its own result; only this answer counts as success. The body
/// may be sent with `Content-Encoding: gzip`; the signature then covers the compressed bytes.
#[utoipa::path(
    post,
    path = "/v1/ops",
    tag = "sync",
    request_body = PushRequest,
    responses(
        (status = 200, description = "Every op has a durable result", body = PushResponse),
        (status = 400, description = "Empty or oversized batch, bad JSON", body = ApiError),
        (status = 401, description = "Unsigned request or no session", body = ApiError),
        (status = 403, description = "An op names another device, or the role may not sync", body = ApiError),
        (status = 409, description = "A seq was stored before with different content", body = ApiError),
        (status = 413, description = "Body too large, on the wire or once inflated", body = ApiError),
        (status = 415, description = "Not JSON, or a Content-Encoding other than gzip", body = ApiError),
    )
)]
pub async fn push(
    State(state): State<AppState>,
    caller: Caller,
    Json(req): Json<PushBody>,
) -> Result<axum::Json<PushResponse>, AppError> {
    let (device, _user) = caller.window()?;
    if req.ops.is_empty() || req.ops.len() > MAX_OPS_PER_PUSH {
        return Err(AppError::bad_request(
            "sync.batch_size",
            format!("每次须提交 1 至 {MAX_OPS_PER_PUSH} 个操作"),
        ));
    }
    if let Some(op) = req.ops.iter().find(|o| o.device_id != device.device_id) {
        return Err(forbidden(
            "auth.device_mismatch",
            &format!("第 {} 号操作属于其他终端，本终端不能提交", op.seq),
        ));
    }
    if req
        .ops
        .iter()
        .any(|o| o.seq == 0 || i64::try_from(o.seq).is_err())
    {
        return Err(AppError::bad_request("sync.bad_seq", "操作序号须从 1 开始"));
    }
    let now = Utc::now();
    let today = crate::today_cn(now);
    // Envelope and payload shape first (CPU only), then the catalogue editions the cases name.
    let read: Vec<_> = req.ops.into_iter().map(read).collect();
    let mut editions = HashMap::new();
    for e in read.iter().filter_map(|op| op.catalogue_edition()) {
        if !editions.contains_key(e) {
            let c = state.catalogues.edition(state.store.as_ref(), e).await?;
            editions.insert(e.to_string(), c);
        }
    }
    let prepared: Vec<_> = read
        .into_iter()
        .map(|op| {
            let catalogue = op
                .catalogue_edition()
                .and_then(|e| editions.get(e).cloned().flatten());
            let cx = Context {
                device,
                catalogue,
                calendar: &state.calendar,
                today,
            };
            prepare(op, &cx)
        })
        .collect();
    let count = prepared.len();
    let response = state.store.ingest(device, prepared, now).await?;
    state
        .metrics
        .ops(response.results.iter().map(|r| r.outcome));
    let rejected = response
        .results
        .iter()
        .filter(|r| r.outcome == onestop_protocol::OpOutcome::Rejected)
        .count();
    tracing::info!(device_id = %device.device_id, ops = count, rejected, acked_seq = response.acked_seq, "push");
    Ok(axum::Json(response))
}
