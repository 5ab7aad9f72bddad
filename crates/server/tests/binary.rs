//! The real `onestop-server` binary: configuration precedence (flag > ONESTOP_* > file >
//! default) and a graceful shutdown that lets a slow push in flight finish before exiting 0.

mod common;

use std::process::Stdio;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::*;
use ed25519_dalek::Signer;
use onestop_protocol::*;
use onestop_server::config::ConfigLayer;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const BIN: &str = env!("CARGO_BIN_EXE_onestop-server");

/// The binary with none of the caller's ONESTOP_* variables.
fn command() -> tokio::process::Command {
    let mut c = tokio::process::Command::new(BIN);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("ONESTOP_") {
            c.env_remove(k);
        }
    }
    c.kill_on_drop(true);
    c
}

#[tokio::test]
async fn flags_beat_variables_beat_the_file_beats_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("onestop-server.toml");
    std::fs::write(
        &file,
        "session_hours = 2\ncitizen_burst = 3\nbody_limit = 1234\ndatabase = \"from-file.db\"\n",
    )
    .unwrap();
    let out = command()
        .arg("--config")
        .arg(&file)
        .args(["--session-hours", "5", "config"])
        .env("ONESTOP_SESSION_HOURS", "6")
        .env("ONESTOP_CITIZEN_BURST", "7")
        .env("ONESTOP_METRICS", "false")
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let got: ConfigLayer = toml::from_str(&text).unwrap();
    assert_eq!(got.session_hours, Some(5), "flag over variable and file");
    assert_eq!(got.citizen_burst, Some(7), "variable over file");
    assert_eq!(got.metrics, Some(false), "variable over default");
    assert_eq!(got.body_limit, Some(1234), "file over default");
    assert_eq!(got.database.as_deref(), Some("from-file.db"));
    assert_eq!(got.enrolment_code_hours, Some(72), "default");
    assert_eq!(got.listen, Some("127.0.0.1:8480".parse().unwrap()));

    // The config file can also come from ONESTOP_CONFIG; a bad one stops the server with a code.
    std::fs::write(&file, "body_limit = \"big\"\n").unwrap();
    let out = command()
        .arg("config")
        .env("ONESTOP_CONFIG", &file)
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("config.bad_toml"), "{err}");
}

/// Starts `serve` on a free port and returns the child and its URL; stdout keeps being drained.
async fn start(dir: &std::path::Path) -> (tokio::process::Child, String) {
    let mut child = command()
        .arg("--database")
        .arg(dir.join("server.db"))
        .arg("--upload-dir")
        .arg(dir.join("uploads"))
        .args(["--listen", "127.0.0.1:0"])
        .args(["--password-memory-kib", "256", "--password-iterations", "1"])
        .arg("serve")
        .env("ONESTOP_LOG", "info")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let mut tx = Some(tx);
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("\"listening\"") {
                let v: serde_json::Value = serde_json::from_str(&line).unwrap();
                let addr = v["fields"]["addr"].as_str().unwrap().to_string();
                if let Some(tx) = tx.take() {
                    let _ = tx.send(addr);
                }
            }
        }
    });
    let addr = tokio::time::timeout(Duration::from_secs(30), rx)
        .await
        .expect("the server did not start listening")
        .unwrap();
    (child, format!("http://{addr}"))
}

#[tokio::test]
async fn sigterm_lets_a_slow_push_finish_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, url) = start(dir.path()).await;
    // The test reaches the same SQLite file (WAL) to seed the administrator and the catalogue.
    let store = onestop_server::store::open(dir.path().join("server.db").to_str().unwrap())
        .await
        .unwrap();
    let s = remote(
        url.clone(),
        std::sync::Arc::clone(&store),
        dir.path().join("uploads"),
    );
    let w = world(&s).await;

    let applicant_id = uuid::Uuid::now_v7().to_string();
    let mut ops = vec![op(
        &w.device,
        1,
        op_kind::APPLICANT_UPSERT,
        &applicant(&applicant_id),
    )];
    for n in 1..=99u16 {
        let case = accepted_case(&w.device, 0, n, &applicant_id);
        ops.push(op(
            &w.device,
            u64::from(n) + 1,
            op_kind::CASE_SNAPSHOT,
            &case,
        ));
    }
    let body = serde_json::to_vec(&PushRequest { ops }).unwrap();
    let sign = Signing::now(&w.device);
    let text = signing::signing_string(
        "POST",
        "/v1/ops",
        sign.timestamp,
        &sign.nonce,
        &signing::body_sha256(&body),
    );
    let sig = STANDARD.encode(w.device.key.sign(text.as_bytes()).to_bytes());
    let head = format!(
        "POST /v1/ops HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {len}\r\nAuthorization: Bearer {token}\r\n{hd}: {dev}\r\n{ht}: {ts}\r\n\
         {hn}: {nonce}\r\n{hs}: {sig}\r\nConnection: close\r\n\r\n",
        host = url.trim_start_matches("http://"),
        len = body.len(),
        token = w.clerk_token,
        hd = signing::HEADER_DEVICE,
        dev = w.device.id(),
        ht = signing::HEADER_TIMESTAMP,
        ts = sign.timestamp,
        hn = signing::HEADER_NONCE,
        nonce = sign.nonce,
        hs = signing::HEADER_SIGNATURE,
    );

    // A throttled client: the body trickles in over about two seconds.
    let mut conn = tokio::net::TcpStream::connect(url.trim_start_matches("http://"))
        .await
        .unwrap();
    conn.write_all(head.as_bytes()).await.unwrap();
    let chunks: Vec<&[u8]> = body.chunks(body.len() / 10 + 1).collect();
    conn.write_all(chunks[0]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pid = child.id().unwrap();
    let killed = tokio::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .await
        .unwrap();
    assert!(killed.success());
    for chunk in &chunks[1..] {
        tokio::time::sleep(Duration::from_millis(200)).await;
        conn.write_all(chunk).await.unwrap();
    }
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), conn.read_to_end(&mut answer))
        .await
        .expect("no answer to the push in flight")
        .unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (status_head, json) = answer.split_once("\r\n\r\n").unwrap();
    assert!(status_head.starts_with("HTTP/1.1 200"), "{answer}");
    let res: PushResponse = serde_json::from_str(json).unwrap();
    assert_eq!(res.acked_seq, 100);
    assert_eq!(res.results.len(), 100);
    assert!(
        res.results.iter().all(|r| r.outcome == OpOutcome::Applied),
        "{res:?}"
    );

    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("the server did not exit after SIGTERM")
        .unwrap();
    assert!(status.success(), "exit status {status:?}");
    // What it answered is durable, and the port is closed.
    assert!(store.device(w.device.id()).await.unwrap().is_some());
    let last = &res.results[99];
    assert_eq!(last.seq, 100);
    assert!(reqwest::get(format!("{url}/healthz")).await.is_err());
}
