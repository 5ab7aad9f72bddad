//! The vouchers a window must hand out by law (行政许可法 art. 32): 受理通知书, 补正材料通知书,
//! 不予受理通知书, 材料接收凭证 and 代办委托书, rendered as A4 PDFs with an embedded CJK font
//! subset, a QR code and a device signature, and printed through the operating system's print
//! system. It turns data it is given into paper; it reads no database and makes no decision about
//! a case (that is `onestop-domain` and `onestop-desk`).
//!
//! Use: build a [`Renderer`] once at startup ([`Renderer::load`] finds and prepares the fonts,
//! which takes a few hundred milliseconds), then [`Renderer::render`] each [`Voucher`] with the
//! terminal's signing key and hand [`RenderedVoucher::pdf`] to a [`Printer`]. The server checks a
//! voucher with [`verify`].

mod draw;
mod embed;
pub mod error;
mod face_metrics;
pub mod fields;
pub mod fonts;
mod glyf;
pub mod glyphs;
mod layout;
pub mod model;
pub mod print;
mod qr;
mod render;
mod resolve;
mod sfnt;
pub mod signature;
mod subset;
pub mod template;

pub use error::{PrintError, ReceiptError, VerifyError};
pub use fields::PrintedFields;
pub use fonts::{FontConfig, FontSet, FontSource};
pub use model::{
    AcceptanceNotice, Correction, CorrectionNotice, Material, MaterialReceipt, Party,
    ProxyAuthorisation, RefusalNotice, Voucher, VoucherBody, VoucherKind,
};
pub use print::{CupsPrinter, PrintJob, Printer, PrinterInfo};
pub use render::{RenderOptions, RenderedVoucher, Renderer};
pub use signature::{content_hash, content_hash_of, sign, verify, SignedContent};
pub use template::Templates;
