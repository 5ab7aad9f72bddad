//! The citizen status page `/q/{number}` on every store: the status only after the right ID tail,
//! one answer for an unknown number and a wrong tail, the voucher signature checked with the
//! window's key against a `voucher.printed` timeline entry, and a per-IP rate limit.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Utc;
use common::*;
use ed25519_dalek::Signer;
use onestop_protocol::voucher_signature::{message, VOUCHER_PRINTED};
use onestop_protocol::*;
use reqwest::{Method, StatusCode};

async fn page(s: &Running, path: &str) -> (StatusCode, String) {
    let r = s.send(Method::GET, path, None, None, None).await;
    let st = r.status();
    (st, r.text().await.unwrap())
}

/// Pushes an accepted case whose timeline records a signed print; returns (number, signature).
async fn printed_case(s: &Running, w: &World) -> (String, String) {
    let applicant_id = uuid::Uuid::now_v7().to_string();
    let mut case = accepted_case(&w.device, 0, 1, &applicant_id);
    let hash = [7u8; 32];
    let sig = URL_SAFE_NO_PAD.encode(
        w.device
            .key
            .sign(&message(&case.acceptance_number, &hash))
            .to_bytes(),
    );
    let prev = case.timeline.last().unwrap().hash.clone();
    case.timeline.push(TimelineEntry {
        seq: case.timeline.len() as u32 + 1,
        at: Utc::now(),
        actor: "clerk".into(),
        kind: VOUCHER_PRINTED.into(),
        event: None,
        data: serde_json::to_value(VoucherPrinted {
            kind: "acceptance_notice".into(),
            content_hash: hex::encode(hash),
            signature: sig.clone(),
            reprint_count: 0,
        })
        .unwrap(),
        prev_hash: prev,
        hash: String::new(),
    });
    common::seal_timeline(&mut case);
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
    let resp: PushResponse = r.json().await.unwrap();
    assert!(
        resp.results.iter().all(|r| r.outcome == OpOutcome::Applied),
        "{resp:?}"
    );
    (case.acceptance_number, sig)
}

#[tokio::test]
async fn the_status_shows_only_with_the_right_id_tail_and_checks_the_voucher_signature() {
    for s in servers().await {
        let w = world(&s).await;
        let (number, sig) = printed_case(&s, &w).await;
        let tail = &ID_NUMBER[ID_NUMBER.len() - 4..];

        let (st, form) = page(&s, &format!("/q/{number}?s={sig}")).await;
        assert_eq!(st, StatusCode::OK);
        assert!(form.contains("后 4 位") && form.contains(&sig), "{form}");
        assert!(
            !form.contains("已受理"),
            "nothing about the case before the tail"
        );

        let (st, ok) = page(&s, &format!("/q/{number}?id_tail={tail}&s={sig}")).await;
        assert_eq!(st, StatusCode::OK);
        assert!(ok.contains("已受理"), "{ok}");
        assert!(ok.contains("有效（"), "{ok}");
        assert!(ok.contains("承诺办结日期"), "{ok}");

        // A signature for other content, or garbage: 无效.
        let forged =
            URL_SAFE_NO_PAD.encode(w.device.key.sign(&message(&number, &[8u8; 32])).to_bytes());
        let (_, bad) = page(&s, &format!("/q/{number}?id_tail={tail}&s={forged}")).await;
        assert!(
            bad.contains("无效（") && !bad.contains("有效（凭证由"),
            "{bad}"
        );
        let (_, junk) = page(&s, &format!("/q/{number}?id_tail={tail}&s=abc")).await;
        assert!(junk.contains("无效（"));

        // A wrong tail and an unknown number get the same page (the typed number aside).
        let (st1, wrong) = page(&s, &format!("/q/{number}?id_tail=0000")).await;
        let other = "990101-0099-260101-0001-0";
        let (st2, unknown) = page(&s, &format!("/q/{other}?id_tail={tail}")).await;
        assert_eq!((st1, st2), (StatusCode::OK, StatusCode::OK));
        assert_eq!(wrong.replace(&number, "N"), unknown.replace(other, "N"));
        assert!(!wrong.contains("已受理"));
    }
}

#[tokio::test]
async fn lookups_are_rate_limited_per_address() {
    let mut config = test_config();
    config.citizen_burst = 3;
    config.citizen_rate_per_minute = 1;
    let s = start_sqlite_with(config).await;
    for _ in 0..3 {
        assert_eq!(page(&s, "/q/x?id_tail=1234").await.0, StatusCode::OK);
    }
    let r = s
        .send(Method::GET, "/q/x?id_tail=1234", None, None, None)
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert!(r.text().await.unwrap().contains("查询过于频繁"));
}

/// Sends one lookup with these `X-Forwarded-For` lines; returns the status.
async fn lookup_via(s: &Running, forwarded: &[&str]) -> StatusCode {
    let mut req = s.http.get(format!("{}/q/x?id_tail=1234", s.url));
    for f in forwarded {
        req = req.header("x-forwarded-for", *f);
    }
    req.send().await.unwrap().status()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_citizen_has_their_own_bucket() {
    let mut config = test_config();
    config.citizen_burst = 2;
    config.citizen_rate_per_minute = 1;
    config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    let s = start_sqlite_with(config).await;
    // The test client is the proxy (127.0.0.1); the citizens are in X-Forwarded-For.
    for _ in 0..2 {
        assert_eq!(lookup_via(&s, &["203.0.113.1"]).await, StatusCode::OK);
    }
    assert_eq!(
        lookup_via(&s, &["203.0.113.1"]).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another citizen behind the same proxy is not held back by the first one.
    assert_eq!(lookup_via(&s, &["203.0.113.2"]).await, StatusCode::OK);
    // Forging a left-most entry does not buy a fresh bucket: the proxy's own entry counts.
    assert_eq!(
        lookup_via(&s, &["198.51.100.77, 203.0.113.1"]).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        lookup_via(&s, &["198.51.100.77", "203.0.113.1"]).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the same list over two header lines"
    );
}

#[tokio::test]
async fn without_trusted_proxies_x_forwarded_for_is_ignored() {
    let mut config = test_config();
    config.citizen_burst = 2;
    config.citizen_rate_per_minute = 1;
    let s = start_sqlite_with(config).await;
    assert_eq!(lookup_via(&s, &["203.0.113.1"]).await, StatusCode::OK);
    assert_eq!(lookup_via(&s, &["203.0.113.2"]).await, StatusCode::OK);
    // A guesser cannot mint addresses: every request is keyed on the peer, 127.0.0.1.
    assert_eq!(
        lookup_via(&s, &["203.0.113.3"]).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
