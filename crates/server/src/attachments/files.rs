//! The bytes of uploads on disk. Blocking file I/O runs on tokio's blocking pool.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use super::{UploadError, UploadLimits};

fn io(e: std::io::Error) -> UploadError {
    UploadError::Io(e.to_string())
}

fn part(limits: &UploadLimits, id: &str) -> PathBuf {
    limits.dir.join(format!("{id}.part"))
}

/// Where a finished upload's bytes are.
pub fn final_path(limits: &UploadLimits, id: &str) -> PathBuf {
    limits.dir.join(id)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, UploadError> + Send + 'static,
) -> Result<T, UploadError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| UploadError::Io(e.to_string()))?
}

/// An empty temp file for the upload (truncating any earlier attempt).
pub async fn create_part(limits: &UploadLimits, id: &str) -> Result<(), UploadError> {
    let (dir, path) = (limits.dir.clone(), part(limits, id));
    blocking(move || {
        std::fs::create_dir_all(&dir).map_err(io)?;
        let f = File::create(&path).map_err(io)?;
        f.sync_all().map_err(io)
    })
    .await
}

/// Writes `chunk` at `offset` and fsyncs before the offset is recorded.
pub async fn write_at(
    limits: &UploadLimits,
    id: &str,
    offset: u64,
    chunk: Vec<u8>,
) -> Result<(), UploadError> {
    let (dir, path) = (limits.dir.clone(), part(limits, id));
    blocking(move || {
        std::fs::create_dir_all(&dir).map_err(io)?;
        let mut f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io)?;
        // Whatever lies past the recorded offset is from an interrupted write: drop it.
        f.set_len(offset).map_err(io)?;
        f.seek(SeekFrom::Start(offset)).map_err(io)?;
        f.write_all(&chunk).map_err(io)?;
        f.sync_data().map_err(io)
    })
    .await
}

/// Hex sha256 of the temp file.
pub async fn sha256_of_part(limits: &UploadLimits, id: &str) -> Result<String, UploadError> {
    let path = part(limits, id);
    blocking(move || {
        let mut f = File::open(&path).map_err(io)?;
        let mut h = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = f.read(&mut buf).map_err(io)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        Ok(hex::encode(h.finalize()))
    })
    .await
}

/// Renames the temp file to its final name and fsyncs the folder.
pub async fn finish(limits: &UploadLimits, id: &str) -> Result<(), UploadError> {
    let (dir, from, to) = (limits.dir.clone(), part(limits, id), final_path(limits, id));
    blocking(move || {
        std::fs::rename(&from, &to).map_err(io)?;
        File::open(&dir).and_then(|d| d.sync_all()).map_err(io)
    })
    .await
}
