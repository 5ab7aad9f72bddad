//! Scans and photos up to the server with the tus subset of ARCHITECTURE.md §5.5: create (or find
//! again) the upload for `(case_id, slot)`, then PATCH 4 MiB chunks, each with its sha256, from
//! the server's offset. A cut anywhere costs at most the chunk in flight; the server checks the
//! whole file's sha256 when the last byte arrives.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use onestop_protocol::{
    upload_header as h, ApiError, UploadMetadata, MAX_CHUNK_BYTES, TUS_VERSION,
};
use reqwest::header::{CONTENT_TYPE, LOCATION, RETRY_AFTER};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::backoff::parse_retry_after;
use crate::transport::RequestSigner;
use crate::{ServerClient, SyncError};

/// One file to send.
#[derive(Debug, Clone)]
pub struct UploadJob {
    pub case_id: String,
    pub slot: String,
    pub path: PathBuf,
    /// Lower-case hex sha256 of the whole file, computed when it was imported.
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
}

/// How an upload attempt ended.
#[derive(Debug)]
pub enum UploadEnd {
    /// The server has the whole file and its sha256 matched.
    Complete {
        resent_bytes: u64,
    },
    /// Network trouble, 5xx, 429: try again later; the next attempt resumes at the server's offset.
    Later {
        error: SyncError,
        retry_after: Option<Duration>,
    },
    /// The case itself has not reached the server yet (push it first).
    CaseNotThere,
    Unauthorized,
    /// Refused on its merits (file too large, checksum of the whole file wrong …).
    Refused(ApiError),
}

/// Sends `job`, reporting `(sent, total)` after every chunk.
pub async fn upload(
    client: &ServerClient,
    signer: &dyn RequestSigner,
    job: &UploadJob,
    mut progress: impl FnMut(u64, u64),
) -> UploadEnd {
    let meta = UploadMetadata {
        case_id: job.case_id.clone(),
        slot: job.slot.clone(),
        sha256: job.sha256.clone(),
        filename: job.file_name.clone(),
    };
    let path = "/v1/uploads";
    let mut request = client
        .http()
        .post(client.url(path))
        .header(h::TUS_RESUMABLE, TUS_VERSION)
        .header(h::UPLOAD_LENGTH, job.size)
        .header(h::UPLOAD_METADATA, meta.encode());
    for (k, v) in signer.headers("POST", path, b"") {
        request = request.header(k, v);
    }
    let response = match request.send().await {
        Ok(r) => r,
        Err(e) => return later(SyncError::Unreachable(e.to_string()), None),
    };
    let status = response.status();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut offset = header_u64(response.headers(), h::UPLOAD_OFFSET).unwrap_or(0);
    let create_retry_after = retry_after(response.headers());
    match status {
        StatusCode::OK | StatusCode::CREATED => {}
        StatusCode::UNAUTHORIZED => return UploadEnd::Unauthorized,
        StatusCode::NOT_FOUND => return UploadEnd::CaseNotThere,
        s if s.is_client_error() && s != StatusCode::TOO_MANY_REQUESTS => {
            return UploadEnd::Refused(api_error(s, response.bytes().await.ok().as_deref()))
        }
        s => {
            return later(
                SyncError::BadResponse { status: s.as_u16() },
                create_retry_after,
            )
        }
    }
    let Some(location) = location else {
        return later(
            SyncError::BadResponse {
                status: status.as_u16(),
            },
            None,
        );
    };
    let mut file = match tokio::fs::File::open(&job.path).await {
        Ok(f) => f,
        Err(e) => {
            return UploadEnd::Refused(ApiError::new(
                "sync.attachment_unreadable",
                format!("扫描件无法读取：{e}"),
            ))
        }
    };
    let mut resent = 0u64;
    let mut buf = vec![0u8; MAX_CHUNK_BYTES];
    let mut checksum_retries = 0;
    progress(offset, job.size);
    while offset < job.size {
        let len = usize::try_from((job.size - offset).min(MAX_CHUNK_BYTES as u64))
            .unwrap_or(MAX_CHUNK_BYTES);
        if let Err(e) = read_at(&mut file, offset, &mut buf[..len]).await {
            return UploadEnd::Refused(ApiError::new(
                "sync.attachment_unreadable",
                format!("扫描件无法读取：{e}"),
            ));
        }
        let chunk = &buf[..len];
        let digest = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(chunk));
        let mut request = client
            .http()
            .patch(client.url(&location))
            .header(h::TUS_RESUMABLE, TUS_VERSION)
            .header(CONTENT_TYPE, h::OFFSET_OCTET_STREAM)
            .header(h::UPLOAD_OFFSET, offset)
            .header(h::UPLOAD_CHECKSUM, format!("sha256 {digest}"))
            .timeout(client.timeout_for(len as u64));
        for (k, v) in signer.headers("PATCH", &location, chunk) {
            request = request.header(k, v);
        }
        let response = match request.body(chunk.to_vec()).send().await {
            Ok(r) => r,
            Err(e) => return later(SyncError::Unreachable(e.to_string()), None),
        };
        let status = response.status();
        let server_offset = header_u64(response.headers(), h::UPLOAD_OFFSET);
        match status {
            StatusCode::NO_CONTENT | StatusCode::OK => {
                let new = server_offset.unwrap_or(offset + len as u64);
                offset = new;
                checksum_retries = 0;
                progress(offset, job.size);
            }
            StatusCode::CONFLICT => {
                // Our idea of the offset is stale (an earlier PATCH landed after all, or the
                // server reset the upload): continue from the server's.
                let body = response.bytes().await.ok();
                let theirs = server_offset.or_else(|| details_offset(body.as_deref()));
                match theirs {
                    Some(o) => {
                        if o < offset {
                            resent += offset - o;
                        }
                        offset = o;
                    }
                    None => return later(SyncError::BadResponse { status: 409 }, None),
                }
            }
            s if s.as_u16() == 460 => {
                // The chunk was damaged on the way: send it again, a few times at most.
                checksum_retries += 1;
                resent += len as u64;
                if checksum_retries > 3 {
                    return later(SyncError::BadResponse { status: 460 }, None);
                }
            }
            StatusCode::UNAUTHORIZED => return UploadEnd::Unauthorized,
            s if s.is_client_error() && s != StatusCode::TOO_MANY_REQUESTS => {
                return UploadEnd::Refused(api_error(s, response.bytes().await.ok().as_deref()))
            }
            s => {
                return later(
                    SyncError::BadResponse { status: s.as_u16() },
                    retry_after(response.headers()),
                )
            }
        }
    }
    UploadEnd::Complete {
        resent_bytes: resent,
    }
}

async fn read_at(file: &mut tokio::fs::File, offset: u64, buf: &mut [u8]) -> std::io::Result<()> {
    file.seek(std::io::SeekFrom::Start(offset)).await?;
    file.read_exact(buf).await?;
    Ok(())
}

fn later(error: SyncError, retry_after: Option<Duration>) -> UploadEnd {
    UploadEnd::Later { error, retry_after }
}

fn header_u64(headers: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()))
}

fn api_error(status: StatusCode, body: Option<&[u8]>) -> ApiError {
    body.and_then(|b| serde_json::from_slice::<ApiError>(b).ok())
        .unwrap_or_else(|| {
            ApiError::new(
                format!("http.{}", status.as_u16()),
                format!("服务器拒绝了上传（HTTP {}）", status.as_u16()),
            )
        })
}

fn details_offset(body: Option<&[u8]>) -> Option<u64> {
    let err: ApiError = serde_json::from_slice(body?).ok()?;
    err.details.get("offset")?.as_u64()
}
