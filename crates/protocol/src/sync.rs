//! The sync envelope (ARCHITECTURE.md §5.1–§5.3): ops pushed by a window, the server's per-op
//! results, and the change log pages pulled back.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use ts_rs::TS;
use utoipa::ToSchema;

use crate::ApiError;

/// At most this many ops travel in one `POST /v1/ops`.
pub const MAX_OPS_PER_PUSH: usize = 100;

/// The kinds of op a window sends. Each names what the payload is, not an action to perform:
/// the window owns these facts, the server stores them (ARCHITECTURE.md §5, ownership).
pub mod op_kind {
    /// Payload: [`crate::ApplicantRecord`].
    pub const APPLICANT_UPSERT: &str = "applicant.upsert";
    /// Payload: [`crate::CaseSnapshot`], the window-owned part of a case as of this op.
    pub const CASE_SNAPSHOT: &str = "case.snapshot";
}

/// One change made on a window, as it travels. `seq` is the device's own gapless counter
/// (1, 2, 3 …), assigned in the same transaction as the change it carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Op {
    pub device_id: String,
    pub seq: u64,
    /// UUIDv7, unique across all devices.
    pub op_id: String,
    pub kind: String,
    #[ts(type = "unknown")]
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Lower-case hex sha256 of [`op_hash`] over `kind` and `payload`.
    pub sha256: String,
}

impl Op {
    /// Builds an op with its hash filled in.
    pub fn new(
        device_id: impl Into<String>,
        seq: u64,
        op_id: impl Into<String>,
        kind: impl Into<String>,
        payload: serde_json::Value,
    ) -> Op {
        let kind = kind.into();
        let sha256 = op_hash(&kind, &payload);
        Op {
            device_id: device_id.into(),
            seq,
            op_id: op_id.into(),
            kind,
            payload,
            sha256,
        }
    }

    /// Whether `sha256` matches the content (a corrupted or hand-edited op fails).
    pub fn hash_matches(&self) -> bool {
        op_hash(&self.kind, &self.payload) == self.sha256
    }
}

/// An [`Op`] as a window sends it: the payload is the JSON text its outbox stored, written to the
/// wire as it is. Parsing every payload into a `Value` tree only to print it again was a large
/// part of the window's CPU in a drain. The JSON is the `Op`'s with that payload (the same bytes
/// when the text is what `serde_json` printed for it), and the server reads it as an `Op`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RawOp {
    pub device_id: String,
    pub seq: u64,
    pub op_id: String,
    pub kind: String,
    pub payload: Box<RawValue>,
    pub sha256: String,
}

impl RawOp {
    /// Fails unless `payload` is exactly one JSON value: a damaged row must cost its own op, not
    /// turn the whole push into broken JSON.
    pub fn new(
        device_id: impl Into<String>,
        seq: u64,
        op_id: impl Into<String>,
        kind: impl Into<String>,
        payload: String,
        sha256: impl Into<String>,
    ) -> Result<RawOp, serde_json::Error> {
        Ok(RawOp {
            device_id: device_id.into(),
            seq,
            op_id: op_id.into(),
            kind: kind.into(),
            payload: RawValue::from_string(payload)?,
            sha256: sha256.into(),
        })
    }

    /// The op with its payload parsed, as the server sees it.
    pub fn to_op(&self) -> Result<Op, serde_json::Error> {
        Ok(Op {
            device_id: self.device_id.clone(),
            seq: self.seq,
            op_id: self.op_id.clone(),
            kind: self.kind.clone(),
            payload: serde_json::from_str(self.payload.get())?,
            sha256: self.sha256.clone(),
        })
    }
}

impl From<&Op> for RawOp {
    fn from(op: &Op) -> RawOp {
        RawOp {
            device_id: op.device_id.clone(),
            seq: op.seq,
            op_id: op.op_id.clone(),
            kind: op.kind.clone(),
            // A `Value` always prints: its map keys are strings and it holds no non-finite float.
            payload: serde_json::value::to_raw_value(&op.payload)
                .expect("a serde_json::Value always serialises"),
            sha256: op.sha256.clone(),
        }
    }
}

/// Equal when every field is, the payload compared as text (the bytes that go on the wire).
impl PartialEq for RawOp {
    fn eq(&self, other: &RawOp) -> bool {
        self.device_id == other.device_id
            && self.seq == other.seq
            && self.op_id == other.op_id
            && self.kind == other.kind
            && self.payload.get() == other.payload.get()
            && self.sha256 == other.sha256
    }
}

/// sha256 over the canonical JSON of `{"kind": kind, "payload": payload}`, so a replay with the
/// same content has the same hash whatever the key order, and a different op at the same seq
/// does not (§5.1: 409).
pub fn op_hash(kind: &str, payload: &serde_json::Value) -> String {
    onestop_domain::canonical::hash_of(&serde_json::json!({ "kind": kind, "payload": payload }))
}

/// `POST /v1/ops` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct PushRequest {
    pub ops: Vec<Op>,
}

/// What became of one op.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OpOutcome {
    /// Stored now.
    Applied,
    /// Stored before; this is the stored result again.
    Replayed,
    /// Refused on its merits (bad form, bad number …); `error` says why. Later ops of the same
    /// case wait on the window; other cases go on.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct OpResult {
    pub seq: u64,
    pub op_id: String,
    pub outcome: OpOutcome,
    pub error: Option<ApiError>,
}

/// `POST /v1/ops` answer. Only this JSON counts as success (§5.1). `acked_seq` is the highest seq
/// up to which every op of this device has a durable result (applied, replayed or rejected).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct PushResponse {
    pub acked_seq: u64,
    pub results: Vec<OpResult>,
}

/// One status change made on the server, for the window that owns the case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Change {
    /// The change log's sequence: the cursor. Order by this, never by clocks (§5.6).
    pub seq: u64,
    pub case_id: String,
    pub kind: String,
    #[ts(type = "unknown")]
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    #[ts(type = "string")]
    pub at: DateTime<Utc>,
}

/// `GET /v1/changes?after=CURSOR&limit=N` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    pub next_cursor: u64,
    pub has_more: bool,
}
