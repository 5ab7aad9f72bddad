//! The approvers' API: inbox, one case, and actions on it.

use axum::extract::{Path, Query, State};
use onestop_protocol::{
    ApiError, CaseActionRequest, CaseDetail, CaseSnapshot, CaseView, FiledApplication, Inbox,
    InboxEntry,
};
use serde::Deserialize;

use super::auth::{same_county, Caller};
use super::json::Json;
use super::{AppError, AppState};
use crate::auth::Perm;
use crate::ingest::status_str;
use crate::store::InboxQuery;
use crate::workflow;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct InboxParams {
    /// At most this many lines (1–500, default 100).
    pub limit: Option<u32>,
}

/// The cases (and bundle parts) waiting for the caller's step, in the caller's department and
/// county, soonest due first.
#[utoipa::path(
    get,
    path = "/v1/inbox",
    tag = "workflow",
    params(InboxParams),
    responses(
        (status = 200, description = "Waiting work", body = Inbox),
        (status = 401, description = "Not signed in", body = ApiError),
        (status = 403, description = "Role has no inbox", body = ApiError),
    )
)]
pub async fn inbox(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<InboxParams>,
) -> Result<axum::Json<Inbox>, AppError> {
    let user = caller.user(Perm::Approve)?;
    let limit = p.limit.unwrap_or(100).clamp(1, 500);
    let department = match user.role {
        onestop_domain::lifecycle::Role::WindowClerk => None,
        _ => user.department.clone(),
    };
    let rows = state
        .store
        .inbox(&InboxQuery {
            county_code: user.county_code.clone(),
            department,
            statuses: workflow::inbox_statuses(&user.role)
                .into_iter()
                .map(status_str)
                .collect(),
            forwarded_to: match user.role {
                onestop_domain::lifecycle::Role::WindowClerk => user.window_id.clone(),
                _ => None,
            },
            limit,
        })
        .await?;
    let entries = rows
        .into_iter()
        .filter_map(|r| {
            let status = serde_json::from_value(serde_json::Value::String(r.status)).ok()?;
            Some(InboxEntry {
                case_id: r.case_id,
                acceptance_number: r.acceptance_number,
                item_impl_code: r.item_impl_code,
                part: r.part,
                department: r.department,
                status,
                due_on: r.due_on,
                version: r.version,
                applicant_name: r.applicant_name,
            })
        })
        .collect();
    Ok(axum::Json(Inbox { entries }))
}

/// One case of the caller's county, with its attachments (`attachments_incomplete` while a file
/// the case names has not fully arrived).
#[utoipa::path(
    get,
    path = "/v1/cases/{case_id}",
    tag = "workflow",
    params(("case_id" = String, Path, description = "The case's UUID")),
    responses(
        (status = 200, description = "The case", body = CaseDetail),
        (status = 401, description = "Not signed in", body = ApiError),
        (status = 403, description = "Other county or role", body = ApiError),
        (status = 404, description = "No such case", body = ApiError),
    )
)]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(case_id): Path<String>,
) -> Result<axum::Json<CaseDetail>, AppError> {
    let user = caller.user(Perm::ReadCases)?;
    let case = state
        .store
        .case(&case_id)
        .await?
        .ok_or_else(|| AppError::not_found("case.not_found", "没有该办件"))?;
    same_county(user, &case.county_code)?;
    let (attachments_incomplete, attachments) =
        crate::attachments::case_state(state.store.as_ref(), &case).await?;
    Ok(axum::Json(CaseDetail {
        case: workflow::view(&case)?,
        attachments_incomplete,
        attachments,
        application: filed_application(&case.snapshot_json),
    }))
}

/// The form and materials out of the stored snapshot; `None` (and a warning) for a snapshot that
/// does not parse, which the ingest would not have stored.
fn filed_application(snapshot_json: &str) -> Option<FiledApplication> {
    match serde_json::from_str::<CaseSnapshot>(snapshot_json) {
        Ok(s) => Some(FiledApplication {
            item_hash: s.item_hash,
            form: s.form,
            materials: s.materials,
        }),
        Err(e) => {
            tracing::warn!(error = %e, "stored case snapshot does not parse");
            None
        }
    }
}

/// Take an action on a case or on one part of a 一件事 case. The domain state machine decides
/// whether the role may take it now.
#[utoipa::path(
    post,
    path = "/v1/cases/{case_id}/actions",
    tag = "workflow",
    params(("case_id" = String, Path, description = "The case's UUID")),
    request_body = CaseActionRequest,
    responses(
        (status = 200, description = "The case after the action", body = CaseView),
        (status = 400, description = "Bad JSON", body = ApiError),
        (status = 401, description = "Not signed in", body = ApiError),
        (status = 403, description = "Other county, department or role", body = ApiError),
        (status = 404, description = "No such case", body = ApiError),
        (status = 409, description = "The case moved meanwhile", body = ApiError),
        (status = 422, description = "The state machine refused the action", body = ApiError),
    )
)]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(case_id): Path<String>,
    Json(req): Json<CaseActionRequest>,
) -> Result<axum::Json<CaseView>, AppError> {
    // A village agent acts only to record the hand-over of its own window's cases.
    let user = caller
        .user(Perm::Approve)
        .or_else(|_| caller.user(Perm::Deliver))?;
    let view = workflow::act(
        state.store.as_ref(),
        &state.catalogues,
        &state.calendar,
        user,
        &case_id,
        req,
    )
    .await?;
    Ok(axum::Json(view))
}
