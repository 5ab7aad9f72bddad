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
    /// Where attachment files are kept (temp files and finished files, one folder).
    pub upload_dir: std::path::PathBuf,
    /// Largest attachment file, in bytes (413 `upload.too_large`).
    pub max_upload_bytes: u64,
    /// Largest PATCH chunk, in bytes: 4 MiB and a small margin (413 `upload.chunk_too_large`).
    pub upload_chunk_limit: usize,
    /// Citizen page lookups allowed per client IP and minute, and the burst.
    pub citizen_rate_per_minute: u32,
    pub citizen_burst: u32,
}

impl ServerConfig {
    pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;
    pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 64 * 1024 * 1024;
    pub const DEFAULT_UPLOAD_CHUNK_LIMIT: usize = onestop_protocol::MAX_CHUNK_BYTES + 64 * 1024;

    pub fn new(database: impl Into<String>, listen: SocketAddr) -> Self {
        ServerConfig {
            database: database.into(),
            listen,
            body_limit: Self::DEFAULT_BODY_LIMIT,
            password_cost: PasswordCost::default(),
            session_hours: 12,
            offline_login_days: 7,
            enrolment_code_hours: 72,
            upload_dir: "onestop-data/uploads".into(),
            max_upload_bytes: Self::DEFAULT_MAX_UPLOAD_BYTES,
            upload_chunk_limit: Self::DEFAULT_UPLOAD_CHUNK_LIMIT,
            citizen_rate_per_minute: 10,
            citizen_burst: 5,
        }
    }
}
