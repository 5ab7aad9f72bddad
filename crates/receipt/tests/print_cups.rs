//! A real print through CUPS to the cups-pdf virtual printer `OnestopPDF` (set up by
//! `scripts/cups.sh`, which `make test` runs first). The PDF cups-pdf writes must carry the
//! same text as the voucher sent.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::*;
use onestop_receipt::*;

const QUEUE: &str = "OnestopPDF";

fn out_dir() -> PathBuf {
    std::env::var_os("ONESTOP_CUPS_PDF_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/spool/cups-pdf/onestop"))
}

#[test]
fn a_voucher_printed_to_cups_pdf_comes_out_with_the_same_text() {
    let printer = CupsPrinter::new();
    let printers = printer
        .list()
        .expect("lpstat is required: apt-get install -y cups cups-bsd; then run scripts/cups.sh");
    assert!(
        printers.iter().any(|p| p.name == QUEUE),
        "queue {QUEUE} missing ({printers:?}): run scripts/cups.sh (needs cups, cups-bsd, printer-driver-cups-pdf)"
    );

    let v = correction();
    let out = renderer()
        .render(&v, &key(), RenderOptions::default())
        .expect("render");
    let token = format!(
        "onestop-test-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    );
    let job = printer.print_pdf(QUEUE, &out.pdf, &token).expect("print");
    assert!(job.id.starts_with(&format!("{QUEUE}-")), "job id {job:?}");

    // cups-pdf names the file after the job title; wait for it to be complete.
    let dir = out_dir();
    let started = Instant::now();
    let mut found = None;
    while started.elapsed() < Duration::from_secs(60) {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.contains(&token) && name.ends_with(".pdf") {
                    found = Some(e.path());
                }
            }
        }
        if let Some(p) = &found {
            let size = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            std::thread::sleep(Duration::from_millis(300));
            if size > 0 && std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) == size {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let printed = found.unwrap_or_else(|| {
        panic!(
            "cups-pdf wrote no file for job {} in {} within 60 s",
            job.id,
            dir.display()
        )
    });
    let text = text_compact(&printed);
    for field in [
        "补正材料通知书".to_owned(),
        v.number.grouped(),
        "王芳".to_owned(),
        ID_MASKED.to_owned(),
        "经营场所平面布局图".to_owned(),
        "五个工作日".to_owned(),
    ] {
        assert!(
            text.contains(&field),
            "printed PDF lacks {field:?}:\n{text}"
        );
    }
    let _ = std::fs::remove_file(&printed);
}

#[test]
fn printing_to_a_bad_name_is_refused_before_cups_is_asked() {
    let err = CupsPrinter::new()
        .print_pdf("-o evil", b"%PDF", "x")
        .expect_err("bad name");
    assert_eq!(
        onestop_domain::Coded::code(&err),
        "receipt.bad_printer_name"
    );
}

#[test]
fn a_missing_print_system_is_a_typed_error() {
    let p = CupsPrinter::with_commands("/nonexistent/lp", "/nonexistent/lpstat");
    let err = p.print_pdf(QUEUE, b"%PDF", "x").expect_err("no lp");
    assert_eq!(
        onestop_domain::Coded::code(&err),
        "receipt.print_unavailable"
    );
    assert!(p.list().is_err());
}
