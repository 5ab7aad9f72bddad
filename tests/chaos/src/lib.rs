//! A TCP proxy that sits between sync clients and the real server and misbehaves on purpose,
//! the way township networks do (issue: the chaos test). Every decision comes from a seeded
//! generator, so a failing run can be replayed with its seed.
//!
//! Faults, switchable while traffic flows:
//! - `cut_probability`: a connection is cut after a random number of bytes (either direction);
//!   drawn when it is accepted and again for every live connection whenever the faults change,
//!   so a keep-alive connection opened on a calm network does not ride out the hostile one;
//! - `latency`: every chunk waits this long before it is forwarded;
//! - `blackhole`: connections are accepted and read, but nothing is forwarded or answered;
//! - `lose_reply_probability`: the request reaches the server, which commits, and the reply is
//!   thrown away before the client sees it;
//! - `cut_up_at`: the connection that carries the proxy's N-th upstream byte is cut right there
//!   (once), for a cut at an exact point of an upload.
//!
//! The proxy also counts the bytes it forwards each way, so benchmarks can measure what really
//! crossed the wire.

mod rng;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use rng::SplitMix;

/// What the proxy does to new connections (and, for `blackhole` and `latency`, to live ones).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    pub cut_probability: f64,
    /// Upper bound of the random byte offset at which a cut happens.
    pub cut_within_bytes: u64,
    pub latency: Duration,
    pub blackhole: bool,
    pub lose_reply_probability: f64,
    /// Cut the connection that carries upstream byte number N (counted in `Stats::bytes_up`
    /// since the proxy started), after forwarding exactly up to it.
    pub cut_up_at: Option<u64>,
}

impl Faults {
    pub fn none() -> Self {
        Self::default()
    }
}

/// Counters, to show a run really was hostile.
#[derive(Debug, Default)]
pub struct Stats {
    pub connections: AtomicU64,
    pub cuts: AtomicU64,
    pub lost_replies: AtomicU64,
    pub blackholed: AtomicU64,
    /// Bytes forwarded client → server and server → client.
    pub bytes_up: AtomicU64,
    pub bytes_down: AtomicU64,
}

impl Stats {
    /// Counts up to `n` upstream bytes; with `cut_at`, stops exactly there and says so.
    fn take_up(&self, n: usize, cut_at: Option<u64>) -> (usize, bool) {
        let Some(limit) = cut_at else {
            self.bytes_up.fetch_add(n as u64, Ordering::Relaxed);
            return (n, false);
        };
        let mut now = self.bytes_up.load(Ordering::Relaxed);
        loop {
            // Past the mark already: the cut has happened (or was set too late), let it flow.
            let allowed = if now >= limit {
                n as u64
            } else {
                (limit - now).min(n as u64)
            };
            match self.bytes_up.compare_exchange_weak(
                now,
                now + allowed,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return (allowed as usize, now < limit && now + allowed == limit),
                Err(actual) => now = actual,
            }
        }
    }
}

pub struct ChaosProxy {
    addr: SocketAddr,
    faults: watch::Sender<Faults>,
    stats: Arc<Stats>,
    task: JoinHandle<()>,
}

impl ChaosProxy {
    /// Listens on 127.0.0.1:0 and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr, seed: u64) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (faults, rx) = watch::channel(Faults::none());
        let stats = Arc::new(Stats::default());
        let rng = Arc::new(Mutex::new(SplitMix::new(seed)));
        let task = tokio::spawn(accept_loop(listener, upstream, rx, Arc::clone(&stats), rng));
        Ok(Self {
            addr,
            faults,
            stats,
            task,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set(&self, faults: Faults) {
        self.faults.send_replace(faults);
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}

impl Drop for ChaosProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn accept_loop(
    listener: TcpListener,
    upstream: SocketAddr,
    faults: watch::Receiver<Faults>,
    stats: Arc<Stats>,
    rng: Arc<Mutex<SplitMix>>,
) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        stats.connections.fetch_add(1, Ordering::Relaxed);
        // The proxy forwards each read at once; Nagle's algorithm would hold a short write back
        // until the previous one is acknowledged (up to the peer's 40 ms delayed ACK).
        let _ = client.set_nodelay(true);
        // Each connection draws from its own generator, seeded from the proxy's in accept order,
        // so its later redraws do not depend on how other connections interleave.
        let mut own = SplitMix::new(rng.lock().unwrap_or_else(|p| p.into_inner()).next_u64());
        let plan = Plan::draw(&faults.borrow().clone(), &mut own);
        tokio::spawn(serve(
            client,
            upstream,
            plan,
            own,
            faults.clone(),
            Arc::clone(&stats),
        ));
    }
}

/// The fate of one connection, drawn when it is accepted.
#[derive(Debug, Clone, Copy)]
struct Plan {
    /// Cut after this many bytes in total (both directions), if any.
    cut_at: Option<u64>,
    lose_reply: bool,
}

impl Plan {
    fn draw(f: &Faults, r: &mut SplitMix) -> Plan {
        let cut = r.unit() < f.cut_probability;
        let cut_at = cut.then(|| r.below(f.cut_within_bytes.max(1)));
        let lose_reply = r.unit() < f.lose_reply_probability;
        Plan { cut_at, lose_reply }
    }
}

async fn serve(
    mut client: TcpStream,
    upstream: SocketAddr,
    plan: Plan,
    mut rng: SplitMix,
    faults: watch::Receiver<Faults>,
    stats: Arc<Stats>,
) {
    if faults.borrow().blackhole {
        stats.blackholed.fetch_add(1, Ordering::Relaxed);
        // Read and drop until the black hole closes; the client's own timeout decides when it
        // gives up, exactly as with a dead link.
        let mut buf = [0u8; 16 * 1024];
        let mut rx = faults.clone();
        loop {
            tokio::select! {
                n = client.read(&mut buf) => if matches!(n, Ok(0) | Err(_)) { return },
                changed = rx.changed() => if changed.is_err() || !rx.borrow().blackhole { return },
            }
        }
    }
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = server.set_nodelay(true);
    let (mut cr, mut cw) = client.into_split();
    let (mut sr, mut sw) = server.into_split();
    let budget = Arc::new(Mutex::new(plan.cut_at));
    let cut = Arc::new(tokio::sync::Notify::new());

    let up = {
        let (budget, cut, mut faults, stats) = (
            Arc::clone(&budget),
            Arc::clone(&cut),
            faults.clone(),
            Arc::clone(&stats),
        );
        async move {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                let n = match cr.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                hold_while_blackhole(&mut faults).await;
                let delay = faults.borrow().latency;
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let n = take_budget(&budget, n);
                let cut_at = faults.borrow().cut_up_at;
                let (n, mark_reached) = stats.take_up(n, cut_at);
                if sw.write_all(&buf[..n]).await.is_err() {
                    break;
                }
                if is_spent(&budget) || mark_reached {
                    stats.cuts.fetch_add(1, Ordering::Relaxed);
                    cut.notify_waiters();
                    break;
                }
            }
            let _ = sw.shutdown().await;
        }
    };
    let down = {
        let (budget, mut faults, stats) = (Arc::clone(&budget), faults.clone(), Arc::clone(&stats));
        async move {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                let n = match sr.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if plan.lose_reply {
                    // The server has the whole request and answered: it committed. The client
                    // never hears it.
                    stats.lost_replies.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                hold_while_blackhole(&mut faults).await;
                let delay = faults.borrow().latency;
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let n = take_budget(&budget, n);
                stats.bytes_down.fetch_add(n as u64, Ordering::Relaxed);
                if cw.write_all(&buf[..n]).await.is_err() {
                    break;
                }
                if is_spent(&budget) {
                    stats.cuts.fetch_add(1, Ordering::Relaxed);
                    break;
                }
            }
            let _ = cw.shutdown().await;
        }
    };
    // New faults apply to this connection too: its cut is drawn again from what is left.
    let redraw = {
        let (budget, mut faults) = (Arc::clone(&budget), faults.clone());
        async move {
            // Only changes after this connection's plan was drawn count.
            faults.borrow_and_update();
            while faults.changed().await.is_ok() {
                let f = faults.borrow_and_update().clone();
                *budget.lock().unwrap_or_else(|p| p.into_inner()) = Plan::draw(&f, &mut rng).cut_at;
            }
            std::future::pending::<()>().await
        }
    };
    // Whichever direction ends (a cut, a lost reply, a close) ends the connection.
    tokio::select! {
        _ = up => {},
        _ = down => {},
        _ = cut.notified() => {},
        _ = redraw => {},
    }
}

/// Takes up to `n` bytes from the cut budget; returns how many may be forwarded.
fn take_budget(budget: &Mutex<Option<u64>>, n: usize) -> usize {
    let mut b = budget.lock().unwrap_or_else(|p| p.into_inner());
    match b.as_mut() {
        None => n,
        Some(left) => {
            let allowed = (*left).min(n as u64);
            *left -= allowed;
            allowed as usize
        }
    }
}

fn is_spent(budget: &Mutex<Option<u64>>) -> bool {
    matches!(*budget.lock().unwrap_or_else(|p| p.into_inner()), Some(0))
}

/// A black hole also swallows live connections: nothing moves until it is switched off (by then
/// the client has usually given up on the request and closed the connection).
async fn hold_while_blackhole(faults: &mut watch::Receiver<Faults>) {
    while faults.borrow_and_update().blackhole {
        if faults.changed().await.is_err() {
            return;
        }
    }
}
