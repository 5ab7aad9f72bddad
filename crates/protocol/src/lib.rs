//! The wire format between the window client and the approval server, and the error shape that
//! crosses every boundary (HTTP, Tauri commands, the UI). Only serde data types and their golden
//! JSON tests belong here: no HTTP client or server code, no database, no business rule (rules live
//! in `onestop-domain`, whose types the payloads reuse). Changing a type here changes the protocol,
//! so every type is frozen by a golden test in `tests/golden/`.

mod auth;
mod case;
mod enrol;
mod error;
mod meta;
mod supervision;
mod sync;
pub mod timeline;
mod upload;
pub mod voucher_signature;
mod workflow;

pub use auth::{
    signing, CreateUserRequest, LoginRequest, LoginResponse, PasswordVerifier, UserInfo,
};
pub use case::{
    ApplicantKind, ApplicantRecord, AttachmentRef, CaseSnapshot, MaterialReceipt, ProxyRecord,
    TimelineEntry,
};
pub use enrol::{EnrollRequest, EnrollResponse, EnrolmentCode, EnrolmentCodeRequest};
pub use error::{ApiError, ErrorCode};
pub use meta::{Health, Meta, API_VERSION};
pub use supervision::{
    FlaggedCase, SupervisionCounts, SupervisionGroup, SupervisionOverview, ViolationEntry,
};
pub use sync::{
    op_hash, op_kind, Change, ChangesPage, Op, OpOutcome, OpResult, PushRequest, PushResponse,
    RawOp, MAX_OPS_PER_PUSH,
};
pub use upload::{
    header as upload_header, AttachmentState, CaseDetail, FiledApplication, UploadMetadata,
    CHECKSUM_ALGORITHM, MAX_CHUNK_BYTES, TUS_VERSION,
};
pub use voucher_signature::VoucherPrinted;
pub use workflow::{
    change_kind, CaseActionRequest, CaseConfirmed, CaseStatusChanged, CaseView, Inbox, InboxEntry,
};
