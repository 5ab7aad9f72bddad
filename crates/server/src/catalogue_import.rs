//! Publishing a catalogue edition from a file (the `import-catalogue` command).

use chrono::Utc;
use sha2::{Digest, Sha256};

use crate::store::StoredCatalogue;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("目录文件不是有效的 JSON：{0}")]
    Json(String),
    #[error("目录缺少字段：{0}")]
    Missing(&'static str),
}

/// Parses and checks an edition, and computes its ETag over a canonical encoding so the same
/// content always gets the same tag whatever its whitespace.
pub fn prepare(json: &str) -> Result<StoredCatalogue, ImportError> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| ImportError::Json(e.to_string()))?;
    let edition = value
        .get("edition")
        .and_then(|v| v.as_str())
        .ok_or(ImportError::Missing("edition"))?
        .to_string();
    let items = value
        .get("items")
        .and_then(|v| v.as_array())
        .ok_or(ImportError::Missing("items"))?;
    let body = serde_json::to_string(&value).map_err(|e| ImportError::Json(e.to_string()))?;
    let etag = hex::encode(Sha256::digest(body.as_bytes()));
    Ok(StoredCatalogue {
        edition,
        etag,
        item_count: u32::try_from(items.len()).unwrap_or(u32::MAX),
        body,
        published_at: Utc::now(),
    })
}
