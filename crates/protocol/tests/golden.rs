//! Golden JSON: the wire format is frozen. A change to any of these files is a protocol change and
//! must be deliberate. Regenerate with `ONESTOP_BLESS=1 cargo test -p onestop-protocol --test golden`.

mod common;

use common::check;

use chrono::{NaiveDate, TimeZone, Utc};
use onestop_domain::catalogue::CaseType;
use onestop_domain::lifecycle::{CaseFlow, CaseTerms, Channel, Role};
use onestop_protocol::*;

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 1, 2, 3).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn api_error() {
    check(
        "api_error",
        &ApiError::new("case.materials_missing", "缺少必备材料")
            .with_details(serde_json::json!({"missing": ["m1", "m3"]})),
    );
}

#[test]
fn health_and_meta() {
    check(
        "health",
        &Health {
            status: "ok".into(),
            version: "0.1.0".into(),
        },
    );
    check(
        "meta",
        &Meta {
            name: "onestop-server".into(),
            version: "0.1.0".into(),
            api_version: API_VERSION,
            server_time: at(),
            store: "sqlite".into(),
        },
    );
}

fn applicant() -> ApplicantRecord {
    ApplicantRecord {
        applicant_id: "019ac6a0-0000-7000-8000-000000000001".into(),
        kind: ApplicantKind::Person,
        id_number: "110101199003071233".into(),
        name: "张三".into(),
        phone: Some("13800138000".into()),
        address: Some("示范县城关镇人民路 1 号".into()),
        registration_number: "99010100120003457".into(),
        updated_at: at(),
    }
}

#[test]
fn applicant_record() {
    check("applicant_record", &applicant());
}

#[test]
fn case_snapshot() {
    let terms = CaseTerms {
        case_type: CaseType::Promised,
        proxy_agent_permitted: true,
        max_extension_working_days: 10,
        parts: vec![],
    };
    let received = day(2026, 11, 27);
    let applied = CaseFlow::receive(
        terms,
        &Role::WindowClerk,
        Channel::Window,
        received,
        day(2026, 12, 4),
    )
    .unwrap();
    let snapshot = CaseSnapshot {
        case_id: "019ac6a0-0000-7000-8000-0000000000c1".into(),
        acceptance_number: "990101001226112700073".into(),
        catalogue_edition: "2026-11".into(),
        item_impl_code: "019900010000-990101000000-000-11990101MB00010174-1-01".into(),
        item_hash: "ab".repeat(32),
        applicant_id: applicant().applicant_id,
        proxy: Some(ProxyRecord {
            name: "李四".into(),
            id_number: "51010420010101037X".into(),
            phone: None,
            powers: vec!["submit".into(), "collect".into()],
            valid_from: received,
            valid_until: day(2027, 5, 27),
            authorisation_scan_sha256: Some("cd".repeat(32)),
        }),
        form: serde_json::json!({"school_name": "示范县实验学校"}),
        materials: vec![MaterialReceipt {
            material_id: "m1".into(),
            originals: 1,
            copies: 0,
            electronic: false,
            waived_reason: None,
        }],
        attachments: vec![AttachmentRef {
            slot: "m1".into(),
            sha256: "ef".repeat(32),
            size: 123_456,
            file_name: "申请报告.pdf".into(),
            media_type: "application/pdf".into(),
        }],
        flow: applied.flow,
        due_on: None,
        due_provisional: false,
        timeline: vec![TimelineEntry {
            seq: 1,
            at: at(),
            actor: "clerk-001".into(),
            kind: "case.received".into(),
            event: applied.events.into_iter().next(),
            data: serde_json::Value::Null,
            prev_hash: "0".repeat(64),
            hash: "12".repeat(32),
        }],
        county_code: "990101".into(),
        terminal_code: "0012".into(),
        updated_at: at(),
    };
    check("case_snapshot", &snapshot);
}

#[test]
fn push_request_and_response() {
    let payload = serde_json::to_value(applicant()).unwrap();
    let op = Op::new(
        "dev-1",
        7,
        "019ac6a0-0000-7000-8000-0000000000f7",
        op_kind::APPLICANT_UPSERT,
        payload,
    );
    assert!(op.hash_matches());
    check("push_request", &PushRequest { ops: vec![op] });
    check(
        "push_response",
        &PushResponse {
            acked_seq: 8,
            results: vec![
                OpResult {
                    seq: 7,
                    op_id: "019ac6a0-0000-7000-8000-0000000000f7".into(),
                    outcome: OpOutcome::Applied,
                    error: None,
                },
                OpResult {
                    seq: 8,
                    op_id: "019ac6a0-0000-7000-8000-0000000000f8".into(),
                    outcome: OpOutcome::Rejected,
                    error: Some(ApiError::new("id.bad_check", "身份证号码校验位错误")),
                },
            ],
        },
    );
}

/// What a window sends: ops whose payload is the JSON text its outbox stored (`RawOp`). The server
/// reads `PushRequest`, so the push must be the golden push request to the byte.
#[test]
fn a_push_of_raw_ops_is_the_golden_push_request() {
    #[derive(serde::Serialize, serde::Deserialize)]
    struct RawPush {
        ops: Vec<RawOp>,
    }
    let op = Op::new(
        "dev-1",
        7,
        "019ac6a0-0000-7000-8000-0000000000f7",
        op_kind::APPLICANT_UPSERT,
        serde_json::to_value(applicant()).unwrap(),
    );
    // The outbox stores `serde_json::to_string(&payload)` and hands that text back unparsed.
    let stored = serde_json::to_string(&op.payload).unwrap();
    let raw = RawOp::new(
        &op.device_id,
        op.seq,
        &op.op_id,
        &op.kind,
        stored,
        &op.sha256,
    )
    .unwrap();
    assert_eq!(raw, RawOp::from(&op));
    let sent = serde_json::to_vec(&RawPush { ops: vec![raw] }).unwrap();
    let golden = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/push_request.json"
    ))
    .unwrap();
    let golden: PushRequest = serde_json::from_str(&golden).unwrap();
    assert_eq!(sent, serde_json::to_vec(&golden).unwrap());
    let read: PushRequest = serde_json::from_slice(&sent).unwrap();
    assert_eq!(read, golden);
    assert!(read.ops[0].hash_matches());
    // And back: a `RawOp` read from the wire parses to the same op.
    let back: RawPush = serde_json::from_slice(&sent).unwrap();
    assert_eq!(back.ops[0].to_op().unwrap(), golden.ops[0]);
}

/// A stored payload in another layout (a hand edit, SQLite's `json_set`) goes out as it is: the
/// same value to the server, whose hash is over canonical JSON, so layout never matters.
#[test]
fn a_raw_payload_keeps_its_layout_and_means_the_same() {
    let payload = serde_json::json!({"b": [1, 2.5, "二"], "a": {"z": null, "y": true}});
    let op = Op::new("dev-1", 3, "op-3", op_kind::CASE_SNAPSHOT, payload);
    let text = r#"{"b":[1, 2.5,"二"],  "a":{"y":true,"z":null}}"#;
    let raw = RawOp::new(
        "dev-1",
        3,
        "op-3",
        op_kind::CASE_SNAPSHOT,
        text.into(),
        &op.sha256,
    )
    .unwrap();
    let sent = serde_json::to_string(&raw).unwrap();
    assert!(sent.contains(text), "{sent}");
    let read: Op = serde_json::from_str(&sent).unwrap();
    assert_eq!(read, op);
    assert!(read.hash_matches());
}

#[test]
fn a_raw_payload_must_be_one_json_value() {
    for bad in ["", "{\"a\":", "{} {}", "{\"a\":1} x", "nul"] {
        assert!(
            RawOp::new("d", 1, "o", "k", bad.into(), "h").is_err(),
            "{bad:?} was taken"
        );
    }
    let padded = RawOp::new("d", 1, "o", "k", " {\"a\":1}\n".into(), "h").unwrap();
    assert_eq!(padded.payload.get(), "{\"a\":1}");
}

#[test]
fn changes_page() {
    check(
        "changes_page",
        &ChangesPage {
            changes: vec![Change {
                seq: 42,
                case_id: "019ac6a0-0000-7000-8000-0000000000c1".into(),
                kind: "case.status".into(),
                payload: serde_json::json!({"status": "approved"}),
                at: at(),
            }],
            next_cursor: 42,
            has_more: false,
        },
    );
}

#[test]
fn op_hash_ignores_key_order_but_not_content() {
    let a = serde_json::json!({"b": 1, "a": [1, 2]});
    let b: serde_json::Value = serde_json::from_str(r#"{"a":[1,2],"b":1}"#).unwrap();
    assert_eq!(op_hash("k", &a), op_hash("k", &b));
    assert_ne!(op_hash("k", &a), op_hash("k2", &a));
    assert_ne!(
        op_hash("k", &a),
        op_hash("k", &serde_json::json!({"b": 2, "a": [1, 2]}))
    );
    // Frozen: a client and a server of different builds must agree on this exact value.
    assert_eq!(
        op_hash("k", &a),
        "85549f6f85f50d5562dc43b8c907c283cb3664b5e596d2552731389d534cdc36"
    );
}

#[test]
fn timeline_hash_chain_is_frozen_and_checked() {
    use onestop_protocol::timeline::{entry_hash, verify_entries, ChainBreak, GENESIS_HASH};
    let mut first = TimelineEntry {
        seq: 1,
        at: at(),
        actor: "clerk-001".into(),
        kind: "case.received".into(),
        event: None,
        data: serde_json::json!({"note": "收件"}),
        prev_hash: GENESIS_HASH.into(),
        hash: String::new(),
    };
    first.hash = entry_hash("case-1", &first);
    let mut second = TimelineEntry {
        seq: 2,
        kind: "voucher.printed".into(),
        prev_hash: first.hash.clone(),
        ..first.clone()
    };
    second.hash = entry_hash("case-1", &second);
    // Frozen: the window and the server of different builds must compute the same hash.
    assert_eq!(
        first.hash,
        "72fa025642ae9c4de899bb7270fc2594709666f5ce88f8d6db48337b0764ccca"
    );
    let chain = vec![first.clone(), second.clone()];
    assert_eq!(
        verify_entries("case-1", &chain, Some((2, &second.hash))),
        Ok(())
    );
    // Bound to its case: the same entries under another case id do not verify.
    assert_eq!(
        verify_entries("case-2", &chain, None),
        Err(ChainBreak::Edited { seq: 1 })
    );
    let mut edited = chain.clone();
    edited[0].actor = "someone-else".into();
    assert_eq!(
        verify_entries("case-1", &edited, None),
        Err(ChainBreak::Edited { seq: 1 })
    );
    assert_eq!(
        verify_entries("case-1", &chain[1..], None),
        Err(ChainBreak::Gap {
            expected: 1,
            found: 2
        })
    );
    assert_eq!(
        verify_entries("case-1", &chain[..1], Some((2, &second.hash))),
        Err(ChainBreak::HeadMismatch)
    );
}
