//! `GET /v1/supervision/overview` (电子监察): supervisors, leaders and administrators of a county.

use axum::extract::{Query, State};
use chrono::{Duration, NaiveDate, Utc};
use onestop_protocol::{ApiError, SupervisionOverview};
use serde::Deserialize;

use super::auth::Caller;
use super::{AppError, AppState};
use crate::auth::Perm;
use crate::supervision::{overview as compute, Period};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OverviewParams {
    /// First day of receipt counted (default: 30 days before `to`).
    pub from: Option<NaiveDate>,
    /// Last day of receipt counted (default: today, China time).
    pub to: Option<NaiveDate>,
}

/// The longest period one request may cover.
pub const MAX_DAYS: i64 = 366;

/// Counts, on-time rate, yellow and red cards and process-rule violations of the caller's county,
/// for cases received in `[from, to]`, per window, department and level.
#[utoipa::path(
    get,
    path = "/v1/supervision/overview",
    tag = "supervision",
    params(OverviewParams),
    responses(
        (status = 200, description = "The overview", body = SupervisionOverview),
        (status = 400, description = "`supervision.bad_range`", body = ApiError),
        (status = 401, description = "Not signed in", body = ApiError),
        (status = 403, description = "Role may not supervise", body = ApiError),
    )
)]
pub async fn overview(
    State(state): State<AppState>,
    caller: Caller,
    Query(p): Query<OverviewParams>,
) -> Result<axum::Json<SupervisionOverview>, AppError> {
    let user = caller.user(Perm::Supervise)?;
    let today = crate::today_cn(Utc::now());
    let to = p.to.unwrap_or(today);
    let from = p.from.unwrap_or(to - Duration::days(30));
    if from > to || (to - from).num_days() > MAX_DAYS {
        return Err(AppError::bad_request(
            "supervision.bad_range",
            format!("统计区间须满足 from ≤ to，且不超过 {MAX_DAYS} 天"),
        ));
    }
    let out = compute(
        state.store.as_ref(),
        &state.catalogues,
        &state.calendar,
        &user.county_code,
        Period {
            from,
            to,
            as_of: today,
        },
    )
    .await?;
    Ok(axum::Json(out))
}
