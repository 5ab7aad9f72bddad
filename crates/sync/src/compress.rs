//! Request compression for `POST /v1/ops` (docs/protocol.md "Request compression"). A push of 100
//! case snapshots is hundreds of KB of repetitive JSON; gzip makes it several times smaller,
//! which is what counts on a township link. The device signs the bytes as sent, i.e. the
//! compressed ones, so the server can check the signature before it inflates anything.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use flate2::write::GzEncoder;
use flate2::Compression;

/// Bodies below this go as they are: a pull, a login or a push of a few ops gains next to
/// nothing, and gzip's header and the CPU would cost more than they save.
pub const GZIP_MIN_BYTES: usize = 1024;

/// `ONESTOP_SYNC_GZIP=0` turns request compression off for the process: an escape hatch for a
/// reverse proxy in front of the server that refuses `Content-Encoding` on requests, and the
/// benchmark's "without compression" run.
pub const GZIP_ENV: &str = "ONESTOP_SYNC_GZIP";

/// Level 6 (zlib's default). On a real push of 100 case snapshots (363 KB of JSON) it gives
/// 16.6× in 4.1 ms against level 1's 10.8× in 0.8 ms (docs/benchmarks.md): 3 ms of CPU per 100
/// cases buys a third fewer bytes, which on a township link is worth far more.
const LEVEL: u32 = 6;

/// Whether pushes are compressed. Shared by the clones of one `ServerClient`, so a server that
/// turns out not to understand gzip is asked only once.
#[derive(Debug)]
pub(crate) struct GzipPolicy {
    on: AtomicBool,
}

impl GzipPolicy {
    pub(crate) fn from_env() -> Self {
        let off =
            std::env::var(GZIP_ENV).is_ok_and(|v| matches!(v.trim(), "0" | "off" | "false" | "no"));
        Self {
            on: AtomicBool::new(!off),
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.on.load(Ordering::Relaxed)
    }

    pub(crate) fn set(&self, on: bool) {
        self.on.store(on, Ordering::Relaxed);
    }
}

/// A request body as it goes on the wire.
#[derive(Debug)]
pub(crate) struct WireBody {
    pub bytes: Vec<u8>,
    /// `Content-Encoding: gzip`.
    pub gzip: bool,
}

impl WireBody {
    pub(crate) fn plain(bytes: Vec<u8>) -> Self {
        Self { bytes, gzip: false }
    }
}

/// `json` gzipped when that is allowed and pays, else as it is.
pub(crate) fn encode(json: &[u8], policy: &GzipPolicy) -> WireBody {
    if !policy.enabled() || json.len() < GZIP_MIN_BYTES {
        return WireBody::plain(json.to_vec());
    }
    match gzip(json) {
        Ok(bytes) if bytes.len() < json.len() => WireBody { bytes, gzip: true },
        Ok(_) => WireBody::plain(json.to_vec()),
        Err(e) => {
            // Writing into a Vec cannot fail in practice; sending plain is always correct.
            tracing::warn!(detail = %e, "gzip failed; sending the body uncompressed");
            WireBody::plain(json.to_vec())
        }
    }
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::new(LEVEL));
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// A server that does not inflate request bodies (one older than request compression) reads the
/// gzip bytes as broken JSON (400 `http.bad_json`); a newer one refuses an encoding it does not
/// take with 415. Either way the same ops must go again uncompressed, never be marked rejected.
pub(crate) fn refused_encoding(status: u16, code: &str) -> bool {
    status == 415 || (status == 400 && code == "http.bad_json")
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn on() -> GzipPolicy {
        GzipPolicy {
            on: AtomicBool::new(true),
        }
    }

    #[test]
    fn a_large_body_is_gzipped_and_inflates_to_the_same_bytes() {
        let json = serde_json::to_vec(&serde_json::json!({
            "ops": (0..50).map(|i| serde_json::json!({"seq": i, "kind": "case.snapshot",
                "payload": {"form": {"name": "王芳", "address": "城关镇人民路 8 号"}}}))
                .collect::<Vec<_>>()
        }))
        .unwrap();
        let wire = encode(&json, &on());
        assert!(wire.gzip);
        assert!(
            wire.bytes.len() * 4 < json.len(),
            "{} bytes",
            wire.bytes.len()
        );
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&wire.bytes[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, json);
    }

    #[test]
    fn a_small_body_or_a_policy_turned_off_goes_plain() {
        let small = br#"{"ops":[]}"#;
        let wire = encode(small, &on());
        assert!(!wire.gzip);
        assert_eq!(wire.bytes, small);

        let large = vec![b'a'; 10 * GZIP_MIN_BYTES];
        let policy = on();
        policy.set(false);
        let wire = encode(&large, &policy);
        assert!(!wire.gzip);
        assert_eq!(wire.bytes, large);
    }

    #[test]
    fn incompressible_bytes_go_plain() {
        // Already-compressed data would only grow by gzip's framing.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let noise: Vec<u8> = (0..4 * GZIP_MIN_BYTES)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        assert!(!encode(&noise, &on()).gzip);
    }

    #[test]
    fn only_encoding_refusals_count_as_such() {
        assert!(refused_encoding(415, "http.unsupported_encoding"));
        assert!(refused_encoding(400, "http.bad_json"));
        assert!(!refused_encoding(400, "op.bad_payload"));
        assert!(!refused_encoding(409, "sync.seq_conflict"));
        assert!(!refused_encoding(413, "http.decompressed_too_large"));
    }
}
