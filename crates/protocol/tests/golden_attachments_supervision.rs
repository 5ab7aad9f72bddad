//! Golden JSON for attachments (§5.5), supervision and the voucher print record. Regenerate with
//! `ONESTOP_BLESS=1 cargo test -p onestop-protocol --test golden_attachments_supervision`.

mod common;

use common::check;

use chrono::NaiveDate;
use onestop_protocol::voucher_signature::{message, verify, VoucherSignatureError};
use onestop_protocol::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

#[test]
fn voucher_printed() {
    check(
        "voucher_printed",
        &VoucherPrinted {
            kind: "acceptance_notice".into(),
            content_hash: "ab".repeat(32),
            signature: "A".repeat(86),
            reprint_count: 1,
        },
    );
}

#[test]
fn voucher_signature_message_is_frozen() {
    let m = message("990101001226112800076", &[0u8; 32]);
    assert_eq!(
        String::from_utf8(m).unwrap(),
        format!(
            "onestop-voucher-v1\n990101001226112800076\n{}",
            "0".repeat(64)
        )
    );
    assert_eq!(
        verify(&[0u8; 3], "x", &[0u8; 32], "AA"),
        Err(VoucherSignatureError::BadPublicKey)
    );
}

#[test]
fn upload_metadata_round_trips_and_is_frozen() {
    let m = UploadMetadata {
        case_id: "0193a0e0-0000-7000-8000-000000000001".into(),
        slot: "m1".into(),
        sha256: "0f".repeat(32),
        filename: "身份证.jpg".into(),
    };
    let header = m.encode();
    assert_eq!(
        header,
        "case_id MDE5M2EwZTAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAx,slot bTE=,sha256 MGYwZjBmMGYwZjBmMGYwZjBmMGYwZjBmMGYwZjBmMGYwZjBmMGYwZjBmMGYwZjBmMGYwZjBmMGYwZjBmMGYwZg==,filename 6Lqr5Lu96K+BLmpwZw=="
    );
    assert_eq!(UploadMetadata::parse(&header), Some(m));
    assert_eq!(
        UploadMetadata::parse("case_id eA==,slot eA=="),
        None,
        "no sha256"
    );
    assert_eq!(UploadMetadata::parse("case_id !!"), None);
}

#[test]
fn case_detail() {
    let view: CaseView = serde_json::from_str(include_str!("golden/case_view.json")).unwrap();
    check(
        "case_detail",
        &CaseDetail {
            case: view,
            attachments_incomplete: true,
            attachments: vec![AttachmentState {
                slot: "m1".into(),
                expected_sha256: Some("0f".repeat(32)),
                upload_id: Some("0193a0e0-0000-7000-8000-0000000000aa".into()),
                length: Some(5_000_000),
                offset: 4_194_304,
                complete: false,
            }],
            application: None,
        },
    );
}

#[test]
fn supervision_overview() {
    let counts = SupervisionCounts {
        received: 4,
        accepted: 3,
        completed: 2,
        on_time: 1,
        overdue: 2,
        yellow: 1,
        on_time_rate: Some(0.5),
    };
    check(
        "supervision_overview",
        &SupervisionOverview {
            county_code: "990101".into(),
            from: day(1),
            to: day(30),
            as_of: day(30),
            totals: counts.clone(),
            by_window: vec![SupervisionGroup {
                key: "w1".into(),
                label: "城关窗口".into(),
                counts: counts.clone(),
            }],
            by_department: vec![],
            by_level: vec![SupervisionGroup {
                key: "county".into(),
                label: "county".into(),
                counts,
            }],
            flagged: vec![FlaggedCase {
                case_id: "c1".into(),
                acceptance_number: "990101001226112800076".into(),
                window_id: "w1".into(),
                department: "示范县教育局".into(),
                state: "red".into(),
                due: day(20),
                days_left: -6,
                decided: false,
            }],
            violations: vec![ViolationEntry {
                case_id: "c1".into(),
                acceptance_number: "990101001226112800076".into(),
                window_id: "w1".into(),
                department: "示范县教育局".into(),
                code: "supervision.extension_repeated".into(),
                rule: "重复延期".into(),
                message: "只能延期一次".into(),
            }],
        },
    );
}
