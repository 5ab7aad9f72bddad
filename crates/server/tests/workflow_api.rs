//! The approval work over HTTP on every store: 承办 → 审核 → 批准 → 送达 with inboxes, and a
//! 一件事 case fanned out to its departments, concluded when every part is decided. Each action
//! reaches the owning window through the change log.

mod common;

use common::*;
use onestop_domain::lifecycle::{CaseStatus, ReviewStep, Role, Transition};
use onestop_protocol::*;
use reqwest::{Method, StatusCode};

async fn act(
    s: &Running,
    token: &str,
    device: Option<&Device>,
    case_id: &str,
    t: Transition,
    part: Option<&str>,
) -> reqwest::Response {
    s.json(
        Method::POST,
        &format!("/v1/cases/{case_id}/actions"),
        &CaseActionRequest {
            transition: t,
            part: part.map(Into::into),
            expected_version: None,
        },
        device,
        Some(token),
    )
    .await
}

async fn inbox(s: &Running, token: &str, device: Option<&Device>) -> Vec<InboxEntry> {
    let r = s
        .send(
            Method::GET,
            "/v1/inbox",
            None,
            device.map(Signing::now),
            Some(token),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json::<Inbox>().await.unwrap().entries
}

async fn accept_case(s: &Running, w: &World, item_index: usize) -> CaseSnapshot {
    let applicant_id = uuid::Uuid::now_v7().to_string();
    let case = accepted_case(&w.device, item_index, 1, &applicant_id);
    let r = push(
        s,
        w,
        vec![
            op(
                &w.device,
                1,
                op_kind::APPLICANT_UPSERT,
                &applicant(&applicant_id),
            ),
            op(&w.device, 2, op_kind::CASE_SNAPSHOT, &case),
        ],
    )
    .await;
    let res: PushResponse = r.json().await.unwrap();
    assert!(
        res.results.iter().all(|r| r.outcome == OpOutcome::Applied),
        "{res:?}"
    );
    case
}

#[tokio::test]
async fn handle_review_approve_deliver_with_inboxes_and_change_log() {
    for s in servers().await {
        let w = world(&s).await;
        let dept = "示范县教育局";
        for (u, step) in [
            ("handler", ReviewStep::Handle),
            ("reviewer", ReviewStep::Review),
            ("signer", ReviewStep::Approve),
        ] {
            create_user(
                &s,
                &w.admin_token,
                u,
                Role::Approver { steps: vec![step] },
                Some(dept),
                None,
            )
            .await;
        }
        create_user(
            &s,
            &w.admin_token,
            "other",
            Role::Approver {
                steps: vec![ReviewStep::Handle],
            },
            Some("示范县民政局"),
            None,
        )
        .await;
        let t = |u: &'static str| {
            let s = &s;
            async move { s.login(u, PASSWORD, None).await.token }
        };
        let (handler, reviewer, signer, other) = (
            t("handler").await,
            t("reviewer").await,
            t("signer").await,
            t("other").await,
        );
        let case = accept_case(&s, &w, 0).await;

        let mine = inbox(&s, &handler, None).await;
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].case_id, case.case_id);
        assert!(
            inbox(&s, &other, None).await.is_empty(),
            "another department sees nothing"
        );
        assert!(inbox(&s, &reviewer, None).await.is_empty());

        // Out of order: the reviewer cannot act before 承办; another department cannot act at all.
        let r = act(
            &s,
            &reviewer,
            None,
            &case.case_id,
            Transition::Review {
                opinion: "同意".into(),
            },
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = act(
            &s,
            &other,
            None,
            &case.case_id,
            Transition::Handle {
                opinion: "同意".into(),
            },
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);

        for (token, t) in [
            (
                &handler,
                Transition::Handle {
                    opinion: "材料齐全".into(),
                },
            ),
            (
                &reviewer,
                Transition::Review {
                    opinion: "符合条件".into(),
                },
            ),
            (
                &signer,
                Transition::Decide {
                    approve: true,
                    reason: String::new(),
                    legal_basis: String::new(),
                },
            ),
        ] {
            let r = act(&s, token, None, &case.case_id, t, None).await;
            assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
        }
        let clerk_inbox = inbox(&s, &w.clerk_token, Some(&w.device)).await;
        assert_eq!(clerk_inbox.len(), 1);
        assert_eq!(clerk_inbox[0].status, CaseStatus::Approved);
        let r = act(
            &s,
            &w.clerk_token,
            Some(&w.device),
            &case.case_id,
            Transition::Deliver,
            None,
        )
        .await;
        let view: CaseView = r.json().await.unwrap();
        assert_eq!(view.status, CaseStatus::Delivered);
        assert_eq!(view.version, 4);

        let mut page = ChangesPage {
            changes: vec![],
            next_cursor: 0,
            has_more: false,
        };
        for _ in 0..50 {
            page = s
                .send(
                    Method::GET,
                    "/v1/changes?after=0&limit=100",
                    None,
                    Some(Signing::now(&w.device)),
                    Some(&w.clerk_token),
                )
                .await
                .json()
                .await
                .unwrap();
            if page
                .changes
                .iter()
                .filter(|c| c.kind == change_kind::CASE_STATUS)
                .count()
                == 4
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let statuses: Vec<_> = page
            .changes
            .iter()
            .filter(|c| c.kind == change_kind::CASE_STATUS)
            .map(|c| {
                serde_json::from_value::<CaseStatusChanged>(c.payload.clone())
                    .unwrap()
                    .status
            })
            .collect();
        assert_eq!(
            statuses,
            [
                CaseStatus::Handled,
                CaseStatus::Reviewed,
                CaseStatus::Approved,
                CaseStatus::Delivered
            ]
        );

        // A window snapshot arriving after the server acted does not take the status back.
        let again = op(&w.device, 3, op_kind::CASE_SNAPSHOT, &case);
        let res: PushResponse = push(&s, &w, vec![again]).await.json().await.unwrap();
        assert_eq!(res.results[0].outcome, OpOutcome::Applied);
        assert_eq!(
            s.store.case(&case.case_id).await.unwrap().unwrap().status,
            "delivered"
        );
    }
}

#[tokio::test]
async fn a_bundle_fans_out_and_concludes_when_every_part_is_decided() {
    for s in servers().await {
        let w = world(&s).await;
        let bundle = item(15);
        assert!(bundle.is_bundle());
        let case = accept_case(&s, &w, 15).await;
        let r = act(
            &s,
            &w.clerk_token,
            Some(&w.device),
            &case.case_id,
            Transition::Dispatch,
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
        let all = vec![ReviewStep::Handle, ReviewStep::Review, ReviewStep::Approve];
        let mut last = None;
        for (i, part) in bundle.parallel_parts.iter().enumerate() {
            let u = format!("dept{i}");
            create_user(
                &s,
                &w.admin_token,
                &u,
                Role::Approver { steps: all.clone() },
                Some(&part.department),
                None,
            )
            .await;
            let token = s.login(&u, PASSWORD, None).await.token;
            let lines = inbox(&s, &token, None).await;
            assert!(
                lines
                    .iter()
                    .any(|l| l.part.as_deref() == Some(part.impl_code.as_str())),
                "{lines:?}"
            );
            for t in [
                Transition::Handle {
                    opinion: "同意".into(),
                },
                Transition::Review {
                    opinion: "同意".into(),
                },
                Transition::Decide {
                    approve: true,
                    reason: String::new(),
                    legal_basis: String::new(),
                },
            ] {
                let r = act(&s, &token, None, &case.case_id, t, Some(&part.impl_code)).await;
                assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
                last = Some(r.json::<CaseView>().await.unwrap());
            }
            let status = last.as_ref().unwrap().status;
            let done = i + 1 == bundle.parallel_parts.len();
            assert_eq!(
                status == CaseStatus::Concluded,
                done,
                "concluded only after the last part"
            );
        }
    }
}

/// 特别程序 (art. 45) pauses the clock and the one extension (art. 42) needs the leader and a
/// reason; both move the promised date the server confirms to the window.
#[tokio::test]
async fn a_special_procedure_pauses_the_clock_and_the_leader_extends_it_once() {
    for s in servers().await {
        let w = world(&s).await;
        let dept = "示范县教育局";
        create_user(
            &s,
            &w.admin_token,
            "handler",
            Role::Approver {
                steps: vec![ReviewStep::Handle],
            },
            Some(dept),
            None,
        )
        .await;
        create_user(&s, &w.admin_token, "head", Role::Leader, Some(dept), None).await;
        let handler = s.login("handler", PASSWORD, None).await.token;
        let head = s.login("head", PASSWORD, None).await.token;
        let case = accept_case(&s, &w, 0).await;
        let view = |token: String| {
            let s = &s;
            let id = case.case_id.clone();
            async move {
                let r = s
                    .send(
                        Method::GET,
                        &format!("/v1/cases/{id}"),
                        None,
                        None,
                        Some(&token),
                    )
                    .await;
                assert_eq!(r.status(), StatusCode::OK);
                r.json::<CaseView>().await.unwrap()
            }
        };
        let due_before = view(handler.clone()).await.due_on.expect("a promised date");

        let r = act(
            &s,
            &handler,
            None,
            &case.case_id,
            Transition::Suspend {
                procedure: onestop_domain::lifecycle::SpecialProcedure::ExpertReview,
                reason: "组织专家评审".into(),
            },
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
        assert_eq!(view(handler.clone()).await.status, CaseStatus::Suspended);
        let r = act(&s, &handler, None, &case.case_id, Transition::Resume, None).await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

        // An approver may not extend: art. 42 gives that to the head of the agency.
        let extend = || Transition::Extend {
            working_days: 10,
            reason: "案情复杂，需补充核查".into(),
        };
        let r = act(&s, &handler, None, &case.case_id, extend(), None).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            r.json::<ApiError>().await.unwrap().code,
            "case.role_not_permitted"
        );
        let r = act(&s, &head, None, &case.case_id, extend(), None).await;
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
        let due_after = view(handler.clone()).await.due_on.expect("a promised date");
        let cal = onestop_domain::calendar::WorkCalendar::default_cn();
        assert!(
            cal.working_days_between(due_before, due_after).days >= 10,
            "{due_before} → {due_after}: the extension adds its 10 working days"
        );
        // Only once.
        let r = act(&s, &head, None, &case.case_id, extend(), None).await;
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            r.text().await.unwrap()
        );
    }
}

/// A village agent records the hand-over (送达) of its own window's decided cases, and nothing
/// else: not another window's, and no approval step.
#[tokio::test]
async fn a_village_agent_records_delivery_of_its_own_windows_cases_only() {
    for s in servers().await {
        let w = world(&s).await;
        let dept = "示范县教育局";
        let all = vec![ReviewStep::Handle, ReviewStep::Review, ReviewStep::Approve];
        create_user(
            &s,
            &w.admin_token,
            "approver",
            Role::Approver { steps: all },
            Some(dept),
            None,
        )
        .await;
        let own_window = w.device.enrolled.window_id.clone();
        create_user(
            &s,
            &w.admin_token,
            "agent",
            Role::ProxyAgent,
            None,
            Some(&own_window),
        )
        .await;
        let other = enrol(&s, &w.admin_token, "另一个代办点").await;
        create_user(
            &s,
            &w.admin_token,
            "stray",
            Role::ProxyAgent,
            None,
            Some(&other.enrolled.window_id),
        )
        .await;
        let approver = s.login("approver", PASSWORD, None).await.token;
        let agent = s.login("agent", PASSWORD, Some(&w.device)).await.token;
        let stray = s.login("stray", PASSWORD, Some(&other)).await.token;
        let case = accept_case(&s, &w, 0).await;

        // Not decided yet: the state machine refuses 送达; an agent never takes an approval step.
        let r = act(
            &s,
            &agent,
            Some(&w.device),
            &case.case_id,
            Transition::Deliver,
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let r = act(
            &s,
            &agent,
            Some(&w.device),
            &case.case_id,
            Transition::Handle {
                opinion: "同意".into(),
            },
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        for t in [
            Transition::Handle {
                opinion: "同意".into(),
            },
            Transition::Review {
                opinion: "同意".into(),
            },
            Transition::Decide {
                approve: true,
                reason: String::new(),
                legal_basis: String::new(),
            },
        ] {
            let r = act(&s, &approver, None, &case.case_id, t, None).await;
            assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
        }
        let r = act(
            &s,
            &stray,
            Some(&other),
            &case.case_id,
            Transition::Deliver,
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        let e: ApiError = r.json().await.unwrap();
        assert_eq!(e.code, "case.other_window");

        let r = act(
            &s,
            &agent,
            Some(&w.device),
            &case.case_id,
            Transition::Deliver,
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
        let view: CaseView = r.json().await.unwrap();
        assert_eq!(view.status, CaseStatus::Delivered);
    }
}

#[tokio::test]
async fn a_forwarded_case_is_decided_by_the_window_its_village_reports_to() {
    for s in servers().await {
        let w = world(&s).await;
        let village = enrol_at(
            &s,
            &w.admin_token,
            "桃源村代办点",
            WindowLevel::Village,
            Some(&w.device.enrolled.window_id),
        )
        .await;
        let other = enrol(&s, &w.admin_token, "另一窗口").await;
        let agent = user_at(&s, &w.admin_token, "agent", Role::ProxyAgent, &village).await;
        let stray = user_at(&s, &w.admin_token, "stray", Role::WindowClerk, &other).await;

        // The agent receives a 临时救助 application and the village PC syncs it: forwarded.
        let applicant_id = uuid::Uuid::now_v7().to_string();
        let case = received_case(&village, 9, 1, &applicant_id, &Role::ProxyAgent);
        let r = s
            .json(
                Method::POST,
                "/v1/ops",
                &PushRequest {
                    ops: vec![
                        op(
                            &village,
                            1,
                            op_kind::APPLICANT_UPSERT,
                            &applicant(&applicant_id),
                        ),
                        op(&village, 2, op_kind::CASE_SNAPSHOT, &case),
                    ],
                },
                Some(&village),
                Some(&agent),
            )
            .await;
        let res: PushResponse = r.json().await.unwrap();
        assert!(
            res.results.iter().all(|r| r.outcome == OpOutcome::Applied),
            "{res:?}"
        );

        // The parent window's clerk sees it waiting; a window it was not forwarded to does not.
        let waiting = inbox(&s, &w.clerk_token, Some(&w.device)).await;
        let entry = waiting
            .iter()
            .find(|e| e.case_id == case.case_id)
            .expect("the forwarded case in the parent window's inbox");
        assert_eq!(entry.status, CaseStatus::Received);
        assert_eq!(
            entry.applicant_name.as_deref(),
            Some("张三"),
            "the clerk matches the agent's papers by the name"
        );
        assert!(inbox(&s, &stray, Some(&other))
            .await
            .iter()
            .all(|e| e.case_id != case.case_id));

        // Only the parent window decides, and only 受理 or 不予受理; the agent never decides.
        let r = act(
            &s,
            &stray,
            Some(&other),
            &case.case_id,
            Transition::Accept,
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            r.json::<ApiError>().await.unwrap().code,
            "case.other_window"
        );
        let r = act(
            &s,
            &w.clerk_token,
            Some(&w.device),
            &case.case_id,
            Transition::Handle {
                opinion: "同意".into(),
            },
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "a clerk never handles");
        let r = act(
            &s,
            &agent,
            Some(&village),
            &case.case_id,
            Transition::Accept,
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

        let r = act(
            &s,
            &w.clerk_token,
            Some(&w.device),
            &case.case_id,
            Transition::Accept,
            None,
        )
        .await;
        assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
        let view: CaseView = r.json().await.unwrap();
        assert_eq!(view.status, CaseStatus::Accepted);
        assert_eq!(
            view.window_id, village.enrolled.window_id,
            "still the village's case"
        );
        let item = item(9);
        let expected_due = onestop_domain::supervision::case_deadline(
            &view.flow,
            item.promised_limit_working_days,
            &onestop_domain::calendar::WorkCalendar::default_cn(),
            onestop_server::today_cn(chrono::Utc::now()),
            item.warning,
        )
        .map(|d| d.due);
        assert!(expected_due.is_some());
        assert_eq!(
            view.due_on, expected_due,
            "the deadline runs from the acceptance"
        );
        assert!(inbox(&s, &w.clerk_token, Some(&w.device))
            .await
            .iter()
            .all(|e| e.case_id != case.case_id));

        // The decision reaches the village window through its change log.
        let mut accepted = None;
        for _ in 0..50 {
            let page: ChangesPage = s
                .send(
                    Method::GET,
                    "/v1/changes?after=0&limit=100",
                    None,
                    Some(Signing::now(&village)),
                    Some(&agent),
                )
                .await
                .json()
                .await
                .unwrap();
            accepted = page
                .changes
                .into_iter()
                .find(|c| c.kind == change_kind::CASE_STATUS && c.payload["status"] == "accepted");
            if accepted.is_some() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let change = accepted.expect("case.status accepted for the village window");
        assert_eq!(change.case_id, case.case_id);
    }
}
