//! How the server runs. Every key can come from four places; the first that sets it wins:
//! a command-line flag, then an `ONESTOP_*` environment variable, then the TOML file named by
//! `--config`, then the default below. [`ConfigLayer`] is one such place.

mod args;
mod layer;
mod trusted_proxies;

use std::net::SocketAddr;

pub use args::ConfigArgs;
pub use layer::{ConfigError, ConfigLayer};
pub use trusted_proxies::{canonical_ip, ProxyNet};

use crate::auth::PasswordCost;

#[derive(Debug, Clone, PartialEq)]
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
    /// Reverse proxies whose `X-Forwarded-For` names the citizen's address (empty: none, the
    /// peer address is the client).
    pub trusted_proxies: Vec<ProxyNet>,
    /// Whether `GET /metrics` answers (it is unauthenticated; see docs/protocol.md §11).
    pub metrics: bool,
}

impl ServerConfig {
    pub const DEFAULT_DATABASE: &'static str = "onestop-data/server.db";
    pub const DEFAULT_LISTEN: &'static str = "127.0.0.1:8480";
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
            trusted_proxies: Vec::new(),
            metrics: true,
        }
    }

    /// The configuration with every default.
    pub fn defaults() -> Self {
        let listen = Self::DEFAULT_LISTEN
            .parse()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 8480)));
        Self::new(Self::DEFAULT_DATABASE, listen)
    }

    /// Defaults, then the file, then the environment and flags (`overrides`, which clap has
    /// already merged with the flag winning over the variable), then a sanity check.
    pub fn resolve(file: &ConfigLayer, overrides: &ConfigLayer) -> Result<Self, ConfigError> {
        let mut c = Self::defaults();
        c.apply(file);
        c.apply(overrides);
        c.validate()?;
        Ok(c)
    }

    /// Sets every key the layer sets.
    pub fn apply(&mut self, l: &ConfigLayer) {
        fn set<T: Clone>(dst: &mut T, src: &Option<T>) {
            if let Some(v) = src {
                *dst = v.clone();
            }
        }
        set(&mut self.database, &l.database);
        set(&mut self.listen, &l.listen);
        set(&mut self.body_limit, &l.body_limit);
        set(&mut self.password_cost.memory_kib, &l.password_memory_kib);
        set(&mut self.password_cost.iterations, &l.password_iterations);
        set(&mut self.password_cost.parallelism, &l.password_parallelism);
        set(&mut self.session_hours, &l.session_hours);
        set(&mut self.offline_login_days, &l.offline_login_days);
        set(&mut self.enrolment_code_hours, &l.enrolment_code_hours);
        set(&mut self.upload_dir, &l.upload_dir);
        set(&mut self.max_upload_bytes, &l.max_upload_bytes);
        set(&mut self.upload_chunk_limit, &l.upload_chunk_limit);
        set(
            &mut self.citizen_rate_per_minute,
            &l.citizen_rate_per_minute,
        );
        set(&mut self.citizen_burst, &l.citizen_burst);
        set(&mut self.trusted_proxies, &l.trusted_proxies);
        set(&mut self.metrics, &l.metrics);
    }

    /// Every key, as a layer: what `onestop-server config` prints.
    pub fn to_layer(&self) -> ConfigLayer {
        ConfigLayer {
            database: Some(self.database.clone()),
            listen: Some(self.listen),
            body_limit: Some(self.body_limit),
            password_memory_kib: Some(self.password_cost.memory_kib),
            password_iterations: Some(self.password_cost.iterations),
            password_parallelism: Some(self.password_cost.parallelism),
            session_hours: Some(self.session_hours),
            offline_login_days: Some(self.offline_login_days),
            enrolment_code_hours: Some(self.enrolment_code_hours),
            upload_dir: Some(self.upload_dir.clone()),
            max_upload_bytes: Some(self.max_upload_bytes),
            upload_chunk_limit: Some(self.upload_chunk_limit),
            citizen_rate_per_minute: Some(self.citizen_rate_per_minute),
            citizen_burst: Some(self.citizen_burst),
            trusted_proxies: Some(self.trusted_proxies.clone()),
            metrics: Some(self.metrics),
        }
    }

    /// Refuses values that would make the server useless rather than start with them.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let positive: [(&'static str, u64); 8] = [
            ("body_limit", self.body_limit as u64),
            ("max_upload_bytes", self.max_upload_bytes),
            ("upload_chunk_limit", self.upload_chunk_limit as u64),
            ("session_hours", self.session_hours.max(0) as u64),
            (
                "enrolment_code_hours",
                self.enrolment_code_hours.max(0) as u64,
            ),
            (
                "citizen_rate_per_minute",
                u64::from(self.citizen_rate_per_minute),
            ),
            ("citizen_burst", u64::from(self.citizen_burst)),
            (
                "password_iterations",
                u64::from(self.password_cost.iterations),
            ),
        ];
        if let Some((key, _)) = positive.iter().find(|(_, v)| *v == 0) {
            return Err(ConfigError::Invalid {
                key,
                reason: "须大于 0".into(),
            });
        }
        if self.offline_login_days < 0 {
            return Err(ConfigError::Invalid {
                key: "offline_login_days",
                reason: "不能为负数".into(),
            });
        }
        if self.upload_chunk_limit < onestop_protocol::MAX_CHUNK_BYTES {
            return Err(ConfigError::Invalid {
                key: "upload_chunk_limit",
                reason: format!(
                    "不能小于协议规定的数据块大小 {} 字节",
                    onestop_protocol::MAX_CHUNK_BYTES
                ),
            });
        }
        if argon2::Params::new(
            self.password_cost.memory_kib,
            self.password_cost.iterations,
            self.password_cost.parallelism,
            None,
        )
        .is_err()
        {
            return Err(ConfigError::Invalid {
                key: "password_memory_kib",
                reason: "argon2 参数无效（内存须至少为并行度的 8 倍 KiB）".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
