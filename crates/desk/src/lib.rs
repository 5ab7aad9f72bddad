//! The window application: every use case a clerk or village agent can perform (sessions, the
//! acceptance flow, proxy handling, printing, sync scheduling, the server connection) is a method
//! on [`Desk`], returning typed results or an [`ApiError`]. `src-tauri` maps its commands 1:1 onto
//! these methods and forwards the status streams as events; the UI renders what comes back. Rules
//! come from `onestop-domain`, storage from `onestop-local`, the network from `onestop-sync` and
//! vouchers from `onestop-receipt`. Nothing here depends on Tauri or knows about a webview.

pub mod bindings;
pub mod clock;
mod config;
mod connection;
mod desk;
mod desk_cases;
mod desk_delivery;
mod desk_device;
mod desk_forwarded;
mod desk_forwarded_detail;
mod desk_print;
mod desk_server_action;
mod desk_voucher_view;
mod desk_window;
mod desk_withdraw;
mod device_key;
mod local_store;
pub mod logging;
mod preview_image;
mod session;
mod status;
mod sync;
pub mod usecases;
pub mod views;
mod window_queries;

pub use clock::{Clock, FixedClock, SystemClock};
pub use config::{DeskConfig, DEFAULT_SERVER_URL};
pub use connection::ConnectionMonitor;
pub use desk::Desk;
pub use desk_device::DeviceInfo;
pub use desk_forwarded::{ForwardedCase, ForwardedDecision};
pub use desk_forwarded_detail::{FiledField, FiledMaterial, ForwardedCaseDetail};
pub use desk_voucher_view::VoucherOutcome;
pub use desk_window::{
    ApplicationForm, CaseFilter, Decision, MaterialInput, NewApplicantForm, ProxyForm, ScanInput,
    StatusChoice, SupplementLine,
};
pub use onestop_domain::catalogue::FieldError;
pub use onestop_local::case_repo::CaseSummary;
pub use onestop_local::settings::WindowIdentity;
pub use onestop_local::{KeyStore, KeyringStore, MemoryKeyStore};
pub use onestop_protocol::ApiError;
pub use onestop_protocol::{EnrollResponse, UserInfo};
pub use onestop_receipt::VoucherKind;
pub use onestop_sync::status::{CaseSyncError, SyncStatus, UploadProgress};
pub use session::SessionInfo;
pub use status::{AppStatus, ConnectionState, ConnectionStatus, Printer};
pub use sync::account::CachedVerifier;
pub use usecases::accept::AcceptReceivedInput;
pub use usecases::applicants::{ApplicantQuery, RegisterApplicantInput};
pub use usecases::attachments::ImportAttachmentInput;
pub use usecases::print::{PrintInput, PrintedVoucher};
pub use usecases::proxy::ProxyInput;
pub use usecases::reject::RejectInput;
pub use usecases::supplement::{SupplementInput, SupplementItem, SupplementNoticeInput};
pub use usecases::withdraw::WithdrawInput;
pub use usecases::{Actor, AttachmentInput, CaseDetail, DeskError, NewCaseInput};

/// The application version shown in the status bar.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
