//! §5.1 and §5.3 over HTTP, on every store: applied, replayed, conflicting replays (409), one bad
//! op rejected alone with a stable code, re-validation through `domain`, and the change-log cursor.

mod common;

use common::*;
use onestop_protocol::*;
use reqwest::{Method, StatusCode};

async fn push_ok(s: &Running, w: &World, ops: Vec<Op>) -> PushResponse {
    let r = push(s, w, ops).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn ingest_replay_conflict_and_rejection() {
    for s in servers().await {
        let w = world(&s).await;
        let applicant_id = uuid::Uuid::now_v7().to_string();
        let a = op(
            &w.device,
            1,
            op_kind::APPLICANT_UPSERT,
            &applicant(&applicant_id),
        );
        let case = accepted_case(&w.device, 0, 1, &applicant_id);
        let c = op(&w.device, 2, op_kind::CASE_SNAPSHOT, &case);
        let first = push_ok(&s, &w, vec![a.clone(), c.clone()]).await;
        assert_eq!(first.acked_seq, 2);
        assert!(
            first
                .results
                .iter()
                .all(|r| r.outcome == OpOutcome::Applied),
            "{first:#?}"
        );

        // The same ops again (a retry after a lost answer): the stored results, nothing twice.
        let again = push_ok(&s, &w, vec![a.clone(), c.clone()]).await;
        assert_eq!(again.acked_seq, 2);
        assert!(again
            .results
            .iter()
            .all(|r| r.outcome == OpOutcome::Replayed));

        // A different op at a used seq: 409, and nothing of that push is kept.
        let mut other = case.clone();
        other.form["school_name"] = serde_json::json!("另一所学校");
        let conflicting = op(&w.device, 2, op_kind::CASE_SNAPSHOT, &other);
        let fresh = op(
            &w.device,
            3,
            op_kind::APPLICANT_UPSERT,
            &applicant(&uuid::Uuid::now_v7().to_string()),
        );
        let r = push(&s, &w, vec![fresh.clone(), conflicting]).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert_eq!(
            r.json::<ApiError>().await.unwrap().code,
            "sync.seq_conflict"
        );

        // One bad op among good ones is rejected alone, with a stable code, and acked.
        let mut bad = applicant(&uuid::Uuid::now_v7().to_string());
        bad.id_number = "110101199003071234".into(); // wrong check digit
        let bad_op = op(&w.device, 4, op_kind::APPLICANT_UPSERT, &bad);
        let case2 = accepted_case(&w.device, 0, 2, &applicant_id);
        let good_op = op(&w.device, 5, op_kind::CASE_SNAPSHOT, &case2);
        let res = push_ok(&s, &w, vec![fresh, bad_op.clone(), good_op]).await;
        assert_eq!(res.acked_seq, 5);
        let outcomes: Vec<_> = res.results.iter().map(|r| r.outcome).collect();
        assert_eq!(
            outcomes,
            [OpOutcome::Applied, OpOutcome::Rejected, OpOutcome::Applied]
        );
        let code = res.results[1].error.as_ref().unwrap().code.clone();
        assert!(code.starts_with("id."), "{code}");
        // Replaying the rejected op gives the same stored rejection.
        let res = push_ok(&s, &w, vec![bad_op]).await;
        assert_eq!(res.results[0].outcome, OpOutcome::Rejected);
        assert_eq!(res.results[0].error.as_ref().unwrap().code, code);

        let stored = s.store.case(&case.case_id).await.unwrap().unwrap();
        assert_eq!(stored.status, "accepted");
        assert_eq!(stored.due_on, case.due_on);
    }
}

#[tokio::test]
async fn the_server_revalidates_every_case() {
    for s in servers().await {
        let w = world(&s).await;
        let applicant_id = uuid::Uuid::now_v7().to_string();
        push_ok(
            &s,
            &w,
            vec![op(
                &w.device,
                1,
                op_kind::APPLICANT_UPSERT,
                &applicant(&applicant_id),
            )],
        )
        .await;
        let mut seq = 1;
        let mut expect = |case: CaseSnapshot, code: &'static str| {
            seq += 1;
            (op(&w.device, seq, op_kind::CASE_SNAPSHOT, &case), code)
        };
        let base = accepted_case(&w.device, 0, 1, &applicant_id);
        let mut bad_form = base.clone();
        bad_form.form["school_name"] = serde_json::json!("");
        let mut bad_number = accepted_case(&w.device, 0, 2, &applicant_id);
        bad_number.acceptance_number.replace_range(
            20..21,
            if bad_number.acceptance_number.ends_with('0') {
                "1"
            } else {
                "0"
            },
        );
        let mut other_terminal = accepted_case(&w.device, 0, 3, &applicant_id);
        other_terminal.acceptance_number = onestop_domain::numbering::AcceptanceNumber::new(
            &onestop_domain::ids::DivisionCode::parse(COUNTY).unwrap(),
            onestop_domain::numbering::TerminalCode::new(w.device.terminal() + 1).unwrap(),
            base.flow.received_on,
            3,
        )
        .unwrap()
        .to_string();
        // Item 3 is promised in 5 working days: inside the published calendar, so not provisional.
        let mut bad_due = accepted_case(&w.device, 3, 4, &applicant_id);
        assert!(!bad_due.due_provisional);
        bad_due.due_on = bad_due.due_on.map(|d| d + chrono::Duration::days(30));
        let mut forged_flow = accepted_case(&w.device, 0, 5, &applicant_id);
        forged_flow.flow.status = onestop_domain::lifecycle::CaseStatus::Approved;
        let mut unknown_applicant = accepted_case(&w.device, 0, 6, &applicant_id);
        unknown_applicant.applicant_id = uuid::Uuid::now_v7().to_string();
        let mut item_changed = accepted_case(&w.device, 0, 7, &applicant_id);
        item_changed.item_hash = "00".repeat(32);
        // An entry of the tamper-evident timeline edited after the window sealed it.
        let mut edited_timeline = accepted_case(&w.device, 0, 8, &applicant_id);
        edited_timeline.timeline[0].actor = "someone-else".into();
        let cases = vec![
            expect(bad_form, "form.invalid"),
            expect(bad_number, "number.bad_check"),
            expect(other_terminal, "case.number_not_yours"),
            expect(bad_due, "case.due_mismatch"),
            expect(forged_flow, "case.flow_mismatch"),
            expect(unknown_applicant, "case.applicant_unknown"),
            expect(item_changed, "case.item_changed"),
            expect(edited_timeline, "case.timeline_broken"),
        ];
        let (ops, codes): (Vec<_>, Vec<_>) = cases.into_iter().unzip();
        let mut bad_hash = op(&w.device, seq + 1, op_kind::CASE_SNAPSHOT, &base);
        bad_hash.sha256 = "ab".repeat(32);
        let mut all = ops;
        all.push(bad_hash);
        let res = push_ok(&s, &w, all).await;
        let got: Vec<_> = res
            .results
            .iter()
            .map(|r| r.error.as_ref().map(|e| e.code.clone()).unwrap_or_default())
            .collect();
        let mut want: Vec<String> = codes.into_iter().map(String::from).collect();
        want.push("op.bad_hash".into());
        assert_eq!(got, want);
        assert_eq!(res.acked_seq, seq + 1);
    }
}

#[tokio::test]
async fn an_op_of_another_device_and_bad_envelopes_are_refused() {
    let s = start_sqlite().await;
    let w = world(&s).await;
    let other = enrol(&s, &w.admin_token, "青山镇窗口").await;
    let a = op(
        &other,
        1,
        op_kind::APPLICANT_UPSERT,
        &applicant(&uuid::Uuid::now_v7().to_string()),
    );
    let r = push(&s, &w, vec![a]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        r.json::<ApiError>().await.unwrap().code,
        "auth.device_mismatch"
    );

    let r = push(&s, &w, vec![]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<ApiError>().await.unwrap().code, "sync.batch_size");

    let r = s
        .send(
            Method::POST,
            "/v1/ops",
            Some(b"{\"ops\": [".to_vec()),
            Some(Signing::now(&w.device)),
            Some(&w.clerk_token),
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<ApiError>().await.unwrap().code, "http.bad_json");
}

#[tokio::test]
async fn an_oversized_body_gets_413_with_a_code() {
    let mut config = test_config();
    config.body_limit = 4 * 1024;
    let s = start_sqlite_with(config).await;
    let w = world(&s).await;
    let big = vec![b' '; 8 * 1024];
    let r = s
        .send(
            Method::POST,
            "/v1/ops",
            Some(big),
            Some(Signing::now(&w.device)),
            Some(&w.clerk_token),
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        r.json::<ApiError>().await.unwrap().code,
        "http.payload_too_large"
    );
}

#[tokio::test]
async fn the_change_log_pages_by_cursor_per_window() {
    for s in servers().await {
        let w = world(&s).await;
        let applicant_id = uuid::Uuid::now_v7().to_string();
        let mut ops = vec![op(
            &w.device,
            1,
            op_kind::APPLICANT_UPSERT,
            &applicant(&applicant_id),
        )];
        for n in 1..=5u16 {
            ops.push(op(
                &w.device,
                u64::from(n) + 1,
                op_kind::CASE_SNAPSHOT,
                &accepted_case(&w.device, 0, n, &applicant_id),
            ));
        }
        push_ok(&s, &w, ops).await;
        let get = |after: u64, limit: u32| {
            let path = format!("/v1/changes?after={after}&limit={limit}");
            let s = &s;
            let w = &w;
            async move {
                s.send(
                    Method::GET,
                    &path,
                    None,
                    Some(Signing::now(&w.device)),
                    Some(&w.clerk_token),
                )
                .await
            }
        };
        // On PostgreSQL a row becomes visible once every older transaction of the cluster has
        // ended (other tests run concurrently), so a poller may have to come back.
        let mut p1: ChangesPage = get(0, 3).await.json().await.unwrap();
        for _ in 0..50 {
            if p1.changes.len() == 3 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            p1 = get(0, 3).await.json().await.unwrap();
        }
        assert_eq!(p1.changes.len(), 3);
        assert!(p1.has_more);
        assert!(p1
            .changes
            .iter()
            .all(|c| c.kind == change_kind::CASE_CONFIRMED));
        let p2: ChangesPage = get(p1.next_cursor, 3).await.json().await.unwrap();
        assert_eq!(p2.changes.len(), 2);
        assert!(!p2.has_more);
        assert!(p2.changes[0].seq > p1.next_cursor);
        let p3: ChangesPage = get(p2.next_cursor, 3).await.json().await.unwrap();
        assert!(p3.changes.is_empty());
        assert_eq!(p3.next_cursor, p2.next_cursor);
        // Another window sees none of them.
        let other = enrol(&s, &w.admin_token, "青山镇窗口").await;
        create_user(
            &s,
            &w.admin_token,
            "clerk2",
            onestop_domain::lifecycle::Role::WindowClerk,
            None,
            Some(&other.enrolled.window_id),
        )
        .await;
        let t2 = s.login("clerk2", PASSWORD, Some(&other)).await.token;
        let r = s
            .send(
                Method::GET,
                "/v1/changes?after=0&limit=10",
                None,
                Some(Signing::now(&other)),
                Some(&t2),
            )
            .await;
        assert!(r.json::<ChangesPage>().await.unwrap().changes.is_empty());
        // A cursor from the future (a restored server) says: resync from zero.
        let r = get(p2.next_cursor + 1000, 3).await;
        assert_eq!(r.status(), StatusCode::GONE);
        assert_eq!(r.json::<ApiError>().await.unwrap().code, "sync.cursor_gone");
    }
}
