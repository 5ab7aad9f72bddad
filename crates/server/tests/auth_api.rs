//! Enrolment, signed requests (forged, stale, replayed), device-bound sessions and the role
//! matrix over every endpoint.

mod common;

use base64::Engine;
use common::*;
use onestop_domain::lifecycle::{ReviewStep, Role};
use onestop_protocol::*;
use reqwest::{Method, StatusCode};

async fn code_of(r: reqwest::Response) -> (StatusCode, String) {
    let status = r.status();
    let e: ApiError = r.json().await.unwrap();
    (status, e.code)
}

#[tokio::test]
async fn enrolment_gives_unique_terminal_codes_and_codes_are_one_time() {
    for s in servers().await {
        create_admin(&s, "admin", COUNTY).await;
        let admin = s.login("admin", ADMIN_PASSWORD, None).await.token;
        let a = enrol(&s, &admin, "一号窗口").await;
        let b = enrol(&s, &admin, "二号窗口").await;
        assert_eq!(a.enrolled.county_code, COUNTY);
        assert_eq!(a.enrolled.terminal_code.len(), 4);
        assert_ne!(a.enrolled.terminal_code, b.enrolled.terminal_code);
        assert_ne!(a.id(), b.id());

        let r = s
            .json(
                Method::POST,
                "/v1/admin/enrolment-codes",
                &EnrolmentCodeRequest {
                    county_code: COUNTY.into(),
                    level: onestop_domain::catalogue::WindowLevel::Village,
                    window_name: "村窗口".into(),
                    parent_window_id: Some(a.enrolled.window_id.clone()),
                },
                None,
                Some(&admin),
            )
            .await;
        let code: EnrolmentCode = r.json().await.unwrap();
        let key = new_key();
        let req = EnrollRequest {
            code: code.code.to_lowercase(),
            public_key: base64::engine::general_purpose::STANDARD
                .encode(key.verifying_key().as_bytes()),
        };
        let r = s.json(Method::POST, "/v1/enroll", &req, None, None).await;
        assert_eq!(
            r.status(),
            StatusCode::CREATED,
            "codes are case-insensitive"
        );
        let r = s.json(Method::POST, "/v1/enroll", &req, None, None).await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::CONFLICT, "enrol.code_used".into())
        );
        let r = s
            .json(
                Method::POST,
                "/v1/enroll",
                &EnrollRequest {
                    code: "AAAA-BBBB".into(),
                    public_key: req.public_key.clone(),
                },
                None,
                None,
            )
            .await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::FORBIDDEN, "enrol.unknown_code".into())
        );
        let r = s
            .json(
                Method::POST,
                "/v1/enroll",
                &EnrollRequest {
                    code: "x".into(),
                    public_key: "bm90IGEga2V5".into(),
                },
                None,
                None,
            )
            .await;
        assert_eq!(code_of(r).await.1, "enrol.bad_public_key");
    }
}

#[tokio::test]
async fn forged_stale_and_replayed_signatures_are_refused() {
    for s in servers().await {
        let w = world(&s).await;
        let path = "/v1/changes?after=0&limit=10";
        let ok = s
            .send(
                Method::GET,
                path,
                None,
                Some(Signing::now(&w.device)),
                Some(&w.clerk_token),
            )
            .await;
        assert_eq!(ok.status(), StatusCode::OK);

        // Signed by another key.
        let mut forger = w.device.clone();
        forger.key = new_key();
        let r = s
            .send(
                Method::GET,
                path,
                None,
                Some(Signing::now(&forger)),
                Some(&w.clerk_token),
            )
            .await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::UNAUTHORIZED, "auth.bad_signature".into())
        );

        // Timestamp six minutes off, either way.
        for off in [-360, 360] {
            let mut sg = Signing::now(&w.device);
            sg.timestamp += off;
            let r = s
                .send(Method::GET, path, None, Some(sg), Some(&w.clerk_token))
                .await;
            assert_eq!(
                code_of(r).await,
                (StatusCode::UNAUTHORIZED, "auth.stale_timestamp".into())
            );
        }

        // The same nonce twice: the second is a replay.
        let n = nonce();
        let first = Signing {
            device: &w.device,
            timestamp: chrono::Utc::now().timestamp(),
            nonce: n.clone(),
        };
        let ts = first.timestamp;
        assert_eq!(
            s.send(Method::GET, path, None, Some(first), Some(&w.clerk_token))
                .await
                .status(),
            StatusCode::OK
        );
        let again = Signing {
            device: &w.device,
            timestamp: ts,
            nonce: n,
        };
        let r = s
            .send(Method::GET, path, None, Some(again), Some(&w.clerk_token))
            .await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::UNAUTHORIZED, "auth.nonce_reused".into())
        );

        // A body changed after signing breaks the signature.
        let body = serde_json::to_vec(&PushRequest { ops: vec![] }).unwrap();
        let sg = Signing::now(&w.device);
        let text = signing::signing_string(
            "POST",
            "/v1/ops",
            sg.timestamp,
            &sg.nonce,
            &signing::body_sha256(&body),
        );
        use ed25519_dalek::Signer;
        let sig = base64::engine::general_purpose::STANDARD
            .encode(w.device.key.sign(text.as_bytes()).to_bytes());
        let r = s
            .http
            .post(format!("{}/v1/ops", s.url))
            .header(signing::HEADER_DEVICE, w.device.id())
            .header(signing::HEADER_TIMESTAMP, sg.timestamp.to_string())
            .header(signing::HEADER_NONCE, &sg.nonce)
            .header(signing::HEADER_SIGNATURE, sig)
            .bearer_auth(&w.clerk_token)
            .header("content-type", "application/json")
            .body(b"{\"ops\":[{}]}".to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(
            code_of(r).await,
            (StatusCode::UNAUTHORIZED, "auth.bad_signature".into())
        );

        // The clerk's session is bound to the device: unsigned, it does not work.
        let r = s
            .send(Method::GET, "/v1/auth/me", None, None, Some(&w.clerk_token))
            .await;
        assert_eq!(
            code_of(r).await,
            (
                StatusCode::UNAUTHORIZED,
                "auth.session_device_mismatch".into()
            )
        );
        // A clerk cannot sign in without a window PC.
        let r = s
            .json(
                Method::POST,
                "/v1/auth/login",
                &LoginRequest {
                    username: "clerk".into(),
                    password: PASSWORD.into(),
                },
                None,
                None,
            )
            .await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::FORBIDDEN, "auth.device_required".into())
        );
        let r = s
            .json(
                Method::POST,
                "/v1/auth/login",
                &LoginRequest {
                    username: "clerk".into(),
                    password: "wrong-password".into(),
                },
                Some(&w.device),
                None,
            )
            .await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::UNAUTHORIZED, "auth.bad_credentials".into())
        );
        // Logout ends the session.
        let r = s
            .send(
                Method::POST,
                "/v1/auth/logout",
                None,
                Some(Signing::now(&w.device)),
                Some(&w.clerk_token),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        let r = s
            .send(
                Method::GET,
                path,
                None,
                Some(Signing::now(&w.device)),
                Some(&w.clerk_token),
            )
            .await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::UNAUTHORIZED, "auth.session_invalid".into())
        );
    }
}

#[tokio::test]
async fn login_returns_an_argon2id_verifier_for_offline_login() {
    let s = start_sqlite().await;
    let w = world(&s).await;
    let login = s.login("clerk", PASSWORD, Some(&w.device)).await;
    assert_eq!(login.verifier.algorithm, "argon2id");
    assert!(login.verifier.phc.starts_with("$argon2id$"));
    assert!(onestop_server::auth::verify_password(
        PASSWORD,
        &login.verifier.phc
    ));
    assert_eq!(login.device_id.as_deref(), Some(w.device.id()));
}

/// Every endpoint × every role: who gets through the authorisation check (anything but 401/403)
/// and who is refused.
#[tokio::test]
async fn role_matrix_covers_every_endpoint() {
    let s = start_sqlite().await;
    let w = world(&s).await;
    let dept = "示范县教育局";
    create_user(
        &s,
        &w.admin_token,
        "approver",
        Role::Approver {
            steps: vec![ReviewStep::Handle],
        },
        Some(dept),
        None,
    )
    .await;
    create_user(&s, &w.admin_token, "leader", Role::Leader, Some(dept), None).await;
    create_user(
        &s,
        &w.admin_token,
        "supervisor",
        Role::Supervisor,
        None,
        None,
    )
    .await;
    create_user(
        &s,
        &w.admin_token,
        "agent",
        Role::ProxyAgent,
        None,
        Some(&w.device.enrolled.window_id),
    )
    .await;
    let mut tokens = vec![
        ("admin", w.admin_token.clone(), false),
        ("clerk", w.clerk_token.clone(), true),
    ];
    for (u, signed) in [
        ("approver", false),
        ("leader", false),
        ("supervisor", false),
        ("agent", true),
    ] {
        let dev = signed.then_some(&w.device);
        tokens.push((u, s.login(u, PASSWORD, dev).await.token, signed));
    }
    let case_path = format!("/v1/cases/{}", uuid::Uuid::now_v7());
    let action_path = format!("{case_path}/actions");
    // (method, path, body, roles allowed)
    let endpoints: Vec<(Method, String, serde_json::Value, &[&str])> = vec![
        (
            Method::POST,
            "/v1/admin/enrolment-codes".into(),
            serde_json::json!({"county_code": COUNTY, "level": "county", "window_name": "x", "parent_window_id": null}),
            &["admin"],
        ),
        (
            Method::POST,
            "/v1/admin/users".into(),
            serde_json::json!({"username": "", "display_name": "", "password": "", "role": {"role": "supervisor"}, "county_code": COUNTY, "department": null, "window_id": null}),
            &["admin"],
        ),
        (
            Method::PUT,
            "/v1/admin/catalogue".into(),
            serde_json::json!({"format": 1}),
            &["admin"],
        ),
        (
            Method::GET,
            "/v1/users".into(),
            serde_json::Value::Null,
            &[
                "admin",
                "clerk",
                "approver",
                "leader",
                "supervisor",
                "agent",
            ],
        ),
        (
            Method::GET,
            "/v1/windows".into(),
            serde_json::Value::Null,
            &[
                "admin",
                "clerk",
                "approver",
                "leader",
                "supervisor",
                "agent",
            ],
        ),
        (
            Method::POST,
            "/v1/ops".into(),
            serde_json::json!({"ops": []}),
            &["clerk", "agent"],
        ),
        (
            Method::GET,
            "/v1/changes?after=0&limit=1".into(),
            serde_json::Value::Null,
            &["clerk", "agent"],
        ),
        (
            Method::GET,
            "/v1/inbox".into(),
            serde_json::Value::Null,
            &["clerk", "approver", "leader"],
        ),
        (
            Method::GET,
            case_path.clone(),
            serde_json::Value::Null,
            &["clerk", "approver", "leader", "supervisor", "agent"],
        ),
        (
            Method::POST,
            action_path.clone(),
            serde_json::json!({"transition": {"action": "accept"}, "part": null, "expected_version": null}),
            &["clerk", "approver", "leader", "agent"],
        ),
        (
            Method::GET,
            "/v1/supervision/overview".into(),
            serde_json::Value::Null,
            &["admin", "leader", "supervisor"],
        ),
        (
            Method::POST,
            "/v1/uploads".into(),
            serde_json::Value::Null,
            &["clerk", "agent"],
        ),
        (
            Method::HEAD,
            format!("/v1/uploads/{}", uuid::Uuid::now_v7()),
            serde_json::Value::Null,
            &["clerk", "agent"],
        ),
        (
            Method::PATCH,
            format!("/v1/uploads/{}", uuid::Uuid::now_v7()),
            serde_json::json!("x"),
            &["clerk", "agent"],
        ),
        (
            Method::GET,
            "/v1/auth/me".into(),
            serde_json::Value::Null,
            &[
                "admin",
                "clerk",
                "approver",
                "leader",
                "supervisor",
                "agent",
            ],
        ),
    ];
    for (method, path, body, allowed) in &endpoints {
        // Nobody signed in: 401 everywhere.
        let b = (!body.is_null()).then(|| serde_json::to_vec(body).unwrap());
        let r = s.send(method.clone(), path, b.clone(), None, None).await;
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "{method} {path} anonymous"
        );
        for (user, token, signed) in &tokens {
            let sg = signed.then(|| Signing::now(&w.device));
            let r = s
                .send(method.clone(), path, b.clone(), sg, Some(token))
                .await;
            let st = r.status();
            let refused = st == StatusCode::UNAUTHORIZED || st == StatusCode::FORBIDDEN;
            if allowed.contains(user) {
                assert!(
                    !refused
                        || r.json::<ApiError>()
                            .await
                            .unwrap()
                            .code
                            .starts_with("case."),
                    "{method} {path} {user}: {st}"
                );
            } else {
                assert!(refused, "{method} {path} {user} must be refused, got {st}");
            }
        }
    }
    // An administrator of another county cannot issue codes here.
    create_admin(&s, "admin2", "990102").await;
    let other = s.login("admin2", ADMIN_PASSWORD, None).await.token;
    let r = s
        .json(
            Method::POST,
            "/v1/admin/enrolment-codes",
            &endpoints[0].2,
            None,
            Some(&other),
        )
        .await;
    assert_eq!(
        code_of(r).await,
        (StatusCode::FORBIDDEN, "auth.other_county".into())
    );
}
