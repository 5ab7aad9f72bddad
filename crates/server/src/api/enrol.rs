//! Enrolment: the administrator's one-time code, then the device's `POST /v1/enroll`.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use onestop_domain::ids::{DivisionCode, DivisionLevel};
use onestop_protocol::{
    ApiError, EnrollRequest, EnrollResponse, EnrolmentCode, EnrolmentCodeRequest,
};

use super::auth::{same_county, Caller};
use super::json::Json;
use super::{AppError, AppState};
use crate::auth::{enrolment_code_hash, new_enrolment_code, parse_public_key, Perm};
use crate::store::{EnrolFailure, WindowRow};

fn level_str(level: onestop_domain::catalogue::WindowLevel) -> String {
    serde_json::to_value(level)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Issue a one-time enrolment code for a new window (administrator of that county).
#[utoipa::path(
    post,
    path = "/v1/admin/enrolment-codes",
    tag = "enrolment",
    request_body = EnrolmentCodeRequest,
    responses(
        (status = 201, description = "The code, shown once", body = EnrolmentCode),
        (status = 400, description = "Bad county code or window", body = ApiError),
        (status = 401, description = "Not signed in", body = ApiError),
        (status = 403, description = "Not an administrator of that county", body = ApiError),
    )
)]
pub async fn create_code(
    State(state): State<AppState>,
    caller: Caller,
    Json(req): Json<EnrolmentCodeRequest>,
) -> Result<(StatusCode, axum::Json<EnrolmentCode>), AppError> {
    let admin = caller.user(Perm::Administer)?;
    let county = DivisionCode::parse(&req.county_code)
        .map_err(|e| AppError::bad_request("enrol.bad_county", e.to_string()))?;
    if county.level() != DivisionLevel::County {
        return Err(AppError::bad_request(
            "enrol.bad_county",
            "窗口须登记在县级行政区划代码（6 位）下",
        ));
    }
    same_county(admin, county.as_str())?;
    if req.window_name.trim().is_empty() {
        return Err(AppError::bad_request(
            "enrol.name_missing",
            "窗口名称不能为空",
        ));
    }
    if let Some(parent) = &req.parent_window_id {
        let p = state.store.window(parent).await?;
        if p.is_none_or(|p| p.county_code != county.as_str()) {
            return Err(AppError::bad_request(
                "enrol.bad_parent",
                "上级窗口不存在或不在同一区县",
            ));
        }
    }
    let window = WindowRow {
        window_id: uuid::Uuid::now_v7().to_string(),
        county_code: county.as_str().to_string(),
        level: level_str(req.level),
        name: req.window_name.trim().to_string(),
        parent_window_id: req.parent_window_id,
    };
    let code = new_enrolment_code();
    let expires_at = Utc::now() + Duration::hours(state.config.enrolment_code_hours);
    state
        .store
        .create_enrolment(
            &window,
            &enrolment_code_hash(&code),
            expires_at,
            &admin.user_id,
        )
        .await?;
    tracing::info!(window_id = %window.window_id, county = %window.county_code, "enrolment code issued");
    Ok((
        StatusCode::CREATED,
        axum::Json(EnrolmentCode {
            code,
            window_id: window.window_id,
            expires_at,
        }),
    ))
}

/// A new window PC enrols with its one-time code and Ed25519 public key.
#[utoipa::path(
    post,
    path = "/v1/enroll",
    tag = "enrolment",
    request_body = EnrollRequest,
    responses(
        (status = 201, description = "Enrolled", body = EnrollResponse),
        (status = 400, description = "Bad public key", body = ApiError),
        (status = 403, description = "Unknown code", body = ApiError),
        (status = 409, description = "Code already used, or the county has no terminal code left", body = ApiError),
        (status = 410, description = "Code expired", body = ApiError),
    )
)]
pub async fn enroll(
    State(state): State<AppState>,
    Json(req): Json<EnrollRequest>,
) -> Result<(StatusCode, axum::Json<EnrollResponse>), AppError> {
    let key = parse_public_key(&req.public_key).ok_or_else(|| {
        AppError::bad_request(
            "enrol.bad_public_key",
            "公钥须为 32 字节的 Ed25519 公钥（base64）",
        )
    })?;
    let device_id = uuid::Uuid::now_v7().to_string();
    let outcome = state
        .store
        .enroll(
            &enrolment_code_hash(&req.code),
            &device_id,
            key.as_bytes(),
            Utc::now(),
        )
        .await?;
    let device = outcome.map_err(|f| {
        let (status, code, message) = match f {
            EnrolFailure::UnknownCode => {
                (StatusCode::FORBIDDEN, "enrol.unknown_code", "登记码无效")
            }
            EnrolFailure::CodeUsed => (StatusCode::CONFLICT, "enrol.code_used", "登记码已被使用"),
            EnrolFailure::CodeExpired => (
                StatusCode::GONE,
                "enrol.code_expired",
                "登记码已过期，请联系管理员重新生成",
            ),
            EnrolFailure::TerminalsExhausted => (
                StatusCode::CONFLICT,
                "enrol.terminals_exhausted",
                "本区县的终端码已用完",
            ),
        };
        AppError::new(status, ApiError::new(code, message))
    })?;
    tracing::info!(device_id = %device.device_id, terminal = device.terminal_code, "device enrolled");
    let level =
        serde_json::from_value(serde_json::Value::String(device.level.clone())).map_err(|_| {
            AppError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ApiError::new("server.internal", "窗口层级无效"),
            )
        })?;
    Ok((
        StatusCode::CREATED,
        axum::Json(EnrollResponse {
            device_id: device.device_id,
            window_id: device.window_id,
            window_name: device.window_name,
            county_code: device.county_code,
            level,
            terminal_code: format!("{:04}", device.terminal_code),
        }),
    ))
}
