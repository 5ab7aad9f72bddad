//! One source of configuration: every key optional. The TOML file is one; the command line and
//! the environment, merged by clap, are another.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Why the configuration could not be used. Codes are stable; messages are for the operator.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("无法读取配置文件 {path}：{reason}")]
    Read { path: PathBuf, reason: String },
    #[error("配置文件 {path} 格式不正确：{reason}")]
    Parse { path: PathBuf, reason: String },
    #[error("配置项 {key} 无效：{reason}")]
    Invalid { key: &'static str, reason: String },
}

impl ConfigError {
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::Read { .. } => "config.unreadable",
            ConfigError::Parse { .. } => "config.bad_toml",
            ConfigError::Invalid { .. } => "config.invalid",
        }
    }
}

/// The keys of `onestop-server.toml` (see `onestop-server.example.toml`). Unknown keys are an
/// error, so a misspelt key is never silently ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigLayer {
    pub database: Option<String>,
    pub listen: Option<SocketAddr>,
    pub body_limit: Option<usize>,
    pub password_memory_kib: Option<u32>,
    pub password_iterations: Option<u32>,
    pub password_parallelism: Option<u32>,
    pub session_hours: Option<i64>,
    pub offline_login_days: Option<i64>,
    pub enrolment_code_hours: Option<i64>,
    pub upload_dir: Option<PathBuf>,
    pub max_upload_bytes: Option<u64>,
    pub upload_chunk_limit: Option<usize>,
    pub citizen_rate_per_minute: Option<u32>,
    pub citizen_burst: Option<u32>,
    pub trusted_proxies: Option<Vec<super::ProxyNet>>,
    pub metrics: Option<bool>,
}

impl ConfigLayer {
    pub fn from_toml(text: &str, path: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    }

    pub fn read(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        Self::from_toml(&text, path)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}
