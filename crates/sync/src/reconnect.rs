//! Noticing that an unreachable server is back (ARCHITECTURE.md §5.2: the timer "also fires on
//! reconnect"). The window's connection monitor only sees outages that last past one of its
//! probes; the engine knows about every round that could not reach the server, so it watches for
//! the return itself while it waits out a backoff that may be minutes long.

use std::time::Duration;

use crate::ServerClient;

/// How often an unreachable server is probed when the idle poll is longer than this.
pub const DEFAULT_RECONNECT_PROBE: Duration = Duration::from_secs(5);

/// Returns once `GET /healthz` answers, probing every `every`. With `must_see_down_first`, a probe
/// must fail before one that answers counts: the health check alone is not proof that sync
/// requests get through, so the engine does not keep cutting its backoff short on it.
pub(crate) async fn server_back(client: &ServerClient, every: Duration, must_see_down_first: bool) {
    let mut seen_down = !must_see_down_first;
    loop {
        tokio::time::sleep(every).await;
        match client.probe().await {
            Ok(_) if seen_down => return,
            Ok(_) => {}
            Err(_) => seen_down = true,
        }
    }
}
