//! The notice of a decision the parent window took on a case this village window forwarded, on
//! real parts: the encrypted window database, the real renderer with the system's CJK fonts, and
//! poppler reading the PDF. The decision is stored the way the sync port stores a `case.status`
//! change (`onestop_local::sync_state`, as `sync::ports` calls it); that the change arrives and is
//! kept is covered by the port's unit tests and by the e2e proxy scenario, which prints the
//! 受理通知书 this way in the real app against the real server.

mod common;

use chrono::Utc;
use common::*;
use onestop_desk::{Actor, PrintInput, VoucherKind};
use onestop_domain::catalogue::WindowLevel;
use onestop_domain::lifecycle::Transition;
use onestop_local::sync_state::{self, ServerCaseState, ServerDecision};
use onestop_local::{Db, DB_FILE};

const DIBAO: &str = "059900070000"; // 最低生活保障申请, township and village

#[tokio::test]
async fn the_village_prints_the_refusal_its_parent_window_decided() {
    let dir = tempfile::tempdir().unwrap();
    let t = desk_at(dir.path(), day(2026, 3, 2), WindowLevel::Village).await;
    let d = &t.desk;
    let agent = Actor::village_agent("agent-liu");
    let dibao = item(DIBAO);
    let (villager, form) = villager_form(d, &dibao).await;
    let letter = scan(dir.path(), "委托书.pdf", b"%PDF-1.4 signed authorisation");
    let mut input = new_case(agent.clone(), &dibao.impl_code, &villager, form);
    input.materials = all_materials(&dibao);
    input.proxy = Some(agent_authorisation(letter));
    let case = d.receive(input).await.unwrap();
    let case_id = case.snapshot.case_id.clone();
    let notice = |kind| PrintInput {
        actor: agent.clone(),
        case_id: case_id.clone(),
        kind,
        printer: None,
        substitute_missing: false,
    };
    // Nothing decided yet: no notice to print.
    let err = d
        .preview_voucher(notice(VoucherKind::Refusal))
        .await
        .unwrap_err();
    assert_eq!(err.code, "voucher.not_applicable", "{}", err.message);

    // The township window refuses it on the server; the village's sync stores the change.
    let db = Db::open(&dir.path().join(DB_FILE), t.keys.as_ref()).unwrap();
    let state = ServerCaseState {
        status: "rejected",
        due_on: None,
        due_provisional: false,
        version: 1,
    };
    assert!(sync_state::apply_server_state(db.conn(), &case_id, &state, Utc::now()).unwrap());
    let decision = ServerDecision {
        on: day(2026, 3, 3),
        transition: Transition::Reject {
            reason: "申请人家庭人均收入高于当地最低生活保障标准".into(),
            legal_basis: "《社会救助暂行办法》第九条".into(),
            competent_agency: None,
        },
        actor: "township".into(),
        actor_name: Some("乡镇窗口人员".into()),
        actor_window: Some("青山镇便民服务中心".into()),
    };
    sync_state::record_server_decision(db.conn(), &case_id, &decision).unwrap();

    let refusal = d
        .preview_voucher(notice(VoucherKind::Refusal))
        .await
        .unwrap();
    let text = pdf_text(&refusal.pdf_path);
    for expected in [
        "不予受理",
        "张桂兰",
        "申请人家庭人均收入高于当地最低生活保障标准",
        "《社会救助暂行办法》第九条",
        "青山镇便民服务中心",
        "乡镇窗口人员",
    ] {
        assert!(text.contains(expected), "{expected} missing from: {text}");
    }
    // Refused, so there is no 受理通知书 to print for it.
    let err = d
        .preview_voucher(notice(VoucherKind::Acceptance))
        .await
        .unwrap_err();
    assert_eq!(err.code, "voucher.not_applicable", "{}", err.message);
}
