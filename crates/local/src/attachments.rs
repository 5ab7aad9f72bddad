//! Scans and photos: copied into the data folder under their sha256 (so the same file twice is
//! stored once and a file on disk can always be checked against its name) and linked to a case's
//! material slot. Upload progress is kept for the sync engine (§5.5).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use onestop_protocol::AttachmentRef;
use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

use crate::error::Result;

/// Where a file with this sha256 lives under `data_dir`.
pub fn blob_path(data_dir: &Path, sha256: &str) -> PathBuf {
    let prefix = sha256.get(..2).unwrap_or("00");
    data_dir.join("attachments").join(prefix).join(sha256)
}

/// Copies `src` into the data folder and returns its sha256 and size. The copy is written to a
/// temporary name, synced and renamed, so a crash never leaves a half file under a valid hash.
pub fn import_file(data_dir: &Path, src: &Path) -> Result<(String, u64)> {
    let tmp_dir = data_dir.join("attachments").join("tmp");
    fs::create_dir_all(&tmp_dir)?;
    let tmp = tmp_dir.join(uuid::Uuid::now_v7().to_string());
    let mut input = fs::File::open(src)?;
    let mut output = fs::File::create(&tmp)?;
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        output.write_all(&buf[..n])?;
        size += n as u64;
    }
    output.sync_all()?;
    drop(output);
    let sha256 = hex::encode(hasher.finalize());
    let dest = blob_path(data_dir, &sha256);
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent)?;
    }
    if dest.exists() {
        fs::remove_file(&tmp)?;
    } else {
        fs::rename(&tmp, &dest)?;
    }
    Ok((sha256, size))
}

/// The media type of a scan or photo, from its file name.
pub fn media_type(file_name: &str) -> &'static str {
    let lower = file_name.to_ascii_lowercase();
    match lower.rsplit('.').next().unwrap_or("") {
        "pdf" => "application/pdf",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "tif" | "tiff" => "image/tiff",
        "ofd" => "application/ofd",
        _ => "application/octet-stream",
    }
}

/// Links a stored file to a case's material slot. Call in the transaction that saves the case.
pub fn link(conn: &Connection, case_id: &str, a: &AttachmentRef, now: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO attachments (case_id, slot, sha256, size, file_name, media_type, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        case_id,
        a.slot,
        a.sha256,
        a.size,
        a.file_name,
        a.media_type,
        now.to_rfc3339()
    ])?;
    Ok(())
}

/// The attachments of a case, in slot order.
pub fn for_case(conn: &Connection, case_id: &str) -> Result<Vec<AttachmentRef>> {
    let mut stmt = conn.prepare_cached(
        "SELECT slot, sha256, size, file_name, media_type FROM attachments
         WHERE case_id = ?1 ORDER BY slot, added_at",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(AttachmentRef {
            slot: r.get(0)?,
            sha256: r.get(1)?,
            size: r.get(2)?,
            file_name: r.get(3)?,
            media_type: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
