//! Scans through the engine against the real server, over HTTP only: a 6 MB scan arrives byte
//! for byte and the server stops calling the case incomplete; a 40 MB scan cut by the server going
//! down mid-upload resumes from the server's offset, resending at most one chunk.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::server::TestServer;
use common::window::{wait_for, window, Window};
use common::*;
use onestop_desk::{AttachmentInput, Desk, NewCaseInput};
use onestop_protocol::MAX_CHUNK_BYTES;
use reqwest::StatusCode;

const FOOD: &str = "019900040000";

/// Bytes that do not compress and differ per seed.
fn scan_file(dir: &Path, name: &str, len: usize, seed: u64) -> PathBuf {
    let mut x = seed | 1;
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    bytes.truncate(len);
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The sha256 of every finished upload on the server.
fn server_files(dir: &Path) -> Vec<String> {
    let scratch = tempfile::tempdir().unwrap();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_none())
        .map(|p| {
            onestop_local::attachments::import_file(scratch.path(), &p)
                .unwrap()
                .0
        })
        .collect()
}

/// A loopback forwarder that counts the bytes the window sends, so resent bytes can be measured.
async fn counting_proxy(upstream: std::net::SocketAddr) -> (String, Arc<AtomicU64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let up = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&up);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await else {
                    return;
                };
                let (mut cr, mut cw) = client.split();
                let (mut sr, mut sw) = server.split();
                let up = async {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        use tokio::io::{AsyncReadExt, AsyncWriteExt};
                        let n = match cr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        counter.fetch_add(n as u64, Ordering::Relaxed);
                        if sw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    let _ = tokio::io::AsyncWriteExt::shutdown(&mut sw).await;
                };
                let down = async {
                    let _ = tokio::io::copy(&mut sr, &mut cw).await;
                    let _ = tokio::io::AsyncWriteExt::shutdown(&mut cw).await;
                };
                tokio::join!(up, down);
            });
        }
    });
    (url, up)
}

async fn accept_with_scan(desk: &Desk, id_number: &str, scan: PathBuf) -> String {
    let applicant = desk
        .register_applicant(person(
            id_number,
            "王芳",
            "13800138000",
            "城关镇人民路 8 号",
        ))
        .await
        .unwrap();
    let food = item(FOOD);
    let form = desk
        .prefill_form(applicant.applicant_id.clone(), food.impl_code.clone())
        .await
        .unwrap();
    desk.accept(NewCaseInput {
        actor: clerk(),
        impl_code: food.impl_code.clone(),
        applicant_id: applicant.applicant_id,
        form: complete_form(&food, form),
        materials: all_materials(&food),
        attachments: vec![AttachmentInput {
            slot: food.materials[0].id.clone(),
            path: scan,
        }],
        proxy: None,
    })
    .await
    .unwrap()
    .snapshot
    .case_id
}

async fn complete_on_server(server: &TestServer, w: &Window, case_id: &str) -> bool {
    // A connection pooled before a restart may be dead: a failed request is "not yet".
    let Ok(r) = server
        .http
        .get(format!("{}/v1/cases/{case_id}", server.url))
        .bearer_auth(&w.approver)
        .send()
        .await
    else {
        return false;
    };
    if r.status() != StatusCode::OK {
        return false;
    }
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    body["attachments_incomplete"] == false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_six_megabyte_scan_arrives_byte_for_byte() {
    let server = TestServer::start().await;
    let url = server.url.clone();
    let w = window(&server, &url).await;
    let scan = scan_file(w.dir.path(), "营业执照.pdf", 6_000_000, 7);
    let sha = onestop_local::attachments::import_file(tempfile::tempdir().unwrap().path(), &scan)
        .unwrap()
        .0;
    let case_id = accept_with_scan(&w.desk, "110101199003071233", scan).await;
    wait_for("the scan to be confirmed", Duration::from_secs(30), || {
        complete_on_server(&server, &w, &case_id)
    })
    .await;
    assert!(server_files(&server.upload_dir()).contains(&sha));
    wait_for(
        "the window to record the confirmation",
        Duration::from_secs(10),
        || {
            let s = w.desk.sync_status();
            async move { s.upload.is_none() && s.queued_ops == 0 && s.last_error.is_none() }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_cut_mid_upload_resumes_from_the_servers_offset() {
    let mut server = TestServer::start().await;
    let (url, sent_up) = counting_proxy(server.addr).await;
    let w = window(&server, &url).await;
    let size: u64 = 40 * 1024 * 1024;
    let scan = scan_file(w.dir.path(), "档案.pdf", size as usize, 11);
    let mut status = w.desk.subscribe_sync();
    let case_id = accept_with_scan(&w.desk, "110101196006060069", scan).await;

    // The server goes down once at least two chunks have landed.
    let chunk = MAX_CHUNK_BYTES as u64;
    loop {
        status.changed().await.unwrap();
        let sent = status.borrow().upload.as_ref().map(|u| u.sent_bytes);
        if sent.is_some_and(|s| s >= 2 * chunk) {
            break;
        }
    }
    server.stop().await;
    let part = std::fs::read_dir(server.upload_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.path().extension().is_some_and(|x| x == "part"))
        .expect("an unfinished upload on the server");
    let held = part.metadata().unwrap().len();
    assert!(held >= 2 * chunk && held < size, "server held {held}");

    // Back up: the upload finishes, sending only what the server did not have.
    let before = sent_up.load(Ordering::Relaxed);
    server.restart().await;
    wait_for("the scan to be confirmed", Duration::from_secs(60), || {
        complete_on_server(&server, &w, &case_id)
    })
    .await;
    let after_restart = sent_up.load(Ordering::Relaxed) - before;
    let missing = size - held;
    let resent = after_restart.saturating_sub(missing);
    eprintln!("server held {held} of {size}; sent {after_restart} after restart; overhead+resent {resent}");
    assert!(
        after_restart >= missing && resent <= chunk + 256 * 1024,
        "resent {resent} bytes (held {held}, sent {after_restart})"
    );
}
