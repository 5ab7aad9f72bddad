//! The proxy itself: clean when told to be, and each fault does what it says.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use onestop_chaos::{ChaosProxy, Faults};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A server that reads `len` bytes, remembers how many arrived, and echoes them back.
async fn echo_server(len: usize) -> (std::net::SocketAddr, Arc<Mutex<Vec<usize>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let received = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&received);
    tokio::spawn(async move {
        loop {
            let (mut s, _) = listener.accept().await.unwrap();
            let seen = Arc::clone(&seen);
            tokio::spawn(async move {
                let mut buf = vec![0u8; len];
                let mut got = 0;
                while got < len {
                    match s.read(&mut buf[got..]).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => got += n,
                    }
                }
                seen.lock().unwrap().push(got);
                let _ = s.write_all(&buf[..got]).await;
            });
        }
    });
    (addr, received)
}

async fn exchange(proxy: &ChaosProxy, payload: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(proxy.addr()).await.unwrap();
    let _ = s.write_all(payload).await;
    let mut back = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(3), s.read_to_end(&mut back)).await;
    back
}

fn payload(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn without_faults_bytes_pass_intact() {
    let (up, _) = echo_server(200_000).await;
    let proxy = ChaosProxy::start(up, 1).await.unwrap();
    let data = payload(200_000);
    assert_eq!(exchange(&proxy, &data).await, data);
}

#[tokio::test]
async fn a_cut_stops_the_stream_early() {
    let (up, received) = echo_server(50_000).await;
    let proxy = ChaosProxy::start(up, 2).await.unwrap();
    proxy.set(Faults {
        cut_probability: 1.0,
        cut_within_bytes: 10_000,
        ..Faults::none()
    });
    let back = exchange(&proxy, &payload(50_000)).await;
    assert!(back.len() < 10_000, "got {} bytes back", back.len());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(received.lock().unwrap().iter().all(|&n| n < 10_000));
    assert_eq!(proxy.stats().cuts.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn a_lost_reply_reaches_the_server_but_not_the_client() {
    let (up, received) = echo_server(5_000).await;
    let proxy = ChaosProxy::start(up, 3).await.unwrap();
    proxy.set(Faults {
        lose_reply_probability: 1.0,
        ..Faults::none()
    });
    let back = exchange(&proxy, &payload(5_000)).await;
    assert!(back.is_empty());
    assert_eq!(*received.lock().unwrap(), vec![5_000]);
}

#[tokio::test]
async fn a_black_hole_answers_nothing_until_it_closes() {
    let (up, received) = echo_server(1_000).await;
    let proxy = ChaosProxy::start(up, 4).await.unwrap();
    proxy.set(Faults {
        blackhole: true,
        ..Faults::none()
    });
    let mut s = TcpStream::connect(proxy.addr()).await.unwrap();
    s.write_all(&payload(1_000)).await.unwrap();
    let mut buf = [0u8; 10];
    let r = tokio::time::timeout(Duration::from_millis(500), s.read(&mut buf)).await;
    assert!(r.is_err(), "nothing may come back from a black hole");
    assert!(received.lock().unwrap().is_empty());
    proxy.set(Faults::none());
    let data = payload(1_000);
    assert_eq!(exchange(&proxy, &data).await, data);
}

#[tokio::test]
async fn the_same_seed_draws_the_same_fates() {
    let (up, _) = echo_server(20_000).await;
    let mut outcomes = vec![];
    for _ in 0..2 {
        let proxy = ChaosProxy::start(up, 99).await.unwrap();
        proxy.set(Faults {
            cut_probability: 0.5,
            cut_within_bytes: 20_000,
            ..Faults::none()
        });
        let mut lens = vec![];
        for _ in 0..8 {
            lens.push(exchange(&proxy, &payload(20_000)).await.len());
        }
        outcomes.push(lens);
    }
    assert_eq!(outcomes[0], outcomes[1]);
}

#[tokio::test]
async fn bytes_are_counted_each_way() {
    let (up, _) = echo_server(30_000).await;
    let proxy = ChaosProxy::start(up, 5).await.unwrap();
    let data = payload(30_000);
    assert_eq!(exchange(&proxy, &data).await, data);
    assert_eq!(proxy.stats().bytes_up.load(Ordering::Relaxed), 30_000);
    assert_eq!(proxy.stats().bytes_down.load(Ordering::Relaxed), 30_000);
}

#[tokio::test]
async fn a_cut_at_an_exact_upstream_byte_happens_there_and_only_once() {
    let (up, received) = echo_server(40_000).await;
    let proxy = ChaosProxy::start(up, 6).await.unwrap();
    // Upstream bytes are counted across connections: the second one carries byte 52,345.
    proxy.set(Faults {
        cut_up_at: Some(52_345),
        ..Faults::none()
    });
    let data = payload(40_000);
    assert_eq!(exchange(&proxy, &data).await, data);
    assert!(exchange(&proxy, &data).await.len() < 40_000);
    assert_eq!(exchange(&proxy, &data).await, data, "the cut happens once");
    let mut got = received.lock().unwrap().clone();
    got.sort_unstable();
    assert_eq!(got, vec![12_345, 40_000, 40_000]);
    assert_eq!(proxy.stats().cuts.load(Ordering::Relaxed), 1);
}

/// A keep-alive connection opened on a calm network must not ride out the hostile one: the
/// convergence test once saw no cut at all because the windows reused such connections.
#[tokio::test]
async fn new_faults_reach_a_connection_already_open() {
    let (up, received) = echo_server(50_000).await;
    let proxy = ChaosProxy::start(up, 6).await.unwrap();
    let mut s = TcpStream::connect(proxy.addr()).await.unwrap();
    s.write_all(&payload(1_000)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    proxy.set(Faults {
        cut_probability: 1.0,
        cut_within_bytes: 10_000,
        ..Faults::none()
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = s.write_all(&payload(49_000)).await;
    let mut back = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(3), s.read_to_end(&mut back)).await;
    assert!(back.is_empty(), "got {} bytes back", back.len());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(received.lock().unwrap().iter().all(|&n| n < 11_000));
    assert_eq!(proxy.stats().cuts.load(Ordering::Relaxed), 1);
}
