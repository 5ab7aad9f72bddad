//! Shared helpers: the real router on a loopback port, and the stores under test.

#![allow(dead_code)]

use std::sync::Arc;

use onestop_server::api::{router, AppState};
use onestop_server::store::{self, Store};
use onestop_server::ServerConfig;

/// A running server on 127.0.0.1:0 with its own SQLite file.
pub struct Running {
    pub url: String,
    pub store: Arc<dyn Store>,
    _dir: tempfile::TempDir,
}

pub async fn start_sqlite() -> Running {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let store = store::open(db.to_str().unwrap()).await.unwrap();
    store.migrate().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = router(
        AppState {
            store: Arc::clone(&store),
        },
        ServerConfig::DEFAULT_BODY_LIMIT,
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    Running {
        url,
        store,
        _dir: dir,
    }
}

/// The PostgreSQL URL from `ONESTOP_TEST_PG`. In CI its absence is a failure, never a skip;
/// elsewhere the caller is told loudly that the PostgreSQL half did not run.
pub fn pg_url() -> Option<String> {
    match std::env::var("ONESTOP_TEST_PG") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must set ONESTOP_TEST_PG: the PostgreSQL store is part of what is tested"
            );
            eprintln!("ONESTOP_TEST_PG is not set: the PostgreSQL half of this test did NOT run");
            None
        }
    }
}

/// A fresh, empty schema on the test database so runs do not see each other's rows.
pub async fn fresh_pg(url: &str) -> String {
    let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let schema = format!("t_{}", uuid_like());
    client
        .batch_execute(&format!("CREATE SCHEMA {schema}"))
        .await
        .unwrap();
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{:x}{:x}", nanos, std::process::id())
}
