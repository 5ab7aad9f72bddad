//! Request compression (docs/protocol.md "Request compression"): a gzip `POST /v1/ops` is
//! accepted on every store, the signature covers the compressed bytes on the wire, a body that
//! inflates past `body_limit` is 413 `http.decompressed_too_large`, and other encodings are 415.

mod common;

use std::io::Write;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::*;
use ed25519_dalek::Signer;
use flate2::write::GzEncoder;
use flate2::Compression;
use onestop_protocol::*;
use reqwest::StatusCode;

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// `POST /v1/ops` with `wire` as the body and `encoding` as `Content-Encoding`, signed over
/// `signed` (tests pass the wire bytes, or the inflated ones to prove those are refused).
async fn post_ops(
    s: &Running,
    w: &World,
    wire: Vec<u8>,
    signed: &[u8],
    encoding: &str,
) -> reqwest::Response {
    let sign = Signing::now(&w.device);
    let text = signing::signing_string(
        "POST",
        "/v1/ops",
        sign.timestamp,
        &sign.nonce,
        &signing::body_sha256(signed),
    );
    let sig = STANDARD.encode(w.device.key.sign(text.as_bytes()).to_bytes());
    s.http
        .post(format!("{}/v1/ops", s.url))
        .header(signing::HEADER_DEVICE, w.device.id())
        .header(signing::HEADER_TIMESTAMP, sign.timestamp.to_string())
        .header(signing::HEADER_NONCE, sign.nonce)
        .header(signing::HEADER_SIGNATURE, sig)
        .header("content-type", "application/json")
        .header("content-encoding", encoding)
        .bearer_auth(&w.clerk_token)
        .body(wire)
        .send()
        .await
        .unwrap()
}

fn one_push(w: &World, seq: u64) -> Vec<u8> {
    let applicant_id = uuid::Uuid::now_v7().to_string();
    let case = accepted_case(&w.device, 0, seq as u16, &applicant_id);
    let ops = vec![
        op(
            &w.device,
            seq,
            op_kind::APPLICANT_UPSERT,
            &applicant(&applicant_id),
        ),
        op(&w.device, seq + 1, op_kind::CASE_SNAPSHOT, &case),
    ];
    serde_json::to_vec(&PushRequest { ops }).unwrap()
}

#[tokio::test]
async fn a_gzip_push_is_ingested_and_signed_over_the_wire_bytes() {
    for s in servers().await {
        let w = world(&s).await;
        let json = one_push(&w, 1);
        let wire = gzip(&json);
        assert!(
            wire.len() < json.len(),
            "the test body should really shrink"
        );

        // Signed over the inflated JSON: the server hashes what came over the wire, so no.
        let r = post_ops(&s, &w, wire.clone(), &json, "gzip").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            r.json::<ApiError>().await.unwrap().code,
            "auth.bad_signature"
        );

        // Signed over the gzip bytes as sent: applied, exactly like the plain push.
        let r = post_ops(&s, &w, wire.clone(), &wire, "gzip").await;
        assert_eq!(r.status(), StatusCode::OK);
        let res: PushResponse = r.json().await.unwrap();
        assert_eq!(res.acked_seq, 2);
        assert!(
            res.results.iter().all(|r| r.outcome == OpOutcome::Applied),
            "{res:#?}"
        );

        // The same ops again, compressed: the stored results (replay is unaffected).
        let r = post_ops(&s, &w, wire.clone(), &wire, "gzip").await;
        let res: PushResponse = r.json().await.unwrap();
        assert!(res.results.iter().all(|r| r.outcome == OpOutcome::Replayed));

        // Plain JSON still works next to it.
        let plain = one_push(&w, 3);
        let r = post_ops(&s, &w, plain.clone(), &plain, "identity").await;
        assert_eq!(r.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_zip_bomb_is_refused_at_the_limit_not_inflated() {
    let mut config = test_config();
    config.body_limit = 64 * 1024;
    let s = start_sqlite_with(config).await;
    let w = world(&s).await;
    // 32 MiB of zeros is about 32 KiB of gzip: under the limit on the wire, 512 times over it
    // once inflated.
    let bomb = gzip(&vec![0u8; 32 * 1024 * 1024]);
    assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
    let r = post_ops(&s, &w, bomb.clone(), &bomb, "gzip").await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let e: ApiError = r.json().await.unwrap();
    assert_eq!(e.code, "http.decompressed_too_large");
    assert_eq!(e.details["limit_bytes"], 64 * 1024);

    // A compressed body that is not gzip at all is a plain 400, not a 5xx.
    let junk = b"definitely not gzip".to_vec();
    let r = post_ops(&s, &w, junk.clone(), &junk, "gzip").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.json::<ApiError>().await.unwrap().code, "http.bad_json");

    // Encodings other than gzip are named, not guessed at.
    let json = one_push(&w, 1);
    let r = post_ops(&s, &w, json.clone(), &json, "br").await;
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        r.json::<ApiError>().await.unwrap().code,
        "http.unsupported_encoding"
    );
}
