use std::sync::Arc;
use std::time::{Duration, Instant};

use onestop_protocol::{ApiError, Health, Meta};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::compress::GzipPolicy;
use crate::SyncError;

/// The slowest uplink a window is expected to have, bytes per second (256 kbit/s).
pub const MIN_UPLOAD_RATE: u64 = 32 * 1024;

/// A typed HTTP client for one `onestop-server`.
#[derive(Debug, Clone)]
pub struct ServerClient {
    base: Url,
    http: reqwest::Client,
    /// Whether pushes are gzipped; shared by clones (see `compress.rs`).
    gzip: Arc<GzipPolicy>,
    /// The per-request timeout the client was built with.
    timeout: Duration,
}

/// The outcome of one health probe: what answered and how fast.
#[derive(Debug, Clone)]
pub struct Probe {
    pub health: Health,
    pub latency: Duration,
}

impl ServerClient {
    /// `timeout` bounds every request, so a black-holed network reads as offline instead of hanging.
    pub fn new(base_url: &str, timeout: Duration) -> Result<Self, SyncError> {
        let mut base = Url::parse(base_url.trim())
            .map_err(|e| SyncError::InvalidUrl(format!("{base_url}: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(SyncError::InvalidUrl(base_url.to_string()));
        }
        // Url::join treats a base without a trailing slash as a file; normalise once here.
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("onestop-desk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Unreachable(e.to_string()))?;
        Ok(Self {
            base,
            http,
            gzip: Arc::new(GzipPolicy::from_env()),
            timeout,
        })
    }

    /// Whether push bodies over [`crate::compress::GZIP_MIN_BYTES`] are sent gzipped. On by
    /// default; `ONESTOP_SYNC_GZIP=0` turns it off, and so does a server that refuses it.
    pub fn request_compression(&self) -> bool {
        self.gzip.enabled()
    }

    /// Turns request compression on or off for this client and its clones.
    pub fn set_request_compression(&self, on: bool) {
        self.gzip.set(on);
    }

    /// The per-request timeout for a request that sends `body_bytes`: the client's timeout plus
    /// the time the body needs at [`MIN_UPLOAD_RATE`]. A 4 MiB chunk on a slow township uplink
    /// (1 Mbit/s: 34 s) must not be cut by a timeout meant for small JSON requests, or the
    /// upload would be resent from the same offset for ever.
    pub(crate) fn timeout_for(&self, body_bytes: u64) -> Duration {
        self.timeout + Duration::from_secs(body_bytes / MIN_UPLOAD_RATE)
    }

    pub(crate) fn gzip_policy(&self) -> &GzipPolicy {
        &self.gzip
    }

    pub fn base_url(&self) -> &str {
        self.base.as_str()
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The absolute URL of an API path such as `/v1/ops?x=1`.
    pub(crate) fn url(&self, path_and_query: &str) -> String {
        format!(
            "{}{}",
            self.base.as_str().trim_end_matches('/'),
            path_and_query
        )
    }

    /// `GET /healthz`, timed.
    pub async fn probe(&self) -> Result<Probe, SyncError> {
        let started = Instant::now();
        let health: Health = self.get_json("healthz").await?;
        if health.status != "ok" {
            return Err(SyncError::BadResponse { status: 200 });
        }
        Ok(Probe {
            health,
            latency: started.elapsed(),
        })
    }

    /// `GET /v1/meta`: server version and clock.
    pub async fn meta(&self) -> Result<Meta, SyncError> {
        self.get_json("v1/meta").await
    }

    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, SyncError> {
        let url = self
            .base
            .join(path)
            .map_err(|e| SyncError::InvalidUrl(e.to_string()))?;
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| SyncError::Unreachable(describe(&e)))?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| SyncError::Unreachable(describe(&e)))?;
        if status == StatusCode::OK {
            return serde_json::from_slice(&body).map_err(|_| SyncError::BadResponse {
                status: status.as_u16(),
            });
        }
        // Only a well-formed ApiError is the server speaking; anything else is a stranger on the port.
        match serde_json::from_slice::<ApiError>(&body) {
            Ok(err) => Err(SyncError::Server(err)),
            Err(_) => Err(SyncError::BadResponse {
                status: status.as_u16(),
            }),
        }
    }
}

/// reqwest's Display hides the cause ("error sending request"); the clerk's IT helper needs it.
fn describe(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunk_gets_the_time_it_needs_on_the_slowest_uplink() {
        let client = ServerClient::new("http://127.0.0.1:1", Duration::from_secs(2)).unwrap();
        assert_eq!(client.timeout_for(0), Duration::from_secs(2));
        // 4 MiB at 32 KiB/s is 128 s; the JSON request timeout alone would cut it every time.
        assert_eq!(
            client.timeout_for(4 * 1024 * 1024),
            Duration::from_secs(2 + 128)
        );
    }
}
