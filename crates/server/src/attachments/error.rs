use axum::http::StatusCode;
use onestop_protocol::ApiError;

use crate::api::AppError;
use crate::store::StoreError;

/// Why an upload request was refused. Each has a stable code and an HTTP status (see
/// docs/protocol.md, "Attachments").
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("缺少或不支持的 Tus-Resumable 版本（须为 1.0.0）")]
    TusVersion,
    #[error("Upload-Length 缺失或无效")]
    BadLength,
    #[error(
        "Upload-Metadata 须包含 case_id、slot、sha256（64 位十六进制）与 filename，值为 base64"
    )]
    BadMetadata,
    #[error("文件大小 {length} 字节超过上限 {max} 字节")]
    TooLarge { length: u64, max: u64 },
    #[error("单次上传的数据块超过上限")]
    ChunkTooLarge,
    #[error("办件尚未同步到服务器，请先同步办件再上传附件")]
    CaseUnknown,
    #[error("该材料位置已有不同内容的完整附件")]
    SlotTaken,
    #[error("没有该上传")]
    NotFound,
    #[error("PATCH 的 Content-Type 须为 application/offset+octet-stream")]
    ContentType,
    #[error("Upload-Offset 缺失或无效")]
    BadOffset,
    #[error("上传位置不符，服务器当前位置为 {expected}")]
    OffsetMismatch { expected: u64 },
    #[error("数据超出文件声明的大小 {length} 字节")]
    ExceedsLength { length: u64 },
    #[error("缺少 Upload-Checksum（格式：sha256 <base64>）")]
    ChecksumRequired,
    #[error("只支持 sha256 校验")]
    ChecksumAlgorithm,
    #[error("数据块校验失败，请重传该数据块")]
    ChecksumMismatch,
    #[error("整个文件的 sha256 与声明不符，上传已重置，请从头重传")]
    FileChecksumMismatch { actual: String },
    #[error("附件存储失败：{0}")]
    Io(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl UploadError {
    pub fn code(&self) -> &'static str {
        use UploadError::*;
        match self {
            TusVersion => "upload.tus_version",
            BadLength => "upload.bad_length",
            BadMetadata => "upload.bad_metadata",
            TooLarge { .. } => "upload.too_large",
            ChunkTooLarge => "upload.chunk_too_large",
            CaseUnknown => "upload.case_unknown",
            SlotTaken => "upload.slot_taken",
            NotFound => "upload.not_found",
            ContentType => "upload.bad_content_type",
            BadOffset => "upload.bad_offset",
            OffsetMismatch { .. } => "upload.offset_mismatch",
            ExceedsLength { .. } => "upload.exceeds_length",
            ChecksumRequired => "upload.checksum_required",
            ChecksumAlgorithm => "upload.checksum_algorithm",
            ChecksumMismatch => "upload.checksum_mismatch",
            FileChecksumMismatch { .. } => "upload.file_checksum_mismatch",
            Io(_) => "upload.io",
            Store(e) => e.code(),
        }
    }

    pub fn status(&self) -> StatusCode {
        use UploadError::*;
        match self {
            TusVersion => StatusCode::PRECONDITION_FAILED,
            BadLength
            | BadMetadata
            | BadOffset
            | ExceedsLength { .. }
            | ChecksumRequired
            | ChecksumAlgorithm => StatusCode::BAD_REQUEST,
            TooLarge { .. } | ChunkTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            CaseUnknown | NotFound => StatusCode::NOT_FOUND,
            SlotTaken | OffsetMismatch { .. } => StatusCode::CONFLICT,
            ContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            // tus checksum extension: 460 Checksum Mismatch.
            ChecksumMismatch => StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST),
            FileChecksumMismatch { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Io(_) | Store(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl From<UploadError> for AppError {
    fn from(e: UploadError) -> Self {
        if let UploadError::Store(s) = e {
            return s.into();
        }
        let details = match &e {
            UploadError::OffsetMismatch { expected } => serde_json::json!({ "offset": expected }),
            UploadError::TooLarge { max, .. } => serde_json::json!({ "max_bytes": max }),
            UploadError::FileChecksumMismatch { actual } => {
                serde_json::json!({ "actual_sha256": actual })
            }
            _ => serde_json::Value::Null,
        };
        AppError::new(
            e.status(),
            ApiError::new(e.code(), e.to_string()).with_details(details),
        )
    }
}
