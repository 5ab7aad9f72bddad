//! Printing a voucher (行政许可法 art. 32: a dated written voucher for acceptance and refusal):
//! render it from the case, sign it with the device key, print it through the OS print system,
//! and record the print — a first print or a 补打 with its count — on the case's timeline, all in
//! one transaction. A print that fails leaves no record; a record never exists without paper.

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use onestop_local::case_repo;
use onestop_local::catalogue_repo;
use onestop_local::settings;
use onestop_local::timeline::NewEntry;
use onestop_local::Db;
use onestop_protocol::voucher_signature::{VoucherPrinted, VOUCHER_PRINTED};
use onestop_receipt::{Printer, RenderOptions, RenderedVoucher, Renderer, VoucherKind};
use serde::{Deserialize, Serialize};

use super::voucher_data::{build, ForwardedNotice, VoucherSource};
use super::{Actor, Ctx, DeskError};

/// The settings key of the window's chosen printer.
pub const DEFAULT_PRINTER: &str = "printer.default";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintInput {
    pub actor: Actor,
    pub case_id: String,
    pub kind: VoucherKind,
    /// The printer; `None` uses the window's default from the settings.
    #[serde(default)]
    pub printer: Option<String>,
    /// The clerk has confirmed printing a rare character as 〓 with its code point noted.
    #[serde(default)]
    pub substitute_missing: bool,
}

/// What was printed (or previewed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedVoucher {
    pub case_id: String,
    pub kind: VoucherKind,
    /// The PDF kept in the data folder, for the preview and for a later look.
    pub pdf_path: PathBuf,
    pub pages: usize,
    /// 0 for the first print, n for the n-th 补打.
    pub reprint_count: u32,
    pub printer: Option<String>,
    pub job_id: Option<String>,
    /// Characters printed as 〓 because no font has them.
    pub substituted: Vec<String>,
}

/// The fixed parts of a print: what renders, signs and prints, and where the server is.
pub struct PrintKit<'a> {
    pub renderer: &'a Renderer,
    pub key: &'a SigningKey,
    pub printer: &'a dyn Printer,
    pub server_url: &'a str,
}

/// Renders, prints and records one voucher.
pub fn print(
    db: &mut Db,
    data_dir: &Path,
    ctx: &Ctx,
    kit: &PrintKit<'_>,
    input: PrintInput,
) -> Result<PrintedVoucher, DeskError> {
    db.write(|tx, device| {
        let printer = match input.printer.clone() {
            Some(p) if !p.trim().is_empty() => p,
            _ => settings::get(tx, DEFAULT_PRINTER)?.ok_or(DeskError::NoPrinter)?,
        };
        let earlier = case_repo::print_count(tx, &input.case_id, input.kind.key())?;
        let (rendered, mut snapshot) = render(tx, ctx, kit, &input, earlier)?;
        let pdf_path = keep_pdf(data_dir, &rendered, "")?;
        // The job title names the print exactly, so the spool and the printer's queue show which
        // voucher and which 补打 it is.
        let title = format!(
            "{}-{}-{}",
            rendered.number.grouped(),
            input.kind.key(),
            rendered.reprint_count
        );
        let job = kit.printer.print_pdf(&printer, &rendered.pdf, &title)?;
        case_repo::record_print(tx, &input.case_id, input.kind.key(), &input.actor.account, ctx.now)?;
        let printed = VoucherPrinted {
            kind: input.kind.key().to_owned(),
            content_hash: hex::encode(rendered.content_hash),
            signature: rendered.signature.clone(),
            reprint_count: rendered.reprint_count,
        };
        let entry = NewEntry {
            at: ctx.now,
            actor: input.actor.account.clone(),
            kind: VOUCHER_PRINTED.to_owned(),
            event: None,
            data: serde_json::to_value(&printed).map_err(|e| DeskError::Internal(e.to_string()))?,
        };
        snapshot.timeline = Vec::new();
        case_repo::save_change(tx, device, &snapshot, vec![entry], ctx.now)?;
        tracing::info!(case = %input.case_id, kind = input.kind.key(), reprint = rendered.reprint_count, job = %job.id, "voucher printed");
        Ok(PrintedVoucher {
            case_id: input.case_id.clone(),
            kind: input.kind,
            pdf_path,
            pages: rendered.pages,
            reprint_count: rendered.reprint_count,
            printer: Some(job.printer),
            job_id: Some(job.id),
            substituted: rendered.substituted.iter().map(|c| c.to_string()).collect(),
        })
    })
}

/// Renders the voucher for the in-app preview, without printing or recording anything.
pub fn preview(
    db: &mut Db,
    data_dir: &Path,
    ctx: &Ctx,
    kit: &PrintKit<'_>,
    input: PrintInput,
) -> Result<PrintedVoucher, DeskError> {
    let conn = db.conn();
    let earlier = case_repo::print_count(conn, &input.case_id, input.kind.key())?;
    let (rendered, _) = render(conn, ctx, kit, &input, earlier)?;
    let pdf_path = keep_pdf(data_dir, &rendered, "preview-")?;
    Ok(PrintedVoucher {
        case_id: input.case_id,
        kind: input.kind,
        pdf_path,
        pages: rendered.pages,
        reprint_count: rendered.reprint_count,
        printer: None,
        job_id: None,
        substituted: rendered.substituted.iter().map(|c| c.to_string()).collect(),
    })
}

fn render(
    conn: &rusqlite::Connection,
    ctx: &Ctx,
    kit: &PrintKit<'_>,
    input: &PrintInput,
    reprint_count: u32,
) -> Result<(RenderedVoucher, onestop_protocol::CaseSnapshot), DeskError> {
    let stored = case_repo::get(conn, &input.case_id)?;
    let snapshot = stored.snapshot;
    let item = catalogue_repo::item_version(conn, &snapshot.item_impl_code, &snapshot.item_hash)?;
    let identity =
        settings::window_identity(conn)?.ok_or(onestop_local::LocalError::NotEnrolled)?;
    let voucher = build(
        &VoucherSource {
            conn,
            snapshot: &snapshot,
            timeline: &snapshot.timeline,
            item: &item,
            identity: &identity,
            clerk: &input.actor.account,
            now: ctx.now,
            server_url: kit.server_url,
            reprint_count,
            forwarded: ForwardedNotice::load(conn, &input.case_id)?,
        },
        input.kind,
    )?;
    let rendered = kit.renderer.render(
        &voucher,
        kit.key,
        RenderOptions {
            substitute_missing: input.substitute_missing,
        },
    )?;
    Ok((rendered, snapshot))
}

/// Keeps the PDF under `vouchers/` in the data folder, named by number, kind and print count.
fn keep_pdf(data_dir: &Path, r: &RenderedVoucher, prefix: &str) -> Result<PathBuf, DeskError> {
    let dir = data_dir.join("vouchers");
    std::fs::create_dir_all(&dir).map_err(onestop_local::LocalError::from)?;
    let path = dir.join(format!(
        "{prefix}{}-{}-{}.pdf",
        r.number,
        r.kind.key(),
        r.reprint_count
    ));
    std::fs::write(&path, &r.pdf).map_err(onestop_local::LocalError::from)?;
    Ok(path)
}
