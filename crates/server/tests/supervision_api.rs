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
