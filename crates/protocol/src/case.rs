//! The payloads a window sends: the applicant (一表式) and the window-owned part of a case.
//!
//! A case travels as a whole snapshot rather than as a diff: each `case.snapshot` op carries the
//! case as the window holds it after that change. Replays and reordering are then harmless (the
//! server keeps the snapshot with the highest device seq), and the server can re-validate the whole
//! thing through `onestop-domain` instead of trusting the client. What the server decides after
//! acceptance is the server's and comes back through the change log.

use chrono::{DateTime, NaiveDate, Utc};
use onestop_domain::lifecycle::{CaseEvent, CaseFlow};
use serde::{Deserialize, Serialize};

/// Person (居民身份证) or organisation (统一社会信用代码).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    Person,
    Organisation,
}

/// `applicant.upsert`: one applicant as registered on a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantRecord {
    /// UUIDv7 assigned by the registering window.
    pub applicant_id: String,
    pub kind: ApplicantKind,
    /// Normalised citizen ID or USCC. Unique per kind.
    pub id_number: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// 登记号 from the registering window's terminal prefix.
    pub registration_number: String,
    pub updated_at: DateTime<Utc>,
}

/// Who acted for the applicant (代理人, art. 29) and on what authority (委托书).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProxyRecord {
    pub name: String,
    /// Normalised citizen ID of the agent.
    pub id_number: String,
    pub phone: Option<String>,
    /// What the agent may do: submit, sign, collect …
    pub powers: Vec<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// sha256 of the scanned 委托书, when attached.
    pub authorisation_scan_sha256: Option<String>,
}

/// What arrived for one material of the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialReceipt {
    /// The item's material id (`m1` …).
    pub material_id: String,
    pub originals: u32,
    pub copies: u32,
    pub electronic: bool,
    /// 容缺受理: accepted while this required material is still missing, with the reason.
    pub waived_reason: Option<String>,
}

/// A scan or photo linked to a material slot; its bytes travel separately (§5.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRef {
    pub slot: String,
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
    pub media_type: String,
}

/// One entry of the window's tamper-evident timeline (hash chain, ARCHITECTURE.md §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// 1, 2, 3 … within the case.
    pub seq: u32,
    pub at: DateTime<Utc>,
    /// The clerk or agent account that acted.
    pub actor: String,
    /// `case.received`, `case.accepted`, `voucher.printed` …
    pub kind: String,
    /// The life-cycle event, when the entry moved the case.
    pub event: Option<CaseEvent>,
    /// Anything else worth keeping (voucher kind and reprint count, …).
    #[serde(default)]
    pub data: serde_json::Value,
    pub prev_hash: String,
    pub hash: String,
}

/// `case.snapshot`: the window-owned part of a case as of one op.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSnapshot {
    /// UUIDv7 assigned by the window.
    pub case_id: String,
    /// The 21-character 受理号 (ARCHITECTURE.md §4), issued offline at receipt.
    pub acceptance_number: String,
    pub catalogue_edition: String,
    pub item_impl_code: String,
    /// `Item::content_hash` of the item version the form was filled on.
    pub item_hash: String,
    pub applicant_id: String,
    pub proxy: Option<ProxyRecord>,
    /// The item's form data, as validated by `onestop_domain::catalogue::validate_form_at`.
    pub form: serde_json::Value,
    pub materials: Vec<MaterialReceipt>,
    pub attachments: Vec<AttachmentRef>,
    pub flow: CaseFlow,
    /// The promised completion date as the window computed it, and whether the calendar for that
    /// year was published (otherwise provisional until the server confirms).
    pub due_on: Option<NaiveDate>,
    pub due_provisional: bool,
    pub timeline: Vec<TimelineEntry>,
    /// The window that received the case: county code and terminal code.
    pub county_code: String,
    pub terminal_code: String,
    pub updated_at: DateTime<Utc>,
}
