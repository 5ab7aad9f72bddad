//! The timeline is tamper-evident: someone with the key who drops the append-only triggers and
//! edits or deletes an event is still caught by `verify`.

mod common;

use common::*;
use onestop_desk::{NewCaseInput, WithdrawInput};
use onestop_domain::catalogue::WindowLevel;
use onestop_local::timeline::{self, ChainBreak};
use onestop_local::{Db, DB_FILE};

#[tokio::test]
async fn an_edited_or_deleted_event_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let t = desk_at(dir.path(), day(2026, 3, 2), WindowLevel::County).await;
    let d = &t.desk;
    let a = d
        .register_applicant(person(
            "110101199003071233",
            "王芳",
            "13800138000",
            "人民路 8 号",
        ))
        .await
        .unwrap();
    let relief = item("059900100000");
    let mut ids = Vec::new();
    for _ in 0..3 {
        let form = d
            .prefill_form(a.applicant_id.clone(), relief.impl_code.clone())
            .await
            .unwrap();
        let case = d
            .accept(NewCaseInput {
                actor: clerk(),
                impl_code: relief.impl_code.clone(),
                applicant_id: a.applicant_id.clone(),
                form: complete_form(&relief, form),
                materials: all_materials(&relief),
                attachments: vec![],
                proxy: None,
            })
            .await
            .unwrap();
        let id = case.snapshot.case_id.clone();
        d.withdraw(WithdrawInput {
            actor: clerk(),
            case_id: id.clone(),
            reason: "撤回".into(),
        })
        .await
        .unwrap();
        assert_eq!(d.verify_case(id.clone()).await.unwrap(), Ok(()));
        ids.push(id);
    }
    let keys = t.keys.clone();
    drop(t.desk);
    let db = Db::open(&dir.path().join(DB_FILE), keys.as_ref()).unwrap();
    let c = db.conn();

    // The triggers refuse the honest mistake.
    assert!(c
        .execute("DELETE FROM case_events WHERE case_id = ?1", [&ids[0]])
        .is_err());
    c.execute_batch("DROP TRIGGER case_events_no_update; DROP TRIGGER case_events_no_delete;")
        .unwrap();

    // Edited: the actor of the acceptance is changed in the stored JSON.
    let json: String = c
        .query_row(
            "SELECT entry_json FROM case_events WHERE case_id = ?1 AND seq = 2",
            [&ids[0]],
            |r| r.get(0),
        )
        .unwrap();
    let forged = json.replace("clerk-wang", "clerk-zhao");
    assert_ne!(forged, json);
    c.execute(
        "UPDATE case_events SET entry_json = ?2 WHERE case_id = ?1 AND seq = 2",
        [&ids[0], &forged],
    )
    .unwrap();
    assert_eq!(
        timeline::verify(c, &ids[0]).unwrap(),
        Err(ChainBreak::Edited { seq: 2 })
    );

    // Deleted from the middle.
    c.execute(
        "DELETE FROM case_events WHERE case_id = ?1 AND seq = 2",
        [&ids[1]],
    )
    .unwrap();
    assert!(matches!(
        timeline::verify(c, &ids[1]).unwrap(),
        Err(ChainBreak::Gap {
            expected: 2,
            found: 3
        })
    ));

    // The last event (the withdrawal) deleted: caught against the head kept on the case.
    c.execute(
        "DELETE FROM case_events WHERE case_id = ?1 AND seq = 3",
        [&ids[2]],
    )
    .unwrap();
    assert_eq!(
        timeline::verify(c, &ids[2]).unwrap(),
        Err(ChainBreak::HeadMismatch)
    );
}
