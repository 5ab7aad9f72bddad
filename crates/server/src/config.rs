use std::net::SocketAddr;

use crate::auth::PasswordCost;

/// How the server runs. Filled from the command line, whose flags also read `ONESTOP_*` variables.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// A SQLite file path, or a `postgres://` URL.
    pub database: String,
    pub listen: SocketAddr,
    /// Largest request body accepted, in bytes; larger ones get 413 `http.payload_too_large`.
    pub body_limit: usize,
    /// argon2id cost of new password hashes.
    pub password_cost: PasswordCost,
    /// How long a session token lives.
    pub session_hours: i64,
    /// How long a window may use the cached password verifier offline.
    pub offline_login_days: i64,
    /// How long an enrolment code stays valid.
    pub enrolment_code_hours: i64,
}

impl ServerConfig {
    pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

    pub fn new(database: impl Into<String>, listen: SocketAddr) -> Self {
        ServerConfig {
            database: database.into(),
            listen,
            body_limit: Self::DEFAULT_BODY_LIMIT,
            password_cost: PasswordCost::default(),
            session_hours: 12,
            offline_login_days: 7,
            enrolment_code_hours: 72,
        }
    }
}
