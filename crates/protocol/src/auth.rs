//! Signed device requests, clerk accounts and sessions (ARCHITECTURE.md §5.7; docs/protocol.md).

use chrono::{DateTime, Utc};
use onestop_domain::lifecycle::Role;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// The headers of a signed device request, and the string that is signed.
///
/// ```text
/// ONESTOP-ED25519-V1\n
/// {METHOD}\n
/// {path and query, exactly as sent}\n
/// {timestamp: Unix seconds}\n
/// {nonce}\n
/// {lower-case hex sha256 of the body bytes (of the empty string when there is no body)}
/// ```
///
/// The signature is Ed25519 over the UTF-8 bytes of that string, sent as standard base64.
pub mod signing {
    use sha2::{Digest, Sha256};

    pub const SCHEME: &str = "ONESTOP-ED25519-V1";
    pub const HEADER_DEVICE: &str = "x-onestop-device";
    pub const HEADER_TIMESTAMP: &str = "x-onestop-timestamp";
    pub const HEADER_NONCE: &str = "x-onestop-nonce";
    pub const HEADER_SIGNATURE: &str = "x-onestop-signature";
    /// A request is refused when its timestamp is further than this from the server's clock.
    pub const MAX_SKEW_SECONDS: i64 = 300;
    /// Nonces are 16 to 64 characters of `[A-Za-z0-9_-]`.
    pub const NONCE_MIN: usize = 16;
    pub const NONCE_MAX: usize = 64;

    /// Lower-case hex sha256 of a body.
    pub fn body_sha256(body: &[u8]) -> String {
        hex::encode(Sha256::digest(body))
    }

    /// The exact text a device signs.
    pub fn signing_string(
        method: &str,
        path_and_query: &str,
        timestamp: i64,
        nonce: &str,
        body_sha256_hex: &str,
    ) -> String {
        format!(
            "{SCHEME}\n{}\n{path_and_query}\n{timestamp}\n{nonce}\n{body_sha256_hex}",
            method.to_ascii_uppercase()
        )
    }

    /// Whether a nonce has an acceptable shape.
    pub fn nonce_ok(nonce: &str) -> bool {
        (NONCE_MIN..=NONCE_MAX).contains(&nonce.len())
            && nonce
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }
}

/// `POST /v1/admin/users` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreateUserRequest {
    pub username: String,
    pub display_name: String,
    pub password: String,
    /// `{"role": "window_clerk"}`, `{"role": "approver", "steps": ["handle", "review"]}` …
    #[schema(value_type = Object)]
    pub role: Role,
    pub county_code: String,
    /// The department (实施主体) an approver or leader works for.
    pub department: Option<String>,
    /// The window a clerk or agent works at.
    pub window_id: Option<String>,
}

/// An account as others see it (never its password).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, TS)]
pub struct UserInfo {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    #[schema(value_type = Object)]
    #[ts(type = "{ role: string }")]
    pub role: Role,
    pub county_code: String,
    pub department: Option<String>,
    pub window_id: Option<String>,
}

/// `POST /v1/auth/login` body. Sent signed by a device, the session is bound to that device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The argon2id verifier a window may cache for offline login until `valid_until`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PasswordVerifier {
    /// Always `argon2id`.
    pub algorithm: String,
    /// The PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
    pub phc: String,
    pub valid_until: DateTime<Utc>,
}

/// `POST /v1/auth/login` answer. Send `Authorization: Bearer {token}` from now on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    /// The device the session is bound to; `None` for an online (browser) session.
    pub device_id: Option<String>,
    pub user: UserInfo,
    pub verifier: PasswordVerifier,
}
