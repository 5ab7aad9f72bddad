//! Attachment uploads: the subset of tus 1.0 of ARCHITECTURE.md §5.5 (creation, HEAD for the
//! offset, PATCH with a per-chunk `Upload-Checksum: sha256`), keyed by `(case_id, slot)`, with the
//! whole file's sha256 checked at the end. The headers and codes are listed in docs/protocol.md.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::CaseView;

/// The tus version spoken, sent as `Tus-Resumable` on every request and response.
pub const TUS_VERSION: &str = "1.0.0";
/// The largest chunk a client sends in one PATCH (4 MiB); the server accepts a small margin.
pub const MAX_CHUNK_BYTES: usize = 4 * 1024 * 1024;
/// The only checksum algorithm (`Upload-Checksum: sha256 <base64>`).
pub const CHECKSUM_ALGORITHM: &str = "sha256";

/// Header names.
pub mod header {
    pub const TUS_RESUMABLE: &str = "tus-resumable";
    pub const UPLOAD_LENGTH: &str = "upload-length";
    pub const UPLOAD_OFFSET: &str = "upload-offset";
    pub const UPLOAD_METADATA: &str = "upload-metadata";
    pub const UPLOAD_CHECKSUM: &str = "upload-checksum";
    /// The content type of every PATCH body.
    pub const OFFSET_OCTET_STREAM: &str = "application/offset+octet-stream";
}

/// What `Upload-Metadata` carries on creation (tus: `key base64(value)` pairs joined by commas).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadMetadata {
    pub case_id: String,
    /// The material slot of the case (`AttachmentRef::slot`).
    pub slot: String,
    /// Lower-case hex sha256 of the whole file.
    pub sha256: String,
    /// The original file name, for people.
    pub filename: String,
}

impl UploadMetadata {
    /// The `Upload-Metadata` header value.
    pub fn encode(&self) -> String {
        use base64::Engine as _;
        let b = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
        format!(
            "case_id {},slot {},sha256 {},filename {}",
            b(&self.case_id),
            b(&self.slot),
            b(&self.sha256),
            b(&self.filename)
        )
    }

    /// Parses an `Upload-Metadata` header; `None` when a key is missing, a value is not base64 or
    /// UTF-8, or the sha256 is not 64 hex digits.
    pub fn parse(header: &str) -> Option<Self> {
        use base64::Engine as _;
        let mut m = std::collections::HashMap::new();
        for pair in header.split(',') {
            let mut it = pair.trim().splitn(2, ' ');
            let key = it.next()?.trim();
            let value = it.next().unwrap_or("").trim();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(value)
                .ok()?;
            m.insert(key.to_string(), String::from_utf8(bytes).ok()?);
        }
        let sha256 = m.remove("sha256")?.to_ascii_lowercase();
        if sha256.len() != 64 || !sha256.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let meta = UploadMetadata {
            case_id: m.remove("case_id")?,
            slot: m.remove("slot")?,
            sha256,
            filename: m.remove("filename").unwrap_or_default(),
        };
        (!meta.case_id.is_empty() && !meta.slot.is_empty()).then_some(meta)
    }
}

/// One attachment slot of a case as the server holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentState {
    pub slot: String,
    /// The sha256 the case snapshot names for the slot (`None`: an upload with no reference yet).
    pub expected_sha256: Option<String>,
    /// The upload for the slot, when one was created.
    pub upload_id: Option<String>,
    pub length: Option<u64>,
    pub offset: u64,
    /// The whole file arrived and matches the sha256 the case names.
    pub complete: bool,
}

/// `GET /v1/cases/{id}`: the case and its attachments. `attachments_incomplete` is true while a
/// file the case names has not fully arrived (a case may arrive before its files).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: CaseView,
    pub attachments_incomplete: bool,
    pub attachments: Vec<AttachmentState>,
    /// What the filing window recorded: the window a village forwarded the case to decides on
    /// it. Absent from servers before it was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<FiledApplication>,
}

/// The form and the materials checklist of a case, as the window that received it filed them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FiledApplication {
    /// `Item::content_hash` of the item version the form was filled on (its labels and names).
    pub item_hash: String,
    #[schema(value_type = Object)]
    pub form: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub materials: Vec<crate::MaterialReceipt>,
}
