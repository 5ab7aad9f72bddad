//! The authentication layer: verifies device signatures and sessions on every request and leaves
//! a [`Caller`] for the handlers, which then ask for the permission they need.

use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use onestop_protocol::{signing, ApiError};

use super::{AppError, AppState};
use crate::auth::{allowed, sha256_hex, verify_signature, Perm};
use crate::store::{Device, UserRow};

/// Who is calling: the device that signed the request and the signed-in account, when present.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    pub device: Option<Device>,
    pub user: Option<UserRow>,
    /// sha256 of the bearer token, for logout.
    pub token_hash: Option<String>,
}

fn unauthorized(code: &str, message: &str) -> AppError {
    AppError::new(StatusCode::UNAUTHORIZED, ApiError::new(code, message))
}

pub fn forbidden(code: &str, message: &str) -> AppError {
    AppError::new(StatusCode::FORBIDDEN, ApiError::new(code, message))
}

impl Caller {
    /// The signed-in account, if its role has `perm`.
    pub fn user(&self, perm: Perm) -> Result<&UserRow, AppError> {
        let user = self
            .user
            .as_ref()
            .ok_or_else(|| unauthorized("auth.required", "请先登录"))?;
        if !allowed(&user.role, perm) {
            return Err(forbidden(
                "auth.forbidden",
                &format!("{}无权执行此操作", user.role.label()),
            ));
        }
        Ok(user)
    }

    /// The device that signed this request.
    pub fn device(&self) -> Result<&Device, AppError> {
        self.device.as_ref().ok_or_else(|| {
            unauthorized(
                "auth.signature_required",
                "此接口只接受已登记终端签名的请求",
            )
        })
    }

    /// A synchronising window: a signed device and a window account of the same county, whose
    /// session is bound to that device.
    pub fn window(&self) -> Result<(&Device, &UserRow), AppError> {
        let device = self.device()?;
        let user = self.user(Perm::Sync)?;
        if user.county_code != device.county_code {
            return Err(forbidden("auth.other_county", "账号与终端不属于同一区县"));
        }
        Ok((device, user))
    }
}

/// Requires the caller's county to be `county` (a region's account reaches its counties).
pub fn same_county(user: &UserRow, county: &str) -> Result<(), AppError> {
    let mine = onestop_domain::ids::DivisionCode::parse(&user.county_code);
    let theirs = onestop_domain::ids::DivisionCode::parse(county);
    let ok = match (mine, theirs) {
        (Ok(m), Ok(t)) => m == t || m.contains(&t),
        _ => user.county_code == county,
    };
    if ok {
        Ok(())
    } else {
        Err(forbidden("auth.other_county", "无权访问其他区县的数据"))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or_default())
    }
}

fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// Verifies the signature headers and the bearer token, if present, before any handler runs.
pub async fn authenticate(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match verify(&state, request).await {
        Ok(request) => next.run(request).await,
        Err(e) => e.into_response(),
    }
}

async fn verify(state: &AppState, request: Request) -> Result<Request, AppError> {
    let mut caller = Caller::default();
    let (mut parts, body) = request.into_parts();
    let mut body = Some(body);
    if let Some(device_id) = header_str(&parts.headers, signing::HEADER_DEVICE) {
        let device_id = device_id.to_string();
        // Upload chunks (§5.5) are larger than any JSON body; their limit is their own.
        let upload = parts.uri.path().starts_with("/v1/uploads/");
        let limit = if upload {
            state.config.upload_chunk_limit.max(state.config.body_limit)
        } else {
            state.config.body_limit
        };
        let bytes = axum::body::to_bytes(body.take().unwrap_or_default(), limit)
            .await
            .map_err(|_| {
                let (code, message) = if upload {
                    ("upload.chunk_too_large", "单次上传的数据块超过上限")
                } else {
                    (
                        onestop_protocol::ErrorCode::PAYLOAD_TOO_LARGE,
                        "请求内容过大",
                    )
                };
                AppError::new(StatusCode::PAYLOAD_TOO_LARGE, ApiError::new(code, message))
            })?;
        let device = verify_signed(state, &parts, &device_id, &bytes).await?;
        caller.device = Some(device);
        body = Some(Body::from(bytes));
    }
    if let Some(auth) = header_str(&parts.headers, header::AUTHORIZATION.as_str()) {
        let token = auth
            .strip_prefix("Bearer ")
            .ok_or_else(|| unauthorized("auth.bad_token", "登录凭证格式不正确"))?;
        let token_hash = sha256_hex(token.trim().as_bytes());
        let session = state
            .store
            .session(&token_hash)
            .await?
            .filter(|s| s.expires_at > Utc::now())
            .ok_or_else(|| unauthorized("auth.session_invalid", "登录已失效，请重新登录"))?;
        if let Some(bound) = &session.device_id {
            if caller.device.as_ref().map(|d| &d.device_id) != Some(bound) {
                return Err(unauthorized(
                    "auth.session_device_mismatch",
                    "该登录只能在登录时所用的终端上使用",
                ));
            }
        }
        caller.user = Some(session.user);
        caller.token_hash = Some(token_hash);
    }
    parts.extensions.insert(caller);
    Ok(Request::from_parts(parts, body.unwrap_or_default()))
}

async fn verify_signed(
    state: &AppState,
    parts: &Parts,
    device_id: &str,
    body: &[u8],
) -> Result<Device, AppError> {
    let h = &parts.headers;
    let timestamp: i64 = header_str(h, signing::HEADER_TIMESTAMP)
        .and_then(|t| t.trim().parse().ok())
        .ok_or_else(|| unauthorized("auth.bad_timestamp", "请求缺少有效的时间戳"))?;
    let now = Utc::now().timestamp();
    if (now - timestamp).abs() > signing::MAX_SKEW_SECONDS {
        return Err(unauthorized(
            "auth.stale_timestamp",
            "请求时间与服务器时间相差超过 5 分钟，请校准电脑时钟",
        ));
    }
    let nonce = header_str(h, signing::HEADER_NONCE)
        .filter(|n| signing::nonce_ok(n))
        .ok_or_else(|| unauthorized("auth.bad_nonce", "请求缺少有效的随机数"))?;
    let signature = header_str(h, signing::HEADER_SIGNATURE)
        .ok_or_else(|| unauthorized("auth.bad_signature", "请求签名无效"))?;
    let device = state
        .store
        .device(device_id)
        .await?
        .ok_or_else(|| unauthorized("auth.unknown_device", "终端未登记或已注销"))?;
    let path = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path(), |p| p.as_str());
    let text = signing::signing_string(
        parts.method.as_str(),
        path,
        timestamp,
        nonce,
        &signing::body_sha256(body),
    );
    if !verify_signature(&device.public_key, text.as_bytes(), signature) {
        return Err(unauthorized("auth.bad_signature", "请求签名无效"));
    }
    // Only after the signature holds, so nobody can burn a device's nonces.
    let fresh = state
        .store
        .use_nonce(
            &device.device_id,
            nonce,
            now,
            now - 2 * signing::MAX_SKEW_SECONDS - 60,
        )
        .await?;
    if !fresh {
        return Err(unauthorized(
            "auth.nonce_reused",
            "请求已被使用过（重放），已拒绝",
        ));
    }
    Ok(device)
}
