//! Accounts and sessions: the administrator creates clerks, a clerk signs in (on a window PC the
//! session is bound to the signing device) and gets the verifier for offline login.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Duration, Utc};
use onestop_domain::lifecycle::Role;
use onestop_protocol::{
    ApiError, CreateUserRequest, LoginRequest, LoginResponse, PasswordVerifier, UserInfo,
};

use super::auth::{forbidden, same_county, Caller};
use super::json::Json;
use super::{AppError, AppState};
use crate::auth::{hash_password, new_token, sha256_hex, verify_password, Perm};
use crate::store::{Store, UserRow};

pub fn info(u: &UserRow) -> UserInfo {
    UserInfo {
        user_id: u.user_id.clone(),
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role.clone(),
        county_code: u.county_code.clone(),
        department: u.department.clone(),
        window_id: u.window_id.clone(),
    }
}

/// Checks and stores a new account (also used by the `create-admin` command).
pub async fn create(
    store: &dyn Store,
    cost: crate::auth::PasswordCost,
    req: CreateUserRequest,
) -> Result<UserRow, AppError> {
    let bad = |code: &str, m: &str| AppError::bad_request(code, m);
    if req.username.trim().is_empty() || req.username.len() > 64 {
        return Err(bad("user.bad_username", "用户名不能为空且不超过 64 个字符"));
    }
    if req.password.chars().count() < 8 {
        return Err(bad("user.weak_password", "密码至少 8 位"));
    }
    onestop_domain::ids::DivisionCode::parse(&req.county_code)
        .map_err(|e| bad("user.bad_county", &e.to_string()))?;
    match &req.role {
        Role::Approver { steps } if steps.is_empty() => {
            return Err(bad(
                "user.no_steps",
                "审批人员至少要有一个审批环节（承办、审核或批准）",
            ))
        }
        Role::Approver { .. } | Role::Leader
            if req
                .department
                .as_deref()
                .is_none_or(|d| d.trim().is_empty()) =>
        {
            return Err(bad(
                "user.department_missing",
                "审批人员和机关负责人须指定所属部门",
            ))
        }
        Role::WindowClerk | Role::ProxyAgent => {
            let Some(w) = &req.window_id else {
                return Err(bad("user.window_missing", "窗口人员和代办员须指定所属窗口"));
            };
            let window = store.window(w).await?;
            if window.is_none_or(|w| w.county_code != req.county_code) {
                return Err(bad("user.bad_window", "所属窗口不存在或不在同一区县"));
            }
        }
        _ => {}
    }
    let password = req.password;
    let phc = tokio::task::spawn_blocking(move || hash_password(&password, cost))
        .await
        .map_err(|e| {
            AppError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ApiError::new("server.internal", e.to_string()),
            )
        })?
        .map_err(|e| {
            AppError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ApiError::new("server.internal", e.to_string()),
            )
        })?;
    let user = UserRow {
        user_id: uuid::Uuid::now_v7().to_string(),
        username: req.username.trim().to_string(),
        display_name: req.display_name,
        password_phc: phc,
        role: req.role,
        county_code: req.county_code,
        department: req.department,
        window_id: req.window_id,
    };
    store.create_user(&user).await?;
    Ok(user)
}

/// Create an account (administrator of that county).
#[utoipa::path(
    post,
    path = "/v1/admin/users",
    tag = "auth",
    request_body = CreateUserRequest,
    responses(
        (status = 201, description = "Created", body = UserInfo),
        (status = 400, description = "Bad account data", body = ApiError),
        (status = 401, description = "Not signed in", body = ApiError),
        (status = 403, description = "Not an administrator of that county", body = ApiError),
        (status = 409, description = "Username taken", body = ApiError),
    )
)]
pub async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    Json(req): Json<CreateUserRequest>,
) -> Result<(StatusCode, axum::Json<UserInfo>), AppError> {
    let admin = caller.user(Perm::Administer)?;
    same_county(admin, &req.county_code)?;
    let user = create(state.store.as_ref(), state.config.password_cost, req).await?;
    Ok((StatusCode::CREATED, axum::Json(info(&user))))
}

/// Sign in. Window clerks and proxy agents must sign in from their enrolled window PC (a signed
/// request); the session is then bound to that device.
#[utoipa::path(
    post,
    path = "/v1/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = LoginResponse),
        (status = 401, description = "Wrong username or password", body = ApiError),
        (status = 403, description = "This account must sign in from its window PC", body = ApiError),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    caller: Caller,
    Json(req): Json<LoginRequest>,
) -> Result<axum::Json<LoginResponse>, AppError> {
    let user = state.store.user_by_name(req.username.trim()).await?;
    let phc = user.as_ref().map(|u| u.password_phc.clone());
    let password = req.password;
    let ok =
        tokio::task::spawn_blocking(move || phc.is_some_and(|p| verify_password(&password, &p)))
            .await
            .unwrap_or(false);
    let Some(user) = user.filter(|_| ok) else {
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            ApiError::new("auth.bad_credentials", "用户名或密码错误"),
        ));
    };
    let device_id = caller.device.as_ref().map(|d| d.device_id.clone());
    if matches!(user.role, Role::WindowClerk | Role::ProxyAgent) {
        let Some(device) = &caller.device else {
            return Err(forbidden(
                "auth.device_required",
                "窗口人员须在已登记的窗口电脑上登录",
            ));
        };
        if device.county_code != user.county_code
            || user
                .window_id
                .as_ref()
                .is_some_and(|w| *w != device.window_id)
        {
            return Err(forbidden("auth.wrong_window", "该账号不属于本窗口"));
        }
    }
    let token = new_token();
    let now = Utc::now();
    let expires_at = now + Duration::hours(state.config.session_hours);
    state
        .store
        .create_session(
            &sha256_hex(token.as_bytes()),
            &user.user_id,
            device_id.as_deref(),
            expires_at,
        )
        .await?;
    tracing::info!(user = %user.username, device = ?device_id, "signed in");
    Ok(axum::Json(LoginResponse {
        token,
        expires_at,
        device_id,
        verifier: PasswordVerifier {
            algorithm: "argon2id".into(),
            phc: user.password_phc.clone(),
            valid_until: now + Duration::days(state.config.offline_login_days),
        },
        user: info(&user),
    }))
}

/// Sign out: the token stops working at once.
#[utoipa::path(
    post,
    path = "/v1/auth/logout",
    tag = "auth",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = ApiError),
    )
)]
pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, AppError> {
    let Some(hash) = &caller.token_hash else {
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            ApiError::new("auth.required", "请先登录"),
        ));
    };
    state.store.delete_session(hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account.
#[utoipa::path(
    get,
    path = "/v1/auth/me",
    tag = "auth",
    responses(
        (status = 200, description = "The account", body = UserInfo),
        (status = 401, description = "Not signed in", body = ApiError),
    )
)]
pub async fn me(caller: Caller) -> Result<axum::Json<UserInfo>, AppError> {
    let user = caller.user.as_ref().ok_or_else(|| {
        AppError::new(
            StatusCode::UNAUTHORIZED,
            ApiError::new("auth.required", "请先登录"),
        )
    })?;
    Ok(axum::Json(info(user)))
}

/// The accounts of the caller's county.
#[utoipa::path(
    get,
    path = "/v1/users",
    tag = "master-data",
    responses(
        (status = 200, description = "Accounts of the caller's county", body = Vec<UserInfo>),
        (status = 401, description = "Not signed in", body = ApiError),
        (status = 403, description = "Role may not read the directory", body = ApiError),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    caller: Caller,
) -> Result<axum::response::Response, AppError> {
    let me = caller.user(Perm::ReadDirectory)?;
    let users = state.store.users(&me.county_code).await?;
    let list: Vec<UserInfo> = users.iter().map(info).collect();
    Ok(super::etag::json(&headers, &list))
}
