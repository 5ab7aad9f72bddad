//! The configuration flags of the command line. Each flag also reads its `ONESTOP_*` variable
//! (clap lets the flag win); none has a default here, so an absent flag leaves the key to the
//! file or the built-in default.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::ConfigLayer;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigArgs {
    /// A TOML file with any of the keys below (flags and ONESTOP_* variables win over it).
    #[arg(long, global = true, env = "ONESTOP_CONFIG")]
    pub config: Option<PathBuf>,
    /// A SQLite file path (created if absent) or a postgres:// URL [default: onestop-data/server.db].
    #[arg(long, global = true, env = "ONESTOP_DATABASE")]
    pub database: Option<String>,
    /// Address to listen on; /metrics is served here too [default: 127.0.0.1:8480].
    #[arg(long, global = true, env = "ONESTOP_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Largest accepted request body in bytes [default: 2 MiB].
    #[arg(long, global = true, env = "ONESTOP_BODY_LIMIT")]
    pub body_limit: Option<usize>,
    /// argon2id memory of new password hashes, KiB [default: 19456].
    #[arg(long, global = true, env = "ONESTOP_PASSWORD_MEMORY_KIB")]
    pub password_memory_kib: Option<u32>,
    /// argon2id iterations [default: 2].
    #[arg(long, global = true, env = "ONESTOP_PASSWORD_ITERATIONS")]
    pub password_iterations: Option<u32>,
    /// argon2id lanes [default: 1].
    #[arg(long, global = true, env = "ONESTOP_PASSWORD_PARALLELISM")]
    pub password_parallelism: Option<u32>,
    /// Session lifetime in hours [default: 12].
    #[arg(long, global = true, env = "ONESTOP_SESSION_HOURS")]
    pub session_hours: Option<i64>,
    /// Days a window may log in offline with its cached verifier [default: 7].
    #[arg(long, global = true, env = "ONESTOP_OFFLINE_LOGIN_DAYS")]
    pub offline_login_days: Option<i64>,
    /// Hours an enrolment code stays valid [default: 72].
    #[arg(long, global = true, env = "ONESTOP_ENROLMENT_CODE_HOURS")]
    pub enrolment_code_hours: Option<i64>,
    /// Folder for attachment files [default: onestop-data/uploads].
    #[arg(long, global = true, env = "ONESTOP_UPLOAD_DIR")]
    pub upload_dir: Option<PathBuf>,
    /// Largest attachment file in bytes [default: 64 MiB].
    #[arg(long, global = true, env = "ONESTOP_MAX_UPLOAD_BYTES")]
    pub max_upload_bytes: Option<u64>,
    /// Largest upload PATCH body in bytes [default: 4 MiB + 64 KiB].
    #[arg(long, global = true, env = "ONESTOP_UPLOAD_CHUNK_LIMIT")]
    pub upload_chunk_limit: Option<usize>,
    /// Citizen page lookups per client IP and minute [default: 10].
    #[arg(long, global = true, env = "ONESTOP_CITIZEN_RATE_PER_MINUTE")]
    pub citizen_rate_per_minute: Option<u32>,
    /// Citizen page lookups allowed at once [default: 5].
    #[arg(long, global = true, env = "ONESTOP_CITIZEN_BURST")]
    pub citizen_burst: Option<u32>,
    /// Reverse proxies (addresses or CIDR networks, comma-separated) whose X-Forwarded-For is
    /// believed for the citizen page's per-IP limit [default: none].
    #[arg(
        long,
        global = true,
        env = "ONESTOP_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Option<Vec<super::ProxyNet>>,
    /// Serve GET /metrics (true or false) [default: true].
    #[arg(long, global = true, env = "ONESTOP_METRICS")]
    pub metrics: Option<bool>,
}

impl ConfigArgs {
    /// The keys these flags and variables set.
    pub fn layer(&self) -> ConfigLayer {
        ConfigLayer {
            database: self.database.clone(),
            listen: self.listen,
            body_limit: self.body_limit,
            password_memory_kib: self.password_memory_kib,
            password_iterations: self.password_iterations,
            password_parallelism: self.password_parallelism,
            session_hours: self.session_hours,
            offline_login_days: self.offline_login_days,
            enrolment_code_hours: self.enrolment_code_hours,
            upload_dir: self.upload_dir.clone(),
            max_upload_bytes: self.max_upload_bytes,
            upload_chunk_limit: self.upload_chunk_limit,
            citizen_rate_per_minute: self.citizen_rate_per_minute,
            citizen_burst: self.citizen_burst,
            trusted_proxies: self.trusted_proxies.clone(),
            metrics: self.metrics,
        }
    }

    /// The file layer (empty without `--config`) and the resolved configuration.
    pub fn resolve(&self) -> Result<super::ServerConfig, super::ConfigError> {
        let file = match &self.config {
            Some(path) => ConfigLayer::read(path)?,
            None => ConfigLayer::default(),
        };
        super::ServerConfig::resolve(&file, &self.layer())
    }
}
