//! The two sync calls over HTTP, with every possible answer sorted into what the engine does next
//! (ARCHITECTURE.md §5.2). Only a JSON `{acked_seq, results}` counts as a successful push.

use std::time::{Duration, SystemTime};

use onestop_protocol::{ApiError, ChangesPage, Op, PushRequest, PushResponse};
use reqwest::header::{HeaderMap, CONTENT_TYPE, DATE, RETRY_AFTER};
use reqwest::StatusCode;

use crate::backoff::parse_retry_after;
use crate::clock::clock_offset_secs;
use crate::{ServerClient, SyncError};

/// Authenticates a request: the device signature and the clerk's session. Implemented by desk,
/// which holds the keys; the exact headers are in docs/protocol.md.
pub trait RequestSigner: Send + Sync {
    fn headers(&self, method: &str, path_and_query: &str, body: &[u8]) -> Vec<(String, String)>;
}

/// What a push came back with.
#[derive(Debug)]
pub enum PushAnswer {
    /// The server stored (or had stored) every op it answered for.
    Done(PushResponse),
    /// 401: the session or the device signature is not accepted; re-authenticate, then retry.
    Unauthorized,
    /// Try the same batch later: no network, 5xx, 429, or an answer that is not the protocol's.
    Later {
        error: SyncError,
        retry_after: Option<Duration>,
    },
    /// Any other 4xx: the server refuses the request on its merits (a bad op, a seq conflict,
    /// a body too large). The engine narrows the batch down to the op at fault.
    Refused { status: u16, error: ApiError },
}

/// What a pull came back with.
#[derive(Debug)]
pub enum PullAnswer {
    Page(ChangesPage),
    /// 410: the server no longer has changes after our cursor; resync from zero.
    Gone,
    Unauthorized,
    Later {
        error: SyncError,
        retry_after: Option<Duration>,
    },
    Refused {
        status: u16,
        error: ApiError,
    },
}

/// The server's clock as seen on one response.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seen {
    pub clock_offset_secs: Option<i64>,
}

impl ServerClient {
    /// `POST /v1/ops`.
    pub async fn push_ops(&self, ops: &[Op], signer: &dyn RequestSigner) -> (PushAnswer, Seen) {
        let body = match serde_json::to_vec(&PushRequest { ops: ops.to_vec() }) {
            Ok(b) => b,
            Err(e) => {
                return (
                    PushAnswer::Later {
                        error: SyncError::BadResponse { status: 0 },
                        retry_after: None,
                    }
                    .with_log(&e.to_string()),
                    Seen::default(),
                )
            }
        };
        let path = "/v1/ops";
        let sent = SystemTime::now();
        let mut request = self
            .http()
            .post(self.url(path))
            .header(CONTENT_TYPE, "application/json");
        for (k, v) in signer.headers("POST", path, &body) {
            request = request.header(k, v);
        }
        let response = request.body(body).send().await;
        let received = SystemTime::now();
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                return (
                    PushAnswer::Later {
                        error: SyncError::Unreachable(e.to_string()),
                        retry_after: None,
                    },
                    Seen::default(),
                )
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let seen = seen(&headers, sent, received);
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                // The server may have committed and the reply was lost: retrying the same batch
                // is safe because ops are idempotent by (device, seq).
                return (
                    PushAnswer::Later {
                        error: SyncError::Unreachable(e.to_string()),
                        retry_after: None,
                    },
                    seen,
                );
            }
        };
        let answer = match classify(status, &headers, &bytes) {
            Classified::Ok => match serde_json::from_slice::<PushResponse>(&bytes) {
                Ok(r) => PushAnswer::Done(r),
                Err(_) => PushAnswer::Later {
                    error: SyncError::BadResponse {
                        status: status.as_u16(),
                    },
                    retry_after: None,
                },
            },
            Classified::Unauthorized => PushAnswer::Unauthorized,
            Classified::Gone | Classified::Refused => {
                let error = refusal(status, &bytes);
                PushAnswer::Refused {
                    status: status.as_u16(),
                    error,
                }
            }
            Classified::Later(error, retry_after) => PushAnswer::Later { error, retry_after },
        };
        (answer, seen)
    }

    /// `GET /v1/changes?after=&limit=`.
    pub async fn pull_changes(
        &self,
        after: u64,
        limit: u32,
        signer: &dyn RequestSigner,
    ) -> (PullAnswer, Seen) {
        let path = format!("/v1/changes?after={after}&limit={limit}");
        let sent = SystemTime::now();
        let mut request = self.http().get(self.url(&path));
        for (k, v) in signer.headers("GET", &path, b"") {
            request = request.header(k, v);
        }
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                return (
                    PullAnswer::Later {
                        error: SyncError::Unreachable(e.to_string()),
                        retry_after: None,
                    },
                    Seen::default(),
                )
            }
        };
        let received = SystemTime::now();
        let status = response.status();
        let headers = response.headers().clone();
        let seen = seen(&headers, sent, received);
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                return (
                    PullAnswer::Later {
                        error: SyncError::Unreachable(e.to_string()),
                        retry_after: None,
                    },
                    seen,
                )
            }
        };
        let answer = match classify(status, &headers, &bytes) {
            Classified::Ok => match serde_json::from_slice::<ChangesPage>(&bytes) {
                Ok(page) => PullAnswer::Page(page),
                Err(_) => PullAnswer::Later {
                    error: SyncError::BadResponse {
                        status: status.as_u16(),
                    },
                    retry_after: None,
                },
            },
            Classified::Unauthorized => PullAnswer::Unauthorized,
            Classified::Gone => PullAnswer::Gone,
            Classified::Refused => PullAnswer::Refused {
                status: status.as_u16(),
                error: refusal(status, &bytes),
            },
            Classified::Later(error, retry_after) => PullAnswer::Later { error, retry_after },
        };
        (answer, seen)
    }
}

impl PushAnswer {
    fn with_log(self, detail: &str) -> Self {
        tracing::error!(%detail, "could not encode a push");
        self
    }
}

#[derive(Debug)]
enum Classified {
    Ok,
    Unauthorized,
    Gone,
    Refused,
    Later(SyncError, Option<Duration>),
}

/// Sorts a status into the engine's next move. 2xx other than 200 is not the protocol: retry.
fn classify(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Classified {
    let retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    match status.as_u16() {
        200 => Classified::Ok,
        401 => Classified::Unauthorized,
        410 => Classified::Gone,
        429 | 408 => Classified::Later(server_error(status, body), retry_after),
        400..=499 => Classified::Refused,
        _ => Classified::Later(server_error(status, body), retry_after),
    }
}

fn server_error(status: StatusCode, body: &[u8]) -> SyncError {
    match serde_json::from_slice::<ApiError>(body) {
        Ok(e) => SyncError::Server(e),
        Err(_) => SyncError::BadResponse {
            status: status.as_u16(),
        },
    }
}

fn refusal(status: StatusCode, body: &[u8]) -> ApiError {
    serde_json::from_slice::<ApiError>(body).unwrap_or_else(|_| {
        ApiError::new(
            format!("http.{}", status.as_u16()),
            format!("服务器拒绝了请求（HTTP {}）", status.as_u16()),
        )
    })
}

fn seen(headers: &HeaderMap, sent: SystemTime, received: SystemTime) -> Seen {
    Seen {
        clock_offset_secs: headers
            .get(DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|d| clock_offset_secs(d, sent, received)),
    }
}
