//! The errors of this crate. Each carries a Chinese message for the clerk (its `Display`) and a
//! stable code (`onestop_domain::Coded`) the UI and the server branch on.

use std::path::PathBuf;

use onestop_domain::Coded;

/// Why a voucher could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    /// No usable CJK font was found in any of the places searched.
    #[error("找不到可用的中文字体，已查找：{}", .searched.join("；"))]
    FontNotFound { searched: Vec<String> },

    /// A font file exists but could not be read or parsed.
    #[error("字体文件无法读取：{path}（{reason}）")]
    FontUnreadable { path: PathBuf, reason: String },

    /// Some characters have no glyph in any font of the chain. Printing them would put blank
    /// boxes on a legal document, so the voucher is refused unless the caller asks for a marked
    /// substitution (`RenderOptions::substitute_missing`).
    #[error("以下字符在字库中缺字，无法打印：{}（可选择以“〓”替代并加注码位后打印）", describe_chars(.chars))]
    MissingGlyph { chars: Vec<char> },

    /// A template is malformed or names a field the voucher kind does not have.
    #[error("凭证模板有误（{kind}）：{reason}")]
    Template { kind: String, reason: String },

    /// The voucher data itself is unusable (e.g. an empty required field).
    #[error("凭证内容不完整：{0}")]
    Input(String),

    /// The QR code could not be built (the URL is too long for a QR symbol).
    #[error("二维码生成失败：{0}")]
    Qr(String),
}

impl Coded for ReceiptError {
    fn code(&self) -> &'static str {
        match self {
            ReceiptError::FontNotFound { .. } => "receipt.font_not_found",
            ReceiptError::FontUnreadable { .. } => "receipt.font_unreadable",
            ReceiptError::MissingGlyph { .. } => "receipt.missing_glyph",
            ReceiptError::Template { .. } => "receipt.bad_template",
            ReceiptError::Input(_) => "receipt.bad_input",
            ReceiptError::Qr(_) => "receipt.qr_failed",
        }
    }
}

/// `𪚥(U+2A6A5)、𠮷(U+20BB7)`.
pub fn describe_chars(chars: &[char]) -> String {
    chars
        .iter()
        .map(|c| format!("{c}(U+{:04X})", u32::from(*c)))
        .collect::<Vec<_>>()
        .join("、")
}

/// Why a voucher signature did not verify.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    #[error("凭证签名无效：内容或受理编号与签名不符")]
    BadSignature,
    #[error("凭证签名格式错误")]
    MalformedSignature,
    #[error("验签公钥格式错误")]
    BadPublicKey,
}

impl Coded for VerifyError {
    fn code(&self) -> &'static str {
        match self {
            VerifyError::BadSignature => "receipt.bad_signature",
            VerifyError::MalformedSignature => "receipt.malformed_signature",
            VerifyError::BadPublicKey => "receipt.bad_public_key",
        }
    }
}

/// Why a print job could not be handed to the printing system.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("打印系统不可用：{0}")]
    Unavailable(String),
    #[error("打印机名称无效：{0}")]
    BadPrinterName(String),
    #[error("打印失败：{0}")]
    Failed(String),
}

impl Coded for PrintError {
    fn code(&self) -> &'static str {
        match self {
            PrintError::Unavailable(_) => "receipt.print_unavailable",
            PrintError::BadPrinterName(_) => "receipt.bad_printer_name",
            PrintError::Failed(_) => "receipt.print_failed",
        }
    }
}
