//! The approval work (ARCHITECTURE.md §6): role inboxes and the actions of the domain state
//! machine on the server-owned part of a case (承办, 审核, 批准/不予许可, 特别程序, 延期, 分送并联部门,
//! 送达). Every accepted action is written with a `case.status` change-log entry for the window
//! that owns the case, in one transaction.

use chrono::Utc;
use onestop_domain::catalogue::Catalogue;
use onestop_domain::lifecycle::{CaseFlow, CaseStatus, ReviewStep, Role};
use onestop_domain::supervision::case_deadline;
use onestop_protocol::{change_kind, ApiError, CaseActionRequest, CaseStatusChanged, CaseView};

use crate::api::auth::{forbidden, same_county};
use crate::api::AppError;
use crate::ingest::{coded, status_str};
use crate::store::{CaseUpdate, PartRow, Store, StoredCase, UserRow};

pub mod forwarded;

/// The statuses waiting for a role's next step.
pub fn inbox_statuses(role: &Role) -> Vec<CaseStatus> {
    match role {
        Role::Approver { steps } => steps
            .iter()
            .map(|s| match s {
                ReviewStep::Handle => CaseStatus::Accepted,
                ReviewStep::Review => CaseStatus::Handled,
                ReviewStep::Approve => CaseStatus::Reviewed,
            })
            .collect(),
        Role::Leader => vec![CaseStatus::Reviewed],
        Role::WindowClerk => vec![
            CaseStatus::Approved,
            CaseStatus::Denied,
            CaseStatus::Concluded,
        ],
        _ => Vec::new(),
    }
}

pub fn flow_of(case: &StoredCase) -> Result<CaseFlow, AppError> {
    serde_json::from_str(&case.flow_json).map_err(|e| {
        AppError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::new("server.internal", format!("stored flow unreadable: {e}")),
        )
    })
}

pub fn view(case: &StoredCase) -> Result<CaseView, AppError> {
    Ok(CaseView {
        case_id: case.case_id.clone(),
        acceptance_number: case.acceptance_number.clone(),
        window_id: case.window_id.clone(),
        county_code: case.county_code.clone(),
        item_impl_code: case.item_impl_code.clone(),
        department: case.department.clone(),
        status: flow_of(case)?.status,
        flow: flow_of(case)?,
        due_on: case.due_on,
        due_provisional: case.due_provisional,
        version: case.version,
    })
}

/// The item a case was filed on, from its pinned catalogue edition.
pub async fn item_terms(
    store: &dyn Store,
    cache: &crate::catalogue_cache::CatalogueCache,
    case: &StoredCase,
) -> Result<Option<std::sync::Arc<Catalogue>>, AppError> {
    let snapshot: serde_json::Value = serde_json::from_str(&case.snapshot_json).unwrap_or_default();
    let Some(edition) = snapshot.get("catalogue_edition").and_then(|v| v.as_str()) else {
        return Ok(None);
    };
    Ok(cache.get(store, edition).await?)
}

/// The name of the window `user` works at, if any (an approver works for a department).
async fn actor_window(store: &dyn Store, user: &UserRow) -> Result<Option<String>, AppError> {
    let Some(id) = user.window_id.as_deref() else {
        return Ok(None);
    };
    Ok(store.window(id).await?.map(|w| w.name))
}

/// Takes one action on a case (or one part of a bundle) for `user`.
pub async fn act(
    store: &dyn Store,
    cache: &crate::catalogue_cache::CatalogueCache,
    calendar: &onestop_domain::calendar::WorkCalendar,
    user: &UserRow,
    case_id: &str,
    req: CaseActionRequest,
) -> Result<CaseView, AppError> {
    let case = store
        .case(case_id)
        .await?
        .ok_or_else(|| AppError::not_found("case.not_found", "没有该办件"))?;
    same_county(user, &case.county_code)?;
    let flow = flow_of(&case)?;
    // An approver or leader works for one department: the case's, or the part's.
    let department = match &req.part {
        Some(p) => flow.part(p).map(|p| p.department.clone()),
        None => Some(case.department.clone()),
    };
    if matches!(user.role, Role::Approver { .. } | Role::Leader)
        && department.is_some()
        && user.department != department
    {
        return Err(forbidden(
            "case.other_department",
            "该办件（或组成事项）不属于本部门",
        ));
    }
    if matches!(user.role, Role::WindowClerk | Role::ProxyAgent)
        && user.window_id.as_deref() != Some(case.window_id.as_str())
        && !forwarded::may_decide(
            store,
            user,
            &case,
            req.transition.kind(),
            req.part.as_deref(),
        )
        .await?
    {
        return Err(forbidden(
            "case.other_window",
            "只有受理该办件的窗口可以分送或送达；代办点转交的办件由其上级窗口受理或不予受理",
        ));
    }
    if req.expected_version.is_some_and(|v| v != case.version) {
        return Err(AppError::conflict(
            "case.version_conflict",
            "办件已被他人处理，请刷新后重试",
        ));
    }
    let on = crate::today_cn(Utc::now());
    let applied = match &req.part {
        Some(p) => flow.apply_to_part(p, &user.role, &req.transition, on),
        None => flow.apply(&user.role, &req.transition, on),
    }
    .map_err(|e| AppError::unprocessable(coded(&e)))?;
    let next = applied.flow;
    let catalogue = item_terms(store, cache, &case).await?;
    let item = catalogue
        .as_ref()
        .and_then(|c| c.item(&case.item_impl_code));
    let (due_on, due_provisional) = match item.and_then(|i| {
        case_deadline(
            &next,
            i.promised_limit_working_days,
            calendar,
            on,
            i.warning,
        )
    }) {
        Some(d) => (Some(d.due), d.provisional),
        None => (case.due_on, case.due_provisional),
    };
    let change = CaseStatusChanged {
        status: next.status,
        flow: next.clone(),
        events: applied.events,
        actor: user.username.clone(),
        actor_name: Some(user.display_name.clone()),
        actor_window: actor_window(store, user).await?,
        due_on,
        due_provisional,
        version: case.version + 1,
    };
    let update = CaseUpdate {
        case_id: case.case_id.clone(),
        expected_version: case.version,
        status: status_str(next.status),
        flow_json: serde_json::to_string(&next).unwrap_or_default(),
        parts: next
            .parts
            .iter()
            .map(|p| PartRow {
                impl_code: p.impl_code.clone(),
                department: p.department.clone(),
                status: status_str(p.status),
            })
            .collect(),
        due_on,
        due_provisional,
        change_kind: change_kind::CASE_STATUS.to_string(),
        change_payload: serde_json::to_value(&change).unwrap_or_default(),
    };
    let version = store.update_case(&update).await?.ok_or_else(|| {
        AppError::conflict("case.version_conflict", "办件已被他人处理，请刷新后重试")
    })?;
    tracing::info!(case_id = %case.case_id, status = %update.status, actor = %user.username, "case action");
    let mut out = view(&case)?;
    out.status = next.status;
    out.flow = next;
    out.due_on = due_on;
    out.due_provisional = due_provisional;
    out.version = version;
    Ok(out)
}
