//! Attachment uploads (ARCHITECTURE.md §5.5): the tus 1.0 subset's rules, independent of HTTP.
//! Bytes go to `{upload_dir}/{upload_id}.part`, are fsynced after every chunk, and the file is
//! renamed to `{upload_dir}/{upload_id}` once the whole-file sha256 matches.

mod error;
mod files;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use onestop_protocol::{AttachmentRef, AttachmentState, CaseSnapshot, UploadMetadata};
use sha2::{Digest, Sha256};

pub use error::UploadError;

use crate::store::{Store, StoredCase, UploadRow};

/// Limits and the folder, from the configuration.
#[derive(Debug, Clone)]
pub struct UploadLimits {
    pub dir: PathBuf,
    /// Largest whole file, in bytes (413 `upload.too_large` above it).
    pub max_file_bytes: u64,
    /// Largest PATCH body, in bytes (4 MiB and a margin).
    pub max_chunk_bytes: usize,
}

/// One lock per upload id, so two PATCHes of the same upload never write the file together.
#[derive(Default)]
pub struct UploadLocks(Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl UploadLocks {
    fn get(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, l| Arc::strong_count(l) > 1);
        }
        Arc::clone(map.entry(id.to_string()).or_default())
    }
}

/// Creates the upload for `(case_id, slot)`, or returns the one that exists (a client restarting
/// resumes at its offset). A different file for an unfinished slot starts the slot over; a
/// different file for a finished slot is refused.
pub async fn create(
    store: &dyn Store,
    limits: &UploadLimits,
    device_id: &str,
    length: u64,
    meta: UploadMetadata,
) -> Result<(UploadRow, bool), UploadError> {
    if length > limits.max_file_bytes {
        return Err(UploadError::TooLarge {
            length,
            max: limits.max_file_bytes,
        });
    }
    let row = UploadRow {
        upload_id: uuid::Uuid::now_v7().to_string(),
        case_id: meta.case_id,
        slot: meta.slot,
        length,
        offset: 0,
        sha256: meta.sha256,
        file_name: meta.filename,
        device_id: device_id.to_string(),
        created_at: Utc::now(),
        completed_at: None,
    };
    let stored = store.create_upload(&row).await?;
    let new = stored.upload_id == row.upload_id;
    if new {
        files::create_part(limits, &stored.upload_id).await?;
        return Ok((stored, true));
    }
    if stored.sha256 == row.sha256 && stored.length == row.length {
        return Ok((stored, false));
    }
    if stored.completed_at.is_some() {
        return Err(UploadError::SlotTaken);
    }
    store
        .reset_upload(&stored.upload_id, length, &row.sha256, &row.file_name)
        .await?;
    files::create_part(limits, &stored.upload_id).await?;
    let again = store
        .upload(&stored.upload_id)
        .await?
        .ok_or(UploadError::NotFound)?;
    Ok((again, false))
}

/// The tus `Upload-Checksum` value `sha256 <base64>` as raw digest bytes.
pub fn parse_checksum(header: Option<&str>) -> Result<[u8; 32], UploadError> {
    use base64::Engine as _;
    let value = header.ok_or(UploadError::ChecksumRequired)?;
    let (algo, b64) = value
        .trim()
        .split_once(' ')
        .ok_or(UploadError::ChecksumRequired)?;
    if !algo.eq_ignore_ascii_case(onestop_protocol::CHECKSUM_ALGORITHM) {
        return Err(UploadError::ChecksumAlgorithm);
    }
    base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or(UploadError::ChecksumRequired)
}

/// Appends one chunk at `offset`. Returns the upload after it (complete when the last byte came
/// and the whole file's sha256 matched).
pub async fn patch(
    store: &dyn Store,
    limits: &UploadLimits,
    locks: &UploadLocks,
    upload: UploadRow,
    offset: u64,
    checksum: [u8; 32],
    chunk: &[u8],
) -> Result<UploadRow, UploadError> {
    if <[u8; 32]>::from(Sha256::digest(chunk)) != checksum {
        return Err(UploadError::ChecksumMismatch);
    }
    let lock = locks.get(&upload.upload_id);
    let _guard = lock.lock().await;
    // Re-read under the lock: the offset may have moved while this request waited.
    let mut upload = store
        .upload(&upload.upload_id)
        .await?
        .ok_or(UploadError::NotFound)?;
    if upload.completed_at.is_some() && offset == upload.length && chunk.is_empty() {
        return Ok(upload);
    }
    if upload.completed_at.is_some() || offset != upload.offset {
        return Err(UploadError::OffsetMismatch {
            expected: upload.offset,
        });
    }
    let end = offset + chunk.len() as u64;
    if end > upload.length {
        return Err(UploadError::ExceedsLength {
            length: upload.length,
        });
    }
    files::write_at(limits, &upload.upload_id, offset, chunk.to_vec()).await?;
    if end < upload.length {
        if !store
            .advance_upload(&upload.upload_id, offset, end, None)
            .await?
        {
            return Err(UploadError::OffsetMismatch { expected: offset });
        }
        upload.offset = end;
        return Ok(upload);
    }
    let actual = files::sha256_of_part(limits, &upload.upload_id).await?;
    if actual != upload.sha256 {
        store
            .reset_upload(
                &upload.upload_id,
                upload.length,
                &upload.sha256,
                &upload.file_name,
            )
            .await?;
        files::create_part(limits, &upload.upload_id).await?;
        tracing::warn!(upload_id = %upload.upload_id, case_id = %upload.case_id, "whole-file sha256 mismatch; upload reset");
        return Err(UploadError::FileChecksumMismatch { actual });
    }
    files::finish(limits, &upload.upload_id).await?;
    let now = Utc::now();
    if !store
        .advance_upload(&upload.upload_id, offset, end, Some(now))
        .await?
    {
        return Err(UploadError::OffsetMismatch { expected: offset });
    }
    tracing::info!(upload_id = %upload.upload_id, case_id = %upload.case_id, slot = %upload.slot, bytes = upload.length, "attachment complete");
    upload.offset = end;
    upload.completed_at = Some(now);
    Ok(upload)
}

/// The attachment slots of a case: those its snapshot names and those uploaded. The case is
/// `attachments_incomplete` while a named file has no complete upload with the same sha256.
pub async fn case_state(
    store: &dyn Store,
    case: &StoredCase,
) -> Result<(bool, Vec<AttachmentState>), crate::store::StoreError> {
    let refs: Vec<AttachmentRef> = serde_json::from_str::<CaseSnapshot>(&case.snapshot_json)
        .map(|s| s.attachments)
        .unwrap_or_default();
    let uploads = store.case_uploads(&case.case_id).await?;
    let mut out: Vec<AttachmentState> = refs
        .iter()
        .map(|r| {
            let u = uploads.iter().find(|u| u.slot == r.slot);
            AttachmentState {
                slot: r.slot.clone(),
                expected_sha256: Some(r.sha256.clone()),
                upload_id: u.map(|u| u.upload_id.clone()),
                length: u.map(|u| u.length),
                offset: u.map_or(0, |u| u.offset),
                complete: u.is_some_and(|u| u.completed_at.is_some() && u.sha256 == r.sha256),
            }
        })
        .collect();
    for u in uploads
        .iter()
        .filter(|u| !refs.iter().any(|r| r.slot == u.slot))
    {
        out.push(AttachmentState {
            slot: u.slot.clone(),
            expected_sha256: None,
            upload_id: Some(u.upload_id.clone()),
            length: Some(u.length),
            offset: u.offset,
            complete: u.completed_at.is_some(),
        });
    }
    let incomplete = out
        .iter()
        .any(|a| a.expected_sha256.is_some() && !a.complete);
    Ok((incomplete, out))
}
