//! Printing at the window, on real parts: the encrypted window database, the real renderer with
//! the system's CJK fonts, and a real print through CUPS to the cups-pdf virtual printer
//! `OnestopPDF` (set up by `scripts/cups.sh`, which `make test` runs first).

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::*;
use onestop_desk::{NewCaseInput, PrintInput, VoucherKind};
use onestop_domain::catalogue::WindowLevel;
use onestop_local::KeyStore;
use onestop_protocol::voucher_signature::{verify, VoucherPrinted, VOUCHER_PRINTED};

const QUEUE: &str = "OnestopPDF";
const FOOD: &str = "019900040000"; // 食品经营许可证核发, 承诺件 5 working days

fn cups_out() -> PathBuf {
    std::env::var_os("ONESTOP_CUPS_PDF_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/spool/cups-pdf/onestop"))
}

/// Waits for cups-pdf to finish writing the file of job `job_id` (`OnestopPDF-19`), titled
/// `title`. The job number tells this run's file from an earlier run's with the same title.
fn printed_file(title: &str, job_id: &str) -> PathBuf {
    let job = format!("job_{}.pdf", job_id.rsplit('-').next().unwrap_or(job_id));
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if let Ok(entries) = std::fs::read_dir(cups_out()) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.contains(title) && name.ends_with(&job) {
                    let size = e.metadata().map(|m| m.len()).unwrap_or(0);
                    std::thread::sleep(Duration::from_millis(400));
                    if size > 0 && e.metadata().map(|m| m.len()).unwrap_or(0) == size {
                        return e.path();
                    }
                }
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!(
        "cups-pdf wrote no file for {title} in {} within 60 s",
        cups_out().display()
    );
}

#[tokio::test]
async fn accept_print_the_notice_reprint_it_and_every_print_is_on_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let t = desk_at(dir.path(), day(2026, 11, 27), WindowLevel::County).await;
    let d = &t.desk;
    let printers = d
        .list_printers()
        .await
        .expect("lpstat works (run scripts/cups.sh)");
    assert!(
        printers.iter().any(|p| p.name == QUEUE),
        "queue {QUEUE} missing ({printers:?}): run scripts/cups.sh"
    );

    // Before a printer is chosen the clerk is told where to choose one.
    let wang = d
        .register_applicant(person(
            "110101199003071233",
            "王芳",
            "13800138000",
            "城关镇人民路 8 号",
        ))
        .await
        .unwrap();
    let food = item(FOOD);
    let form = complete_form(
        &food,
        d.prefill_form(wang.applicant_id.clone(), food.impl_code.clone())
            .await
            .unwrap(),
    );
    let case = d
        .accept(NewCaseInput {
            actor: clerk(),
            impl_code: food.impl_code.clone(),
            applicant_id: wang.applicant_id.clone(),
            form,
            materials: all_materials(&food),
            attachments: vec![],
            proxy: None,
        })
        .await
        .unwrap();
    let case_id = case.snapshot.case_id.clone();
    let input = |kind| PrintInput {
        actor: clerk(),
        case_id: case_id.clone(),
        kind,
        printer: None,
        substitute_missing: false,
    };
    let err = d
        .print_voucher(input(VoucherKind::Acceptance))
        .await
        .unwrap_err();
    assert_eq!(err.code, "print.no_printer");
    d.set_default_printer(QUEUE.into()).await.unwrap();
    assert_eq!(d.default_printer().await.unwrap().as_deref(), Some(QUEUE));

    // A refusal notice for an accepted case is not a thing.
    let err = d
        .preview_voucher(input(VoucherKind::Refusal))
        .await
        .unwrap_err();
    assert_eq!(err.code, "voucher.not_applicable");

    // The preview prints nothing and records nothing.
    let preview = d
        .preview_voucher(input(VoucherKind::Acceptance))
        .await
        .unwrap();
    assert!(preview.job_id.is_none());
    let events_before = d
        .case_detail(case_id.clone())
        .await
        .unwrap()
        .snapshot
        .timeline
        .len();

    let first = d
        .print_voucher(input(VoucherKind::Acceptance))
        .await
        .unwrap();
    assert_eq!(first.reprint_count, 0);
    assert!(first.job_id.as_deref().unwrap_or("").starts_with(QUEUE));
    let text = pdf_text(&first.pdf_path);
    let grouped = case.acceptance_number_grouped.clone();
    for field in [
        "受理通知书",
        grouped.as_str(),
        "王芳",
        "110***********1233",
        "2026年12月04日",
        "城关镇便民服务中心3号窗口",
    ] {
        assert!(
            text.contains(field),
            "{field} missing from the voucher: {text}"
        );
    }
    assert!(
        !text.contains("110101199003071233"),
        "the full ID number must not be printed"
    );
    let paper = pdf_text(&printed_file(
        &format!("{grouped}-acceptance-0"),
        first.job_id.as_deref().unwrap_or_default(),
    ));
    assert!(
        paper.contains(&grouped) && paper.contains("王芳"),
        "cups-pdf output: {paper}"
    );

    let again = d
        .print_voucher(input(VoucherKind::Acceptance))
        .await
        .unwrap();
    assert_eq!(again.reprint_count, 1);
    assert!(
        pdf_text(&again.pdf_path).contains("补打"),
        "a reprint is marked 补打"
    );

    // Both prints are on the tamper-evident timeline, signed by this device's key.
    let detail = d.case_detail(case_id.clone()).await.unwrap();
    let printed: Vec<VoucherPrinted> = detail
        .snapshot
        .timeline
        .iter()
        .filter(|e| e.kind == VOUCHER_PRINTED)
        .map(|e| serde_json::from_value(e.data.clone()).unwrap())
        .collect();
    assert_eq!(detail.snapshot.timeline.len(), events_before + 2);
    assert_eq!(
        printed.iter().map(|p| p.reprint_count).collect::<Vec<_>>(),
        vec![0, 1]
    );
    let seed = t
        .keys
        .get(onestop_local::keystore::DEVICE_SIGNING_KEY)
        .unwrap()
        .unwrap();
    let public = ed25519_dalek::SigningKey::from_bytes(&seed.try_into().unwrap()).verifying_key();
    for p in &printed {
        verify(
            public.as_bytes(),
            &case.snapshot.acceptance_number,
            &p.hash_bytes().unwrap(),
            &p.signature,
        )
        .expect("the recorded signature verifies with the device key");
    }
    assert!(
        matches!(d.verify_case(case_id).await, Ok(Ok(()))),
        "the chain still verifies"
    );
}
