//! Vouchers for the screens: the preview as page images (the webview cannot show a PDF by
//! itself), and print/补打 acting as the signed-in clerk.

use std::path::Path;

use base64::Engine as _;
use onestop_protocol::ApiError;
use onestop_receipt::VoucherKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::desk::Desk;
use crate::preview_image::ppm_to_png;
use crate::usecases::print::{PrintInput, PrintedVoucher};
use crate::usecases::DeskError;

/// Preview resolution: A4 at 80 dpi is 661 × 935 px, sharp at 1366 × 768 and quick to draw.
const PREVIEW_DPI: &str = "80";

/// A voucher as the screens show it: the preview pages, or what was printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VoucherOutcome {
    pub kind: String,
    /// `data:image/png;base64,…`, one per page.
    pub pages: Vec<String>,
    /// 0 for the first print, n for the n-th 补打 (for a preview: what the next print will be).
    pub reprint_count: u32,
    pub printer: Option<String>,
    pub job_id: Option<String>,
    /// Characters printed as 〓 because no font has them.
    pub substituted: Vec<String>,
}

fn kind_of(name: &str) -> Result<VoucherKind, DeskError> {
    serde_json::from_value(serde_json::Value::String(name.to_owned()))
        .map_err(|_| DeskError::Internal(format!("未知的凭证种类：{name}")))
}

/// Renders the PDF's pages with poppler's `pdftoppm` (installed with the app on Debian, UOS and
/// Kylin) as raw PPM, and encodes them as PNG here (`preview_image.rs` says why).
fn pages_of(pdf: &Path) -> Result<Vec<String>, DeskError> {
    let dir = tempfile::tempdir().map_err(|e| DeskError::Internal(e.to_string()))?;
    let prefix = dir.path().join("page");
    let out = std::process::Command::new("pdftoppm")
        .args(["-r", PREVIEW_DPI])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .map_err(|e| DeskError::Internal(format!("无法生成预览（pdftoppm）：{e}")))?;
    if !out.status.success() {
        return Err(DeskError::Internal(format!(
            "无法生成预览：{}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .map_err(|e| DeskError::Internal(e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let ppm = std::fs::read(f).map_err(|e| DeskError::Internal(e.to_string()))?;
            let bytes =
                ppm_to_png(&ppm).map_err(|e| DeskError::Internal(format!("无法生成预览：{e}")))?;
            Ok(format!(
                "data:image/png;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ))
        })
        .collect()
}

fn outcome(v: &PrintedVoucher, pages: Vec<String>) -> VoucherOutcome {
    VoucherOutcome {
        kind: v.kind.key().to_owned(),
        pages,
        reprint_count: v.reprint_count,
        printer: v.printer.clone(),
        job_id: v.job_id.clone(),
        substituted: v.substituted.clone(),
    }
}

impl Desk {
    /// The voucher's pages for the in-app preview; nothing is printed or recorded.
    pub async fn preview_case_voucher(
        &self,
        case_id: String,
        kind: String,
        substitute_missing: bool,
    ) -> Result<VoucherOutcome, ApiError> {
        let input = PrintInput {
            actor: self.actor()?,
            case_id,
            kind: kind_of(&kind)?,
            printer: None,
            substitute_missing,
        };
        let v = self.preview_voucher(input).await?;
        let pdf = v.pdf_path.clone();
        let pages = tokio::task::spawn_blocking(move || pages_of(&pdf))
            .await
            .map_err(|e| DeskError::Internal(e.to_string()))??;
        Ok(outcome(&v, pages))
    }

    /// Prints (or 补打) the voucher on the window's printer and records it on the case.
    pub async fn print_case_voucher(
        &self,
        case_id: String,
        kind: String,
        substitute_missing: bool,
    ) -> Result<VoucherOutcome, ApiError> {
        let input = PrintInput {
            actor: self.actor()?,
            case_id,
            kind: kind_of(&kind)?,
            printer: None,
            substitute_missing,
        };
        let v = self.print_voucher(input).await?;
        Ok(outcome(&v, Vec::new()))
    }
}
