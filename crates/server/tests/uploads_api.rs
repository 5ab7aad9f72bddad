//! Attachments over HTTP (§5.5, the tus 1.0 subset), on every store: a case arrives before its
//! file and is `attachments_incomplete` until the last chunk; creation is idempotent per
//! (case_id, slot); wrong offsets get 409, bad chunk checksums 460, a bad whole file resets.

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::*;
use onestop_protocol::*;
use reqwest::{Method, StatusCode};
use sha2::{Digest, Sha256};

const TUS: (&str, &str) = ("tus-resumable", "1.0.0");

fn file(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

fn hex_sha(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

async fn code_of(r: reqwest::Response) -> (StatusCode, String) {
    let st = r.status();
    (st, r.json::<ApiError>().await.unwrap().code)
}

/// Pushes the applicant and `case`, and checks that both were applied.
async fn push_accepted(s: &Running, w: &World, case: &CaseSnapshot) {
    let r = push(
        s,
        w,
        vec![
            op(
                &w.device,
                1,
                op_kind::APPLICANT_UPSERT,
                &applicant(&case.applicant_id),
            ),
            op(&w.device, 2, op_kind::CASE_SNAPSHOT, case),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let resp: PushResponse = r.json().await.unwrap();
    assert!(
        resp.results.iter().all(|r| r.outcome == OpOutcome::Applied),
        "{resp:?}"
    );
}

/// Pushes an accepted case naming one attachment in slot `m1`; returns the case id.
async fn case_with_attachment(s: &Running, w: &World, content: &[u8]) -> String {
    let applicant_id = uuid::Uuid::now_v7().to_string();
    let mut case = accepted_case(&w.device, 0, 1, &applicant_id);
    case.attachments = vec![AttachmentRef {
        slot: "m1".into(),
        sha256: hex_sha(content),
        size: content.len() as u64,
        file_name: "身份证.jpg".into(),
        media_type: "image/jpeg".into(),
    }];
    push_accepted(s, w, &case).await;
    case.case_id
}

async fn create(s: &Running, w: &World, meta: &UploadMetadata, len: u64) -> reqwest::Response {
    s.send_raw(
        Method::POST,
        "/v1/uploads",
        vec![],
        &[
            (TUS.0, TUS.1.into()),
            ("upload-length", len.to_string()),
            ("upload-metadata", meta.encode()),
        ],
        &w.device,
        Some(&w.clerk_token),
    )
    .await
}

async fn patch(
    s: &Running,
    w: &World,
    loc: &str,
    offset: u64,
    chunk: &[u8],
    sum: &[u8],
) -> reqwest::Response {
    s.send_raw(
        Method::PATCH,
        loc,
        chunk.to_vec(),
        &[
            (TUS.0, TUS.1.into()),
            ("content-type", "application/offset+octet-stream".into()),
            ("upload-offset", offset.to_string()),
            (
                "upload-checksum",
                format!("sha256 {}", STANDARD.encode(Sha256::digest(sum))),
            ),
        ],
        &w.device,
        Some(&w.clerk_token),
    )
    .await
}

async fn head_offset(s: &Running, w: &World, loc: &str) -> u64 {
    let r = s
        .send_raw(
            Method::HEAD,
            loc,
            vec![],
            &[(TUS.0, TUS.1.into())],
            &w.device,
            Some(&w.clerk_token),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["tus-resumable"], "1.0.0");
    r.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

async fn case_detail(s: &Running, w: &World, case_id: &str) -> CaseDetail {
    let r = s
        .send(
            Method::GET,
            &format!("/v1/cases/{case_id}"),
            None,
            Some(Signing::now(&w.device)),
            Some(&w.clerk_token),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

#[tokio::test]
async fn a_case_arrives_before_its_file_and_the_upload_resumes_in_chunks() {
    for s in servers().await {
        let w = world(&s).await;
        let content = file(MAX_CHUNK_BYTES + 1000);
        let case_id = case_with_attachment(&s, &w, &content).await;
        let detail = case_detail(&s, &w, &case_id).await;
        assert!(detail.attachments_incomplete, "{detail:?}");

        let meta = UploadMetadata {
            case_id: case_id.clone(),
            slot: "m1".into(),
            sha256: hex_sha(&content),
            filename: "身份证.jpg".into(),
        };
        // Without Tus-Resumable: 412.
        let r = s
            .send_raw(
                Method::POST,
                "/v1/uploads",
                vec![],
                &[
                    ("upload-length", "5".into()),
                    ("upload-metadata", meta.encode()),
                ],
                &w.device,
                Some(&w.clerk_token),
            )
            .await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::PRECONDITION_FAILED, "upload.tus_version".into())
        );

        let r = create(&s, &w, &meta, content.len() as u64).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        assert_eq!(r.headers()["upload-offset"], "0");
        let loc = r.headers()["location"].to_str().unwrap().to_string();

        let first = &content[..MAX_CHUNK_BYTES];
        let r = patch(&s, &w, &loc, 0, first, first).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            r.headers()["upload-offset"],
            MAX_CHUNK_BYTES.to_string().as_str()
        );

        // The client restarts: creating again finds the same upload at its offset.
        let r = create(&s, &w, &meta, content.len() as u64).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["location"].to_str().unwrap(), loc);
        assert_eq!(head_offset(&s, &w, &loc).await, MAX_CHUNK_BYTES as u64);

        let rest = &content[MAX_CHUNK_BYTES..];
        // A chunk at the wrong offset: 409 with the server's offset.
        let r = patch(&s, &w, &loc, 0, rest, rest).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let e: ApiError = r.json().await.unwrap();
        assert_eq!(e.code, "upload.offset_mismatch");
        assert_eq!(e.details["offset"], MAX_CHUNK_BYTES);
        // A chunk damaged on the way: 460, nothing stored.
        let r = patch(&s, &w, &loc, MAX_CHUNK_BYTES as u64, rest, b"other bytes").await;
        assert_eq!(
            code_of(r).await,
            (
                StatusCode::from_u16(460).unwrap(),
                "upload.checksum_mismatch".into()
            )
        );
        assert_eq!(head_offset(&s, &w, &loc).await, MAX_CHUNK_BYTES as u64);
        assert!(case_detail(&s, &w, &case_id).await.attachments_incomplete);

        let r = patch(&s, &w, &loc, MAX_CHUNK_BYTES as u64, rest, rest).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            r.headers()["upload-offset"],
            content.len().to_string().as_str()
        );
        let detail = case_detail(&s, &w, &case_id).await;
        assert!(!detail.attachments_incomplete, "{detail:?}");
        assert!(detail.attachments[0].complete);
        // Only the finished file remains, byte for byte.
        let id = loc.rsplit('/').next().unwrap();
        let dir = &s.upload_dir;
        assert_eq!(std::fs::read(dir.join(id)).unwrap(), content);
        assert!(!dir.join(format!("{id}.part")).exists());
    }
}

#[tokio::test]
async fn bad_whole_files_reset_and_limits_have_codes() {
    for s in servers().await {
        let w = world(&s).await;
        let content = file(3000);
        let case_id = case_with_attachment(&s, &w, &content).await;
        let mut meta = UploadMetadata {
            case_id: case_id.clone(),
            slot: "m1".into(),
            sha256: hex_sha(b"not this file"),
            filename: "a.jpg".into(),
        };
        let r = create(&s, &w, &meta, content.len() as u64).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let loc = r.headers()["location"].to_str().unwrap().to_string();
        let r = patch(&s, &w, &loc, 0, &content, &content).await;
        assert_eq!(
            code_of(r).await,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "upload.file_checksum_mismatch".into()
            )
        );
        assert_eq!(head_offset(&s, &w, &loc).await, 0, "the upload starts over");

        // The right file into the same slot (not complete yet): the same upload, reset.
        meta.sha256 = hex_sha(&content);
        let r = create(&s, &w, &meta, content.len() as u64).await;
        assert_eq!(r.status(), StatusCode::OK);
        let r = patch(&s, &w, &loc, 0, &content, &content).await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        assert!(!case_detail(&s, &w, &case_id).await.attachments_incomplete);
        // A different file into a complete slot is refused.
        meta.sha256 = hex_sha(b"x");
        let r = create(&s, &w, &meta, 1).await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::CONFLICT, "upload.slot_taken".into())
        );

        // Too large, chunk too large, unknown case, bad metadata, missing checksum.
        meta.slot = "m2".into();
        let r = create(&s, &w, &meta, 1 << 40).await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::PAYLOAD_TOO_LARGE, "upload.too_large".into())
        );
        let big = file(MAX_CHUNK_BYTES + 200 * 1024);
        let r = patch(&s, &w, &loc, 0, &big, &big).await;
        assert_eq!(
            code_of(r).await,
            (
                StatusCode::PAYLOAD_TOO_LARGE,
                "upload.chunk_too_large".into()
            )
        );
        let mut unknown = meta.clone();
        unknown.case_id = uuid::Uuid::now_v7().to_string();
        let r = create(&s, &w, &unknown, 10).await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::NOT_FOUND, "upload.case_unknown".into())
        );
        let r = s
            .send_raw(
                Method::POST,
                "/v1/uploads",
                vec![],
                &[
                    (TUS.0, TUS.1.into()),
                    ("upload-length", "5".into()),
                    ("upload-metadata", "case_id !!".into()),
                ],
                &w.device,
                Some(&w.clerk_token),
            )
            .await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::BAD_REQUEST, "upload.bad_metadata".into())
        );
        let r = s
            .send_raw(
                Method::PATCH,
                &loc,
                b"ab".to_vec(),
                &[
                    (TUS.0, TUS.1.into()),
                    ("content-type", "application/offset+octet-stream".into()),
                    ("upload-offset", "0".into()),
                ],
                &w.device,
                Some(&w.clerk_token),
            )
            .await;
        assert_eq!(
            code_of(r).await,
            (StatusCode::BAD_REQUEST, "upload.checksum_required".into())
        );
        let r = s
            .send_raw(
                Method::PATCH,
                &loc,
                b"ab".to_vec(),
                &[
                    (TUS.0, TUS.1.into()),
                    ("content-type", "application/json".into()),
                    ("upload-offset", "0".into()),
                ],
                &w.device,
                Some(&w.clerk_token),
            )
            .await;
        assert_eq!(
            code_of(r).await,
            (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "upload.bad_content_type".into()
            )
        );
    }
}

/// The window a village forwarded a case to decides on what the village filed: the detail
/// carries the form and the materials checklist as the snapshot had them.
#[tokio::test]
async fn the_case_detail_carries_the_form_and_materials_the_window_filed() {
    for s in servers().await {
        let w = world(&s).await;
        let applicant_id = uuid::Uuid::now_v7().to_string();
        let mut case = accepted_case(&w.device, 0, 1, &applicant_id);
        case.materials = vec![MaterialReceipt {
            material_id: "m1".into(),
            originals: 1,
            copies: 2,
            electronic: false,
            waived_reason: None,
        }];
        push_accepted(&s, &w, &case).await;
        let filed = case_detail(&s, &w, &case.case_id)
            .await
            .application
            .expect("the filed form and materials");
        assert!(
            filed.form.as_object().is_some_and(|f| !f.is_empty()),
            "{filed:?}"
        );
        assert_eq!(filed.form, case.form);
        assert_eq!(filed.materials, case.materials);
        assert_eq!(filed.item_hash, case.item_hash);
    }
}
