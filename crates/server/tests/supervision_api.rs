//! 电子监察 over HTTP, on every store: counts, cards and the period filter of
//! `/v1/supervision/overview`, computed by `domain` from the cases the windows pushed.

mod common;

use chrono::{Duration, Utc};
use common::*;
use onestop_domain::lifecycle::Role;
use onestop_protocol::*;
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn overview_counts_cards_per_window_department_and_level_in_a_period() {
    for s in servers().await {
        let w = world(&s).await;
        let today = onestop_server::today_cn(Utc::now());
        let long_ago = today - Duration::days(60);
        let applicant_id = uuid::Uuid::now_v7().to_string();
        let fresh = accepted_case(&w.device, 0, 1, &applicant_id);
        let old = accepted_case_on(&w.device, 0, 2, &applicant_id, long_ago);
        let r = push(
            &s,
            &w,
            vec![
                op(
                    &w.device,
                    1,
                    op_kind::APPLICANT_UPSERT,
                    &applicant(&applicant_id),
                ),
                op(&w.device, 2, op_kind::CASE_SNAPSHOT, &fresh),
                op(&w.device, 3, op_kind::CASE_SNAPSHOT, &old),
            ],
        )
        .await;
        let resp: PushResponse = r.json().await.unwrap();
        assert!(
            resp.results.iter().all(|r| r.outcome == OpOutcome::Applied),
            "{resp:?}"
        );
        create_user(
            &s,
            &w.admin_token,
            "supervisor",
            Role::Supervisor,
            None,
            None,
        )
        .await;
        let token = s.login("supervisor", PASSWORD, None).await.token;

        let get = |q: String| {
            let (s, token) = (&s, token.clone());
            async move {
                s.send(
                    Method::GET,
                    &format!("/v1/supervision/overview{q}"),
                    None,
                    None,
                    Some(&token),
                )
                .await
            }
        };
        let r = get(format!("?from={}&to={today}", today - Duration::days(90))).await;
        assert_eq!(r.status(), StatusCode::OK);
        let o: SupervisionOverview = r.json().await.unwrap();
        assert_eq!(o.totals.received, 2);
        assert_eq!(o.totals.accepted, 2);
        assert_eq!(o.totals.completed, 0);
        assert_eq!(o.totals.overdue, 1, "{o:#?}");
        assert_eq!(o.totals.on_time_rate, None);
        assert_eq!(o.by_window.len(), 1);
        assert_eq!(o.by_window[0].key, w.device.enrolled.window_id);
        assert_eq!(o.by_window[0].counts.received, 2);
        assert_eq!(o.by_department.len(), 1);
        assert_eq!(o.by_level.len(), 1);
        let red: Vec<_> = o.flagged.iter().filter(|f| f.state == "red").collect();
        assert_eq!(red.len(), 1);
        assert_eq!(red[0].case_id, old.case_id);
        assert!(red[0].days_left < 0);
        assert!(
            o.violations.is_empty(),
            "the state machine made these timelines"
        );

        // Only the last ten days: the old case is out of the period.
        let r = get(format!("?from={}&to={today}", today - Duration::days(10))).await;
        let o: SupervisionOverview = r.json().await.unwrap();
        assert_eq!((o.totals.received, o.totals.overdue), (1, 0));

        let r = get(format!("?from={today}&to={}", today - Duration::days(1))).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            r.json::<ApiError>().await.unwrap().code,
            "supervision.bad_range"
        );
    }
}

/// Process rules judge the whole history of a case: the window's timeline *and* the steps taken
/// on the server. A clean 承办 → 审核 → 批准 run on the server raises nothing (the window's
/// acceptance comes first), while a refusal recorded on the server without 审核 and without
/// reasons (as an import from a provincial system or an older server would leave it) is reported;
/// judging the window's timeline alone saw neither.
#[tokio::test]
async fn violations_include_the_steps_taken_on_the_server() {
    use onestop_domain::lifecycle::{CaseFlow, CaseStatus, ReviewStep, Transition};
    use onestop_server::store::CaseUpdate;
    for s in servers().await {
        let w = world(&s).await;
        let applicant_id = uuid::Uuid::now_v7().to_string();
        let clean = accepted_case(&w.device, 0, 1, &applicant_id);
        let imported = accepted_case(&w.device, 0, 2, &applicant_id);
        let r = push(
            &s,
            &w,
            vec![
                op(
                    &w.device,
                    1,
                    op_kind::APPLICANT_UPSERT,
                    &applicant(&applicant_id),
                ),
                op(&w.device, 2, op_kind::CASE_SNAPSHOT, &clean),
                op(&w.device, 3, op_kind::CASE_SNAPSHOT, &imported),
            ],
        )
        .await;
        let resp: PushResponse = r.json().await.unwrap();
        assert!(
            resp.results.iter().all(|r| r.outcome == OpOutcome::Applied),
            "{resp:?}"
        );
        let dept = item(0).department.clone();
        create_user(
            &s,
            &w.admin_token,
            "approver",
            Role::Approver {
                steps: vec![ReviewStep::Handle, ReviewStep::Review, ReviewStep::Approve],
            },
            Some(&dept),
            None,
        )
        .await;
        create_user(
            &s,
            &w.admin_token,
            "supervisor",
            Role::Supervisor,
            None,
            None,
        )
        .await;
        let approver = s.login("approver", PASSWORD, None).await.token;
        let supervisor = s.login("supervisor", PASSWORD, None).await.token;
        for t in [
            Transition::Handle {
                opinion: "材料齐全，拟同意".into(),
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
            let r = s
                .json(
                    Method::POST,
                    &format!("/v1/cases/{}/actions", clean.case_id),
                    &CaseActionRequest {
                        transition: t,
                        part: None,
                        expected_version: None,
                    },
                    None,
                    Some(&approver),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
        }

        // The refusal on record for the second case: 承办, then 批准 denied with no reason.
        let stored = s.store.case(&imported.case_id).await.unwrap().unwrap();
        let flow: CaseFlow = serde_json::from_str(&stored.flow_json).unwrap();
        let on = flow.last_action_on;
        let event = |transition, to| onestop_domain::lifecycle::CaseEvent {
            on,
            role: Role::Approver {
                steps: vec![ReviewStep::Handle, ReviewStep::Approve],
            },
            part: None,
            transition,
            from: None,
            to,
        };
        let events = vec![
            event(
                Transition::Handle {
                    opinion: "拟不予许可".into(),
                },
                CaseStatus::Handled,
            ),
            event(
                Transition::Decide {
                    approve: false,
                    reason: " ".into(),
                    legal_basis: String::new(),
                },
                CaseStatus::Denied,
            ),
        ];
        let payload = CaseStatusChanged {
            status: CaseStatus::Denied,
            flow: flow.clone(),
            events,
            actor: "省级系统导入".into(),
            actor_name: None,
            actor_window: None,
            due_on: stored.due_on,
            due_provisional: stored.due_provisional,
            version: 1,
        };
        let updated = s
            .store
            .update_case(&CaseUpdate {
                case_id: stored.case_id.clone(),
                expected_version: 0,
                status: stored.status.clone(),
                flow_json: stored.flow_json.clone(),
                parts: vec![],
                due_on: stored.due_on,
                due_provisional: stored.due_provisional,
                change_kind: change_kind::CASE_STATUS.into(),
                change_payload: serde_json::to_value(&payload).unwrap(),
            })
            .await
            .unwrap();
        assert_eq!(updated, Some(1));

        let today = onestop_server::today_cn(Utc::now());
        let r = s
            .send(
                Method::GET,
                &format!(
                    "/v1/supervision/overview?from={}&to={today}",
                    today - Duration::days(5)
                ),
                None,
                None,
                Some(&supervisor),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let o: SupervisionOverview = r.json().await.unwrap();
        assert_eq!(
            o.totals.completed, 1,
            "the clean case was decided on the server"
        );
        assert!(
            o.violations.iter().all(|v| v.case_id == imported.case_id),
            "the clean server steps follow the window's acceptance: {:#?}",
            o.violations
        );
        let mut codes: Vec<_> = o.violations.iter().map(|v| v.code.as_str()).collect();
        codes.sort_unstable();
        assert_eq!(
            codes,
            [
                "supervision.refusal_without_reason",
                "supervision.step_skipped"
            ],
            "{:#?}",
            o.violations
        );
    }
}
