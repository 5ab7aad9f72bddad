//! Attachment uploads, the tus 1.0 subset of ARCHITECTURE.md §5.5: `POST /v1/uploads` (creation),
//! `HEAD /v1/uploads/{id}` (the offset) and `PATCH /v1/uploads/{id}` (one checksummed chunk). The
//! rules are in `crate::attachments`; this module reads and writes the headers.

use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use onestop_protocol::{upload_header as h, ApiError, UploadMetadata, TUS_VERSION};

use super::auth::{same_county, Caller};
use super::{AppError, AppState};
use crate::attachments::{self, UploadError};
use crate::store::{Device, UploadRow, UserRow};

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn tus_version(headers: &HeaderMap) -> Result<(), UploadError> {
    match header_str(headers, h::TUS_RESUMABLE) {
        Some(v) if v.trim() == TUS_VERSION => Ok(()),
        _ => Err(UploadError::TusVersion),
    }
}

fn number(headers: &HeaderMap, name: &str, err: UploadError) -> Result<u64, UploadError> {
    header_str(headers, name)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or(err)
}

/// Adds `Tus-Resumable: 1.0.0` to every answer of the upload routes, errors included.
pub async fn tus_header(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(h::TUS_RESUMABLE, HeaderValue::from_static(TUS_VERSION));
    response
}

fn location(id: &str) -> String {
    format!("/v1/uploads/{id}")
}

fn offset_headers(mut r: Response, u: &UploadRow) -> Response {
    let hs = r.headers_mut();
    hs.insert(h::UPLOAD_OFFSET, HeaderValue::from(u.offset));
    hs.insert(h::UPLOAD_LENGTH, HeaderValue::from(u.length));
    hs.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The signed window and the upload, when the upload's case is of the window's county.
async fn window_upload<'a>(
    state: &AppState,
    caller: &'a Caller,
    id: &str,
) -> Result<(&'a Device, &'a UserRow, UploadRow), AppError> {
    let (device, user) = caller.window()?;
    let upload = state.store.upload(id).await?.ok_or(UploadError::NotFound)?;
    let case = state
        .store
        .case(&upload.case_id)
        .await?
        .ok_or(UploadError::NotFound)?;
    same_county(user, &case.county_code)?;
    Ok((device, user, upload))
}

/// Create (or find) the upload of one attachment slot of a case.
#[utoipa::path(
    post,
    path = "/v1/uploads",
    tag = "attachments",
    params(
        ("Tus-Resumable" = String, Header, description = "1.0.0"),
        ("Upload-Length" = u64, Header, description = "The whole file's size in bytes"),
        ("Upload-Metadata" = String, Header, description = "case_id, slot, sha256 (hex), filename; values base64"),
    ),
    responses(
        (status = 201, description = "Created; `Location` names the upload, `Upload-Offset` is 0"),
        (status = 200, description = "The upload of this (case_id, slot) exists; `Location` and `Upload-Offset` tell where to resume"),
        (status = 400, description = "Bad Upload-Length or Upload-Metadata", body = ApiError),
        (status = 401, description = "Unsigned request or no session", body = ApiError),
        (status = 403, description = "The case is of another county", body = ApiError),
        (status = 404, description = "`upload.case_unknown`: push the case first", body = ApiError),
        (status = 409, description = "`upload.slot_taken`: a different complete file is in the slot", body = ApiError),
        (status = 412, description = "`upload.tus_version`", body = ApiError),
        (status = 413, description = "`upload.too_large`", body = ApiError),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (device, user) = caller.window()?;
    tus_version(&headers)?;
    let length = number(&headers, h::UPLOAD_LENGTH, UploadError::BadLength)?;
    let meta = header_str(&headers, h::UPLOAD_METADATA)
        .and_then(UploadMetadata::parse)
        .ok_or(UploadError::BadMetadata)?;
    let case = state
        .store
        .case(&meta.case_id)
        .await?
        .ok_or(UploadError::CaseUnknown)?;
    same_county(user, &case.county_code)?;
    let (upload, new) = attachments::create(
        state.store.as_ref(),
        &state.uploads,
        &device.device_id,
        length,
        meta,
    )
    .await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let mut r = status.into_response();
    if let Ok(v) = HeaderValue::from_str(&location(&upload.upload_id)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(offset_headers(r, &upload))
}

/// Where an upload stands: `Upload-Offset` and `Upload-Length`.
#[utoipa::path(
    head,
    path = "/v1/uploads/{upload_id}",
    tag = "attachments",
    params(("upload_id" = String, Path, description = "From the creation's Location")),
    responses(
        (status = 200, description = "`Upload-Offset`, `Upload-Length`"),
        (status = 401, description = "Unsigned request or no session"),
        (status = 404, description = "No such upload"),
    )
)]
pub async fn offset(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (_, _, upload) = window_upload(&state, &caller, &id).await?;
    Ok(offset_headers(StatusCode::OK.into_response(), &upload))
}

/// Append one chunk (at most 4 MiB) at `Upload-Offset`, with `Upload-Checksum: sha256 <base64>`.
#[utoipa::path(
    patch,
    path = "/v1/uploads/{upload_id}",
    tag = "attachments",
    params(
        ("upload_id" = String, Path, description = "From the creation's Location"),
        ("Upload-Offset" = u64, Header, description = "Where this chunk starts"),
        ("Upload-Checksum" = String, Header, description = "sha256 <base64 of the chunk's sha256>"),
    ),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses(
        (status = 204, description = "Stored; `Upload-Offset` is the new offset"),
        (status = 400, description = "Bad Upload-Offset or Upload-Checksum, or past Upload-Length", body = ApiError),
        (status = 404, description = "No such upload", body = ApiError),
        (status = 409, description = "`upload.offset_mismatch`: details.offset is the server's", body = ApiError),
        (status = 413, description = "`upload.chunk_too_large`", body = ApiError),
        (status = 415, description = "`upload.bad_content_type`", body = ApiError),
        (status = 422, description = "`upload.file_checksum_mismatch`: the upload was reset to 0", body = ApiError),
        (status = 460, description = "`upload.checksum_mismatch`: resend the chunk", body = ApiError),
    )
)]
pub async fn patch(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    caller.window()?;
    tus_version(&headers)?;
    if header_str(&headers, header::CONTENT_TYPE.as_str()).map(str::trim)
        != Some(h::OFFSET_OCTET_STREAM)
    {
        return Err(UploadError::ContentType.into());
    }
    if body.len() > state.uploads.max_chunk_bytes {
        return Err(UploadError::ChunkTooLarge.into());
    }
    let offset = number(&headers, h::UPLOAD_OFFSET, UploadError::BadOffset)?;
    let checksum = attachments::parse_checksum(header_str(&headers, h::UPLOAD_CHECKSUM))?;
    let (_, _, upload) = window_upload(&state, &caller, &id).await?;
    let upload = attachments::patch(
        state.store.as_ref(),
        &state.uploads,
        &state.upload_locks,
        upload,
        offset,
        checksum,
        &body,
    )
    .await?;
    Ok(offset_headers(
        StatusCode::NO_CONTENT.into_response(),
        &upload,
    ))
}
