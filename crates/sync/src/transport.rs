//! The two sync calls over HTTP, with every possible answer sorted into what the engine does next
//! (ARCHITECTURE.md §5.2). Only a JSON `{acked_seq, results}` counts as a successful push.

use std::time::{Duration, SystemTime};

use onestop_protocol::{ApiError, ChangesPage, PushResponse, RawOp};
use reqwest::header::{HeaderMap, CONTENT_ENCODING, CONTENT_TYPE, DATE, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use crate::backoff::parse_retry_after;
use crate::clock::clock_offset_secs;
use crate::compress::{encode, refused_encoding, WireBody};
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
    /// Sends one signed request and reads the whole answer. The error side is the network's
    /// (no answer, or the answer cut off); the `Seen` carries the server's clock when it answered.
    /// The signature covers `body.bytes` as they go on the wire (compressed, if they are).
    pub(crate) async fn exchange(
        &self,
        method: Method,
        path: &str,
        body: WireBody,
        signer: Option<&dyn RequestSigner>,
    ) -> (Result<(StatusCode, HeaderMap, Vec<u8>), SyncError>, Seen) {
        let sent = SystemTime::now();
        let mut request = self
            .http()
            .request(method.clone(), self.url(path))
            .timeout(self.timeout_for(body.bytes.len() as u64));
        if !body.bytes.is_empty() {
            request = request.header(CONTENT_TYPE, "application/json");
        }
        if body.gzip {
            request = request.header(CONTENT_ENCODING, "gzip");
        }
        for (k, v) in signer
            .map(|s| s.headers(method.as_str(), path, &body.bytes))
            .unwrap_or_default()
        {
            request = request.header(k, v);
        }
        let response = match request.body(body.bytes).send().await {
            Ok(r) => r,
            Err(e) => return (Err(SyncError::Unreachable(e.to_string())), Seen::default()),
        };
        let received = SystemTime::now();
        let status = response.status();
        let headers = response.headers().clone();
        let seen = seen(&headers, sent, received);
        // A body cut off after the status line: for a push the server may have committed, and
        // retrying the same batch is safe because ops are idempotent by (device, seq).
        match response.bytes().await {
            Ok(bytes) => (Ok((status, headers, bytes.to_vec())), seen),
            Err(e) => (Err(SyncError::Unreachable(e.to_string())), seen),
        }
    }

    /// `POST /v1/ops`, gzipped when that pays (see `compress.rs`).
    pub async fn push_ops(&self, ops: &[RawOp], signer: &dyn RequestSigner) -> (PushAnswer, Seen) {
        let json = match serde_json::to_vec(&PushBody { ops }) {
            Ok(b) => b,
            Err(e) => {
                tracing::error!(detail = %e, "could not encode a push");
                let error = SyncError::BadResponse { status: 0 };
                return (later(error, None), Seen::default());
            }
        };
        let wire = encode(&json, self.gzip_policy());
        let gzipped = wire.gzip;
        let (answer, seen) = self.push_body(wire, signer).await;
        match answer {
            PushAnswer::Refused { status, error }
                if gzipped && refused_encoding(status, &error.code) =>
            {
                // This server does not take gzip: say so once, and send plain from now on.
                tracing::warn!(status, code = %error.code, "server refused a gzip push; sending uncompressed");
                self.set_request_compression(false);
                self.push_body(WireBody::plain(json), signer).await
            }
            answer => (answer, seen),
        }
    }

    async fn push_body(&self, body: WireBody, signer: &dyn RequestSigner) -> (PushAnswer, Seen) {
        let (answer, seen) = self
            .exchange(Method::POST, "/v1/ops", body, Some(signer))
            .await;
        let (status, headers, bytes) = match answer {
            Ok(a) => a,
            Err(error) => return (later(error, None), seen),
        };
        let answer = match classify(status, &headers, &bytes) {
            Classified::Ok => match serde_json::from_slice::<PushResponse>(&bytes) {
                Ok(r) => PushAnswer::Done(r),
                Err(_) => later(bad(status), None),
            },
            Classified::Unauthorized => PushAnswer::Unauthorized,
            Classified::Gone | Classified::Refused => PushAnswer::Refused {
                status: status.as_u16(),
                error: refusal(status, &bytes),
            },
            Classified::Later(error, retry_after) => later(error, retry_after),
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
        let (answer, seen) = self
            .exchange(
                Method::GET,
                &path,
                WireBody::plain(Vec::new()),
                Some(signer),
            )
            .await;
        let later = |error, retry_after| PullAnswer::Later { error, retry_after };
        let (status, headers, bytes) = match answer {
            Ok(a) => a,
            Err(error) => return (later(error, None), seen),
        };
        let answer = match classify(status, &headers, &bytes) {
            Classified::Ok => match serde_json::from_slice::<ChangesPage>(&bytes) {
                Ok(page) => PullAnswer::Page(page),
                Err(_) => later(bad(status), None),
            },
            Classified::Unauthorized => PullAnswer::Unauthorized,
            Classified::Gone => PullAnswer::Gone,
            Classified::Refused => PullAnswer::Refused {
                status: status.as_u16(),
                error: refusal(status, &bytes),
            },
            Classified::Later(error, retry_after) => later(error, retry_after),
        };
        (answer, seen)
    }
}

/// `PushRequest` by reference, its payloads the stored JSON text: the same JSON without copying
/// or re-printing 100 payloads to write it.
#[derive(serde::Serialize)]
struct PushBody<'a> {
    ops: &'a [RawOp],
}

fn later(error: SyncError, retry_after: Option<Duration>) -> PushAnswer {
    PushAnswer::Later { error, retry_after }
}

/// An answer that is not the protocol's JSON.
fn bad(status: StatusCode) -> SyncError {
    SyncError::BadResponse {
        status: status.as_u16(),
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

#[cfg(test)]
mod tests {
    use onestop_protocol::{op_kind, Op, PushRequest, RawOp};

    use super::PushBody;

    #[test]
    fn the_borrowed_body_is_the_protocols_push_request() {
        let ops: Vec<Op> = (1..=3)
            .map(|seq| {
                Op::new(
                    "dev-1",
                    seq,
                    format!("op-{seq}"),
                    op_kind::CASE_SNAPSHOT,
                    serde_json::json!({"n": seq, "名": "王芳", "z": [1.5, null]}),
                )
            })
            .collect();
        // As the outbox hands them over: the payload text it stored.
        let raw: Vec<RawOp> = ops
            .iter()
            .map(|op| {
                let stored = serde_json::to_string(&op.payload).unwrap();
                RawOp::new(
                    &op.device_id,
                    op.seq,
                    &op.op_id,
                    &op.kind,
                    stored,
                    &op.sha256,
                )
                .unwrap()
            })
            .collect();
        let borrowed = serde_json::to_vec(&PushBody { ops: &raw }).unwrap();
        let owned = serde_json::to_vec(&PushRequest { ops: ops.clone() }).unwrap();
        assert_eq!(borrowed, owned);
        let back: PushRequest = serde_json::from_slice(&borrowed).unwrap();
        assert_eq!(back.ops, ops);
    }
}
