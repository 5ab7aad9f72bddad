//! The central approval server (ARCHITECTURE.md §6): the HTTP API the windows sync with, the
//! approval workflow, electronic supervision and the catalogue administration, over one `Store`
//! trait with SQLite (default) and PostgreSQL implementations. Wire types come from
//! `onestop-protocol` and every rule from `onestop-domain`; this crate owns transport, storage and
//! orchestration only. It never depends on the desktop crates (`local`, `sync`, `desk`).

pub mod api;
pub mod attachments;
pub mod auth;
pub mod catalogue_cache;
pub mod catalogue_import;
pub mod citizen;
pub mod config;
pub mod ingest;
pub mod store;
pub mod supervision;
pub mod telemetry;
pub mod workflow;

pub use config::ServerConfig;

/// The server's version, reported by `/healthz` and `/v1/meta`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Today in China (UTC+8), the date every rule of the law counts in.
pub fn today_cn(now: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    onestop_domain::calendar::china_time::date(now)
}

/// The listener to serve on: every accepted connection gets TCP_NODELAY. A response hyper writes
/// in more than one piece (a page of changes, the catalogue) would otherwise wait on Nagle's
/// algorithm for the client's delayed ACK, up to 40 ms on Linux, once per request.
pub fn without_nagle(
    listener: tokio::net::TcpListener,
) -> axum::serve::TapIo<tokio::net::TcpListener, fn(&mut tokio::net::TcpStream)> {
    use axum::serve::ListenerExt;
    // A named fn type (not an opaque one): axum's `ConnectInfo<SocketAddr>` is implemented for
    // `TapIo<L, F>` itself.
    fn no_delay(tcp: &mut tokio::net::TcpStream) {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(detail = %e, "TCP_NODELAY not set on a connection");
        }
    }
    listener.tap_io(no_delay as fn(&mut tokio::net::TcpStream))
}

#[cfg(test)]
mod tests {
    use axum::serve::Listener;

    #[tokio::test]
    async fn accepted_connections_do_not_wait_on_nagle() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut listener = super::without_nagle(listener);
        let _client = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (accepted, _) = listener.accept().await;
        assert!(
            accepted.nodelay().unwrap(),
            "TCP_NODELAY on the accepted side"
        );
    }
}
