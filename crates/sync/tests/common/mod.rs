//! In-memory ports and a small protocol-shaped HTTP server for the engine's own tests.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use onestop_protocol::*;
use onestop_sync::ports::{ChangesPort, OutboxPort, PortError, QueueStats};
use onestop_sync::round::RoundParts;
use onestop_sync::transport::RequestSigner;
use onestop_sync::ServerClient;

/// An outbox in memory, with the same hold-back rule as the real one.
#[derive(Default)]
pub struct MemOutbox {
    pub ops: Mutex<Vec<(Op, String, Option<OpOutcome>)>>, // op, case id, outcome
}

impl MemOutbox {
    pub fn with(cases: &[(&str, usize)]) -> Arc<Self> {
        let out = MemOutbox::default();
        let mut seq = 0;
        for round in 0..cases.iter().map(|c| c.1).max().unwrap_or(0) {
            for (case, n) in cases {
                if round < *n {
                    seq += 1;
                    let op = Op::new(
                        "dev-1",
                        seq,
                        format!("op-{seq}"),
                        op_kind::CASE_SNAPSHOT,
                        serde_json::json!({"case": case, "n": round}),
                    );
                    out.ops.lock().unwrap().push((op, case.to_string(), None));
                }
            }
        }
        Arc::new(out)
    }

    pub fn outcome(&self, seq: u64) -> Option<OpOutcome> {
        self.ops
            .lock()
            .unwrap()
            .iter()
            .find(|o| o.0.seq == seq)
            .and_then(|o| o.2)
    }
}

impl OutboxPort for MemOutbox {
    fn next_batch(&self, limit: usize) -> Result<Vec<RawOp>, PortError> {
        let ops = self.ops.lock().unwrap();
        let held: Vec<&String> = ops
            .iter()
            .filter(|o| o.2 == Some(OpOutcome::Rejected))
            .map(|o| &o.1)
            .collect();
        Ok(ops
            .iter()
            .filter(|o| o.2.is_none() && !held.contains(&&o.1))
            .take(limit)
            .map(|o| RawOp::from(&o.0))
            .collect())
    }
    fn record_results(&self, results: &[OpResult]) -> Result<(), PortError> {
        let mut ops = self.ops.lock().unwrap();
        for r in results {
            if let Some(o) = ops.iter_mut().find(|o| o.0.seq == r.seq) {
                o.2 = Some(r.outcome);
            }
        }
        Ok(())
    }
    fn stats(&self) -> Result<QueueStats, PortError> {
        let ops = self.ops.lock().unwrap();
        Ok(QueueStats {
            ops: ops.iter().filter(|o| o.2.is_none()).count() as u64,
            bytes: 0,
        })
    }
}

#[derive(Default)]
pub struct MemChanges {
    pub cursor: Mutex<u64>,
    pub seen: Mutex<Vec<u64>>,
    pub resets: Mutex<u32>,
}

impl ChangesPort for MemChanges {
    fn cursor(&self) -> Result<u64, PortError> {
        Ok(*self.cursor.lock().unwrap())
    }
    fn apply_page(&self, page: &ChangesPage) -> Result<Vec<String>, PortError> {
        self.seen
            .lock()
            .unwrap()
            .extend(page.changes.iter().map(|c| c.seq));
        *self.cursor.lock().unwrap() = page.next_cursor;
        Ok(page
            .changes
            .iter()
            .map(|c| format!("{} {}", c.case_id, c.kind))
            .collect())
    }
    fn reset_cursor(&self) -> Result<(), PortError> {
        *self.cursor.lock().unwrap() = 0;
        *self.resets.lock().unwrap() += 1;
        Ok(())
    }
}

/// Signs nothing but the body: `x-body-sha256` is the hex sha256 of the bytes the signer was
/// given, which the test server compares with the bytes that arrived (as the real signature's
/// body hash is compared).
pub struct NoAuth;
impl RequestSigner for NoAuth {
    fn headers(&self, _: &str, _: &str, body: &[u8]) -> Vec<(String, String)> {
        vec![("x-body-sha256".into(), sha256_hex(body))]
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex_lower(&sha2::Sha256::digest(bytes))
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The test server's behaviour knobs and memory.
#[derive(Default)]
pub struct Srv {
    pub max_batch: usize,
    pub conflict_seq: Option<u64>,
    pub fail_first_pushes: u32,
    pub gone_once: bool,
    pub stored: BTreeMap<u64, String>,
    pub changes: u64,
    /// Answer gzip bodies as a server from before request compression does: 400 `http.bad_json`.
    pub no_gzip: bool,
    /// Pushes that arrived gzipped and plain, and the bytes of their bodies as they arrived.
    pub gzip_pushes: u32,
    pub plain_pushes: u32,
    pub wire_bytes: u64,
    /// Pushes whose `x-body-sha256` did not match the bytes that arrived.
    pub unsigned_bodies: u32,
}

pub type Shared = Arc<Mutex<Srv>>;

async fn ops(State(s): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut s = s.lock().unwrap();
    let signed = headers
        .get("x-body-sha256")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if signed != sha256_hex(&body) {
        s.unsigned_bodies += 1;
    }
    s.wire_bytes += body.len() as u64;
    let gzip = headers
        .get("content-encoding")
        .is_some_and(|v| v.as_bytes() == b"gzip");
    let json = if gzip {
        s.gzip_pushes += 1;
        if s.no_gzip {
            return (
                StatusCode::BAD_REQUEST,
                Json(ApiError::new("http.bad_json", "请求内容不是有效的 JSON")),
            )
                .into_response();
        }
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_end(&mut inflated)
            .unwrap();
        inflated
    } else {
        s.plain_pushes += 1;
        body.to_vec()
    };
    let req: PushRequest = serde_json::from_slice(&json).unwrap();
    if s.fail_first_pushes > 0 {
        s.fail_first_pushes -= 1;
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [("retry-after", "7")],
            "busy",
        )
            .into_response();
    }
    if s.max_batch > 0 && req.ops.len() > s.max_batch {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(ApiError::new("http.payload_too_large", "请求内容过大")),
        )
            .into_response();
    }
    if let Some(bad) = s.conflict_seq {
        if req.ops.iter().any(|o| o.seq == bad) {
            return (
                StatusCode::CONFLICT,
                Json(ApiError::new("ops.seq_conflict", "序号冲突")),
            )
                .into_response();
        }
    }
    let mut results = vec![];
    for op in &req.ops {
        let outcome = if s.stored.contains_key(&op.seq) {
            OpOutcome::Replayed
        } else {
            OpOutcome::Applied
        };
        s.stored.insert(op.seq, op.sha256.clone());
        results.push(OpResult {
            seq: op.seq,
            op_id: op.op_id.clone(),
            outcome,
            error: None,
        });
    }
    let acked_seq = req.ops.iter().map(|o| o.seq).max().unwrap_or(0);
    Json(PushResponse { acked_seq, results }).into_response()
}

#[derive(serde::Deserialize)]
struct After {
    after: u64,
    limit: u64,
}

async fn changes(State(s): State<Shared>, Query(q): Query<After>) -> Response {
    let mut s = s.lock().unwrap();
    if s.gone_once && q.after > 0 {
        s.gone_once = false;
        return (
            StatusCode::GONE,
            Json(ApiError::new("changes.gone", "游标已过期")),
        )
            .into_response();
    }
    let end = (q.after + q.limit).min(s.changes);
    let page = ChangesPage {
        changes: (q.after + 1..=end)
            .map(|seq| Change {
                seq,
                case_id: format!("c{seq}"),
                kind: "case.status".into(),
                payload: serde_json::json!({}),
                at: chrono::Utc::now(),
            })
            .collect(),
        next_cursor: end,
        has_more: end < s.changes,
    };
    Json(page).into_response()
}

/// A test server on a loopback port that can go down and come back on the same port.
pub struct Running {
    pub shared: Shared,
    pub addr: SocketAddr,
    stop: Option<(
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    )>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The port closes and open connections end, as when the server goes down.
    pub async fn stop(&mut self) {
        if let Some((tx, task)) = self.stop.take() {
            let _ = tx.send(());
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
    }

    /// Back on the same port, with the same memory.
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = tokio::net::TcpListener::bind(self.addr).await.unwrap();
        self.serve(listener);
    }

    fn serve(&mut self, listener: tokio::net::TcpListener) {
        let app = Router::new()
            .route("/healthz", get(healthz))
            .route("/v1/ops", post(ops))
            .route("/v1/changes", get(changes))
            .with_state(Arc::clone(&self.shared));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    // Only an explicit stop ends the server; a dropped handle leaves it running.
                    if rx.await.is_err() {
                        std::future::pending::<()>().await;
                    }
                })
                .await
                .unwrap()
        });
        self.stop = Some((tx, task));
    }
}

async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: "test".into(),
    })
}

pub async fn serve(srv: Srv) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut running = Running {
        shared: Arc::new(Mutex::new(srv)),
        addr: listener.local_addr().unwrap(),
        stop: None,
    };
    running.serve(listener);
    running
}

pub async fn start(srv: Srv) -> (Shared, ServerClient) {
    let running = serve(srv).await;
    let client = ServerClient::new(&running.url(), Duration::from_secs(5)).unwrap();
    (running.shared, client)
}

pub fn parts(client: ServerClient, outbox: Arc<MemOutbox>, changes: Arc<MemChanges>) -> RoundParts {
    RoundParts {
        client,
        outbox,
        changes,
        signer: Arc::new(NoAuth),
        uploads: None,
        catalogue: None,
    }
}

pub async fn no_reauth() -> bool {
    false
}
