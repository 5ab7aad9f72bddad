//! The acceptance work of a window, told as a clerk would tell it, on a real encrypted database
//! in a temp folder, with the demo catalogue and a fixed calendar day.

mod common;

use chrono::Duration;
use common::*;
use onestop_desk::{
    AcceptReceivedInput, Actor, ApplicantQuery, AttachmentInput, ImportAttachmentInput, ProxyInput,
    RejectInput, SupplementInput, SupplementItem, SupplementNoticeInput, WithdrawInput,
};
use onestop_domain::catalogue::WindowLevel;
use onestop_domain::lifecycle::CaseStatus;
use onestop_domain::supervision::DeadlineState;
use onestop_local::{outbox, Db, DB_FILE};
use onestop_protocol::{op_kind, CaseSnapshot};

const FOOD: &str = "019900040000"; // 食品经营许可证核发, 承诺件 5 working days
const RELIEF: &str = "059900100000"; // 临时救助申请, 承诺件 10 working days
const PENSION: &str = "209900060000"; // 城乡居民基本养老保险参保登记, 即办件
const DIBAO: &str = "059900070000"; // 最低生活保障申请, township and village

#[tokio::test]
async fn register_a_citizen_accept_a_promised_case_then_another_item_without_retyping() {
    let dir = tempfile::tempdir().unwrap();
    let t = desk_at(dir.path(), day(2026, 3, 2), WindowLevel::County).await;
    let d = &t.desk;

    // 王芳 comes to the window for the first time: she is registered once, with her ID checked.
    let bad = d
        .register_applicant(person(
            "110101199003071234",
            "王芳",
            "13800138000",
            "城关镇人民路 8 号",
        ))
        .await
        .unwrap_err();
    assert_eq!(bad.code, "id.bad_check");
    let wang = d
        .register_applicant(person(
            "110101199003071233",
            "王芳",
            "13800138000",
            "城关镇人民路 8 号",
        ))
        .await
        .unwrap();
    assert_eq!(wang.registration_number.len(), 17);
    assert!(wang.registration_number.starts_with("9901010012"));
    let again = d
        .register_applicant(person("110101199003071233", "王芳", "13800138000", ""))
        .await
        .unwrap_err();
    assert_eq!(again.code, "applicant.exists");

    // She applies for a food business licence with every material.
    let food = item(FOOD);
    let form = d
        .prefill_form(wang.applicant_id.clone(), food.impl_code.clone())
        .await
        .unwrap();
    assert_eq!(form["legal_rep_name"], "王芳");
    assert_eq!(form["legal_rep_id_number"], "110101199003071233");
    let mut input = new_case(
        clerk(),
        &food.impl_code,
        &wang.applicant_id,
        complete_form(&food, form),
    );
    input.materials = all_materials(&food);
    input.attachments = vec![AttachmentInput {
        slot: "m1".into(),
        path: scan(
            dir.path(),
            "申请书.pdf",
            b"%PDF-1.4 scan of the application",
        ),
    }];
    let case = d.accept(input).await.unwrap();
    assert_eq!(case.snapshot.flow.status, CaseStatus::Accepted);
    assert_eq!(case.snapshot.flow.accepted_on, Some(day(2026, 3, 2)));
    // 5 working days after Monday 2 March 2026: Monday 9 March.
    assert_eq!(case.snapshot.due_on, Some(day(2026, 3, 9)));
    assert!(case
        .snapshot
        .acceptance_number
        .starts_with("9901010012260302"));
    assert_eq!(&case.snapshot.acceptance_number[16..20], "0001");
    assert_eq!(case.acceptance_number_grouped.len(), 25);
    assert_eq!(case.snapshot.item_hash, food.content_hash());
    assert_eq!(case.snapshot.attachments.len(), 1);
    let kinds: Vec<_> = case
        .snapshot
        .timeline
        .iter()
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(kinds, ["case.received", "case.accepted"]);
    assert!(!case.synced);
    assert_eq!(
        d.verify_case(case.snapshot.case_id.clone()).await.unwrap(),
        Ok(())
    );

    // A week later she comes back for temporary relief: found by phone, nothing retyped, but she
    // has moved, and the new address flows back to her record.
    t.clock.set_day(day(2026, 3, 9));
    let found = d
        .find_applicants(ApplicantQuery::Phone("138 0013 8000".replace(' ', "")))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let relief = item(RELIEF);
    let mut form = d
        .prefill_form(wang.applicant_id.clone(), relief.impl_code.clone())
        .await
        .unwrap();
    assert_eq!(form["applicant_address"], "城关镇人民路 8 号");
    form["applicant_address"] = "城关镇新华街 21 号".into();
    let mut input = new_case(
        clerk(),
        &relief.impl_code,
        &wang.applicant_id,
        complete_form(&relief, form),
    );
    input.materials = all_materials(&relief);
    let second = d.accept(input).await.unwrap();
    assert_eq!(&second.snapshot.acceptance_number[10..20], "2603090001");
    let by_id = d
        .find_applicants(ApplicantQuery::IdNumber("110101199003071233".into()))
        .await
        .unwrap();
    assert_eq!(by_id[0].address.as_deref(), Some("城关镇新华街 21 号"));
    assert_eq!(by_id[0].registration_number, wang.registration_number);
    let by_name = d
        .find_applicants(ApplicantQuery::Name("王芳".into()))
        .await
        .unwrap();
    assert_eq!(by_name.len(), 1);

    // Both cases are waiting for sync; the first is now due today, so its card is yellow.
    assert_eq!(d.cases_unsynced().await.unwrap().len(), 2);
    let yellow = d.cases_due_soon().await.unwrap();
    assert!(yellow.iter().any(|c| c.case_id == case.snapshot.case_id));
    t.clock.set_day(day(2026, 3, 10));
    let red = d.cases_overdue().await.unwrap();
    assert_eq!(red.len(), 1);
    assert_eq!(red[0].case_id, case.snapshot.case_id);
    let detail = d.case_detail(case.snapshot.case_id.clone()).await.unwrap();
    assert_eq!(detail.deadline.map(|c| c.state), Some(DeadlineState::Red));
    let keys = t.keys.clone();
    drop(t.desk);

    // The outbox holds, in order: the applicant, case 1, the changed applicant, case 2.
    let db = Db::open(&dir.path().join(DB_FILE), keys.as_ref()).expect("reopen with the same key");
    let ops = outbox::pending(db.conn(), db.device_id(), 100).unwrap();
    let kinds: Vec<_> = ops.iter().map(|o| o.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            op_kind::APPLICANT_UPSERT,
            op_kind::CASE_SNAPSHOT,
            op_kind::APPLICANT_UPSERT,
            op_kind::CASE_SNAPSHOT
        ]
    );
    assert_eq!(ops.iter().map(|o| o.seq).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert!(ops.iter().all(|o| o.hash_matches()));
    let sent: CaseSnapshot = serde_json::from_value(ops[1].payload.clone()).unwrap();
    assert_eq!(sent.timeline.len(), 2);
    let history = onestop_local::applicant_repo::history(db.conn(), &wang.applicant_id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].field, "address");
    assert_eq!(
        history[0].case_id.as_deref(),
        Some(second.snapshot.case_id.as_str())
    );
}

#[tokio::test]
async fn incomplete_materials_get_one_notice_then_the_supplement_then_acceptance() {
    let dir = tempfile::tempdir().unwrap();
    let t = desk_at(dir.path(), day(2026, 3, 2), WindowLevel::County).await;
    let d = &t.desk;
    let li = d
        .register_applicant(person(
            "110101198001010010",
            "李建国",
            "13900139001",
            "西关村 3 组",
        ))
        .await
        .unwrap();
    let food = item(FOOD);
    let form = d
        .prefill_form(li.applicant_id.clone(), food.impl_code.clone())
        .await
        .unwrap();
    let mut input = new_case(
        clerk(),
        &food.impl_code,
        &li.applicant_id,
        complete_form(&food, form),
    );
    // m3 and m4 are missing.
    input.materials = all_materials(&food)
        .into_iter()
        .filter(|m| m.material_id != "m3" && m.material_id != "m4")
        .collect();

    // Acceptance is blocked and says what is missing.
    let blocked = d.accept(input.clone()).await.unwrap_err();
    assert_eq!(blocked.code, "case.materials_missing");
    assert_eq!(
        blocked.details["materials"],
        serde_json::json!(["m3", "m4"])
    );
    // Nothing was stored and no number was used by the refused attempt.
    assert!(d.cases_today().await.unwrap().is_empty());

    // The clerk receives the materials and must give one notice listing everything.
    let received = d.receive(input).await.unwrap();
    assert_eq!(received.snapshot.flow.status, CaseStatus::Received);
    assert_eq!(&received.snapshot.acceptance_number[16..20], "0001");
    assert_eq!(received.supplement_notice_due, Some(day(2026, 3, 9)));
    let id = received.snapshot.case_id.clone();
    let partial = d
        .request_supplement(SupplementNoticeInput {
            actor: clerk(),
            case_id: id.clone(),
            items: vec![SupplementItem {
                material_id: Some("m3".into()),
                problem: "缺少".into(),
            }],
        })
        .await
        .unwrap_err();
    assert_eq!(partial.code, "case.supplement_incomplete");
    t.clock.set_day(day(2026, 3, 4));
    let notice = d
        .request_supplement(SupplementNoticeInput {
            actor: clerk(),
            case_id: id.clone(),
            items: vec![
                SupplementItem {
                    material_id: Some("m3".into()),
                    problem: "缺少".into(),
                },
                SupplementItem {
                    material_id: Some("m4".into()),
                    problem: "需提供原件".into(),
                },
            ],
        })
        .await
        .unwrap();
    assert_eq!(notice.snapshot.flow.status, CaseStatus::SupplementRequested);
    assert_eq!(
        notice.snapshot.flow.supplement_requested_on,
        Some(day(2026, 3, 4))
    );
    // A second notice is not allowed (art. 32 (4): 一次告知).
    let twice = d
        .request_supplement(SupplementNoticeInput {
            actor: clerk(),
            case_id: id.clone(),
            items: vec![SupplementItem {
                material_id: Some("m3".into()),
                problem: "缺少".into(),
            }],
        })
        .await
        .unwrap_err();
    assert_eq!(twice.code, "case.supplement_once");

    // She brings the rest on the 11th; the case is accepted, dated from the complete supplement.
    t.clock.set_day(day(2026, 3, 11));
    let missing: Vec<_> = all_materials(&food)
        .into_iter()
        .filter(|m| m.material_id == "m3" || m.material_id == "m4")
        .collect();
    d.record_supplement(SupplementInput {
        actor: clerk(),
        case_id: id.clone(),
        materials: missing,
        attachments: vec![AttachmentInput {
            slot: "m3".into(),
            path: scan(dir.path(), "m3.jpg", b"\xff\xd8\xff photo of m3"),
        }],
    })
    .await
    .unwrap();
    t.clock.set_day(day(2026, 3, 12));
    let accepted = d
        .accept_received(AcceptReceivedInput {
            actor: clerk(),
            case_id: id.clone(),
            waivers: vec![],
        })
        .await
        .unwrap();
    assert_eq!(accepted.snapshot.flow.status, CaseStatus::Accepted);
    assert_eq!(accepted.snapshot.flow.accepted_on, Some(day(2026, 3, 11)));
    assert_eq!(accepted.snapshot.due_on, Some(day(2026, 3, 18)));
    let kinds: Vec<_> = accepted
        .snapshot
        .timeline
        .iter()
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "case.received",
            "case.supplement_requested",
            "case.supplemented",
            "case.accepted"
        ]
    );
    assert_eq!(accepted.snapshot.attachments.len(), 1);
    assert_eq!(d.verify_case(id).await.unwrap(), Ok(()));
}

#[tokio::test]
async fn a_missing_material_is_waived_with_a_reason_for_a_promised_item_only() {
    let dir = tempfile::tempdir().unwrap();
    let t = desk_at(dir.path(), day(2026, 3, 2), WindowLevel::County).await;
    let d = &t.desk;
    let a = d
        .register_applicant(person(
            "110101197511110025",
            "赵敏",
            "13700137000",
            "东关村",
        ))
        .await
        .unwrap();
    let food = item(FOOD);
    let form = d
        .prefill_form(a.applicant_id.clone(), food.impl_code.clone())
        .await
        .unwrap();
    let mut input = new_case(
        clerk(),
        &food.impl_code,
        &a.applicant_id,
        complete_form(&food, form),
    );
    input.materials = all_materials(&food);
    input.materials[2] = onestop_protocol::MaterialReceipt {
        material_id: "m3".into(),
        originals: 0,
        copies: 0,
        electronic: false,
        waived_reason: Some("承诺五个工作日内补交".into()),
    };
    let case = d.accept(input).await.unwrap();
    assert_eq!(case.snapshot.flow.status, CaseStatus::Accepted);
    assert_eq!(
        case.snapshot.timeline[1].data["waived"][0]["material_id"],
        "m3"
    );

    // A 即办件 is decided on the spot: no 容缺 there.
    let pension = item(PENSION);
    let form = d
        .prefill_form(a.applicant_id.clone(), pension.impl_code.clone())
        .await
        .unwrap();
    let mut input = new_case(
        clerk(),
        &pension.impl_code,
        &a.applicant_id,
        complete_form(&pension, form),
    );
    input.materials = all_materials(&pension);
    input.materials[0].waived_reason = Some("随后补交".into());
    input.materials[0].originals = 0;
    input.materials[0].copies = 0;
    let refused = d.complete_instantly(input).await.unwrap_err();
    assert_eq!(refused.code, "case.waiver_not_allowed");
}

#[tokio::test]
async fn a_refusal_names_reason_basis_and_the_competent_agency() {
    let dir = tempfile::tempdir().unwrap();
    let t = desk_at(dir.path(), day(2026, 3, 2), WindowLevel::County).await;
    let d = &t.desk;
    let a = d
        .register_applicant(person(
            "110101200102030045",
            "孙丽",
            "13600136000",
            "南街 5 号",
        ))
        .await
        .unwrap();
    let relief = item(RELIEF);
    let form = d
        .prefill_form(a.applicant_id.clone(), relief.impl_code.clone())
        .await
        .unwrap();
    let mut input = new_case(
        clerk(),
        &relief.impl_code,
        &a.applicant_id,
        complete_form(&relief, form),
    );
    input.materials = all_materials(&relief);
    let received = d.receive(input).await.unwrap();
    let id = received.snapshot.case_id.clone();

    let no_basis = d
        .reject(RejectInput {
            actor: clerk(),
            case_id: id.clone(),
            reason: "户籍不在本县".into(),
            legal_basis: " ".into(),
            competent_agency: None,
        })
        .await
        .unwrap_err();
    assert_eq!(no_basis.code, "case.basis_required");
    let rejected = d
        .reject(RejectInput {
            actor: clerk(),
            case_id: id.clone(),
            reason: "申请人户籍不在本县，不属于本机关职权范围".into(),
            legal_basis: "《中华人民共和国行政许可法》第三十二条第一款第（二）项".into(),
            competent_agency: Some("户籍所在地县级民政部门".into()),
        })
        .await
        .unwrap();
    assert_eq!(rejected.snapshot.flow.status, CaseStatus::Rejected);
    let last = rejected.snapshot.timeline.last().unwrap();
    assert_eq!(last.kind, "case.rejected");
    let ev = serde_json::to_value(last.event.as_ref().unwrap()).unwrap();
    assert_eq!(
        ev["transition"]["competent_agency"],
        "户籍所在地县级民政部门"
    );
    // A refused case cannot be withdrawn any more.
    let w = d
        .withdraw(WithdrawInput {
            actor: clerk(),
            case_id: id,
            reason: "不办了".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(w.code, "case.transition_not_allowed");
}

#[tokio::test]
async fn an_instant_item_is_done_on_the_spot_and_a_case_can_be_withdrawn() {
    let dir = tempfile::tempdir().unwrap();
    let t = desk_at(dir.path(), day(2026, 3, 2), WindowLevel::County).await;
    let d = &t.desk;
    let a = d
        .register_applicant(person(
            "110101198505050059",
            "周强",
            "13500135000",
            "北关村",
        ))
        .await
        .unwrap();
    let pension = item(PENSION);
    let form = d
        .prefill_form(a.applicant_id.clone(), pension.impl_code.clone())
        .await
        .unwrap();
    let mut input = new_case(
        clerk(),
        &pension.impl_code,
        &a.applicant_id,
        complete_form(&pension, form),
    );
    input.materials = all_materials(&pension);
    let done = d.complete_instantly(input).await.unwrap();
    assert_eq!(done.snapshot.flow.status, CaseStatus::Approved);
    assert_eq!(done.snapshot.flow.decided_on, Some(day(2026, 3, 2)));
    let kinds: Vec<_> = done
        .snapshot
        .timeline
        .iter()
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(kinds, ["case.received", "case.completed_on_spot"]);

    // A promised item cannot be "completed on the spot".
    let relief = item(RELIEF);
    let form = d
        .prefill_form(a.applicant_id.clone(), relief.impl_code.clone())
        .await
        .unwrap();
    let mut input = new_case(
        clerk(),
        &relief.impl_code,
        &a.applicant_id,
        complete_form(&relief, form),
    );
    input.materials = all_materials(&relief);
    let err = d.complete_instantly(input.clone()).await.unwrap_err();
    assert_eq!(err.code, "case.not_instant_item");

    // The applicant accepts relief, then changes their mind.
    let case = d.accept(input).await.unwrap();
    let withdrawn = d
        .withdraw(WithdrawInput {
            actor: clerk(),
            case_id: case.snapshot.case_id.clone(),
            reason: "申请人主动撤回".into(),
        })
        .await
        .unwrap();
    assert_eq!(withdrawn.snapshot.flow.status, CaseStatus::Withdrawn);
    // Numbers of the day run on without gaps across case types.
    let today = d.cases_today().await.unwrap();
    let seqs: Vec<_> = today
        .iter()
        .map(|c| c.acceptance_number[16..20].to_owned())
        .collect();
    assert_eq!(seqs, ["0001", "0002"]);
}

#[tokio::test]
async fn a_village_agent_files_a_proxy_case_with_the_authorisation_scan() {
    let dir = tempfile::tempdir().unwrap();
    let t = desk_at(dir.path(), day(2026, 3, 2), WindowLevel::Village).await;
    let d = &t.desk;
    let agent = Actor::village_agent("agent-liu");
    let dibao = item(DIBAO);
    let (villager, form) = villager_form(d, &dibao).await;
    let mut input = new_case(agent.clone(), &dibao.impl_code, &villager, form);
    input.materials = all_materials(&dibao);

    // Without the 委托书 the agent cannot file for her.
    let err = d.receive(input.clone()).await.unwrap_err();
    assert_eq!(err.code, "proxy.required");

    let letter = scan(
        dir.path(),
        "委托书.pdf",
        b"%PDF-1.4 signed authorisation with fingerprint",
    );
    let proxy = agent_authorisation(letter.clone());
    input.proxy = Some(ProxyInput {
        valid_until: day(2026, 2, 28),
        ..proxy.clone()
    });
    let expired = d.receive(input.clone()).await.unwrap_err();
    assert_eq!(expired.code, "proxy.invalid_authorisation");
    input.proxy = Some(proxy);

    // A village agent receives (收件) but never accepts: that is the township window's act.
    let not_his = d.accept(input.clone()).await.unwrap_err();
    assert_eq!(not_his.code, "case.role_not_permitted");
    let case = d.receive(input).await.unwrap();
    assert_eq!(case.snapshot.flow.status, CaseStatus::Received);
    let p = case.snapshot.proxy.as_ref().unwrap();
    assert_eq!(p.name, "刘德明");
    let letter_hash = onestop_domain::canonical::canonical_json(&serde_json::Value::Null);
    assert_ne!(
        p.authorisation_scan_sha256.as_deref(),
        Some(letter_hash.as_str())
    );
    let sha = p.authorisation_scan_sha256.clone().unwrap();
    assert!(case
        .snapshot
        .attachments
        .iter()
        .any(|a| a.slot == "authorisation" && a.sha256 == sha));
    // The scan is in the data folder under its hash, byte for byte.
    let stored = onestop_local::attachments::blob_path(dir.path(), &sha);
    assert_eq!(
        std::fs::read(stored).unwrap(),
        std::fs::read(&letter).unwrap()
    );
    let received = &case.snapshot.timeline[0];
    assert_eq!(received.actor, "agent-liu");
    assert_eq!(received.data["channel"], "proxy_agent");

    // A photo of the household register is added afterwards to slot m2.
    let photo = scan(dir.path(), "户口本.jpg", b"\xff\xd8\xff household register");
    let added = d
        .import_attachment(ImportAttachmentInput {
            actor: agent,
            case_id: case.snapshot.case_id.clone(),
            attachment: AttachmentInput {
                slot: "m2".into(),
                path: photo,
            },
        })
        .await
        .unwrap();
    assert_eq!(added.media_type, "image/jpeg");
    let detail = d.case_detail(case.snapshot.case_id.clone()).await.unwrap();
    assert_eq!(detail.snapshot.attachments.len(), 2);
    assert_eq!(
        detail.snapshot.timeline.last().unwrap().kind,
        "attachment.added"
    );
    assert_eq!(
        d.verify_case(case.snapshot.case_id.clone()).await.unwrap(),
        Ok(())
    );
    let _ = Duration::days(0);
}

#[tokio::test]
async fn acceptance_is_refused_until_the_window_is_enrolled() {
    let dir = tempfile::tempdir().unwrap();
    let keys = std::sync::Arc::new(onestop_desk::MemoryKeyStore::new());
    let mut config = onestop_desk::DeskConfig::new(dir.path());
    config.keystore = Some(keys);
    config.clock = std::sync::Arc::new(onestop_desk::FixedClock::at_day(day(2026, 3, 2)));
    let d = onestop_desk::Desk::start(config).unwrap();
    d.install_catalogue(demo_json()).await.unwrap();
    let err = d
        .register_applicant(person("110101199003071233", "王芳", "13800138000", ""))
        .await
        .unwrap_err();
    assert_eq!(err.code, "window.not_enrolled");
    assert!(err.message.contains("注册"));
    assert_eq!(d.window_identity().await.unwrap(), None);
}
