use chrono::{DateTime, Utc};
use onestop_protocol::ApiError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What the status bar shows about the link to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionState {
    /// No probe has finished yet since start or since the address changed.
    Checking,
    Connected,
    Offline,
}

/// The latest result of the periodic `/healthz` probe, as the UI receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConnectionStatus {
    pub state: ConnectionState,
    pub server_url: String,
    #[ts(type = "string | null")]
    pub last_checked_at: Option<DateTime<Utc>>,
    #[ts(type = "string | null")]
    pub last_ok_at: Option<DateTime<Utc>>,
    pub latency_ms: Option<u32>,
    pub server_version: Option<String>,
    pub error: Option<ApiError>,
}

impl ConnectionStatus {
    pub fn checking(server_url: impl Into<String>) -> Self {
        Self {
            state: ConnectionState::Checking,
            server_url: server_url.into(),
            last_checked_at: None,
            last_ok_at: None,
            latency_ms: None,
            server_version: None,
            error: None,
        }
    }
}

/// Everything the application frame needs at start: version, who and where, and the link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AppStatus {
    pub version: String,
    /// Set by enrolment; `None` until this PC is enrolled as a window.
    pub window_name: Option<String>,
    /// Set by login; `None` while nobody is logged in.
    pub clerk_name: Option<String>,
    pub health_interval_secs: u32,
    pub connection: ConnectionStatus,
}

/// A printer as the UI receives it: `onestop_receipt::PrinterInfo`, which is not serialisable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Printer {
    pub name: String,
    /// The system default destination.
    pub is_default: bool,
}

impl From<onestop_receipt::PrinterInfo> for Printer {
    fn from(p: onestop_receipt::PrinterInfo) -> Self {
        // Destructured in full, so a field added to `PrinterInfo` fails to compile here.
        let onestop_receipt::PrinterInfo { name, is_default } = p;
        Self { name, is_default }
    }
}
