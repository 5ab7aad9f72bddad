//! The PC's clock against the server's (ARCHITECTURE.md §5.6). Order never depends on clocks, but
//! dates on vouchers and deadlines do, so a skewed PC clock is shown to the clerk.

use std::time::{Duration, SystemTime};

/// Beyond this the clerk is warned.
pub const SKEW_WARNING: Duration = Duration::from_secs(5 * 60);

/// How far the local clock is ahead of the server (negative: behind), in whole seconds.
///
/// `sent` and `received` bracket the request; the server's `Date` was produced somewhere in
/// between, so the midpoint is the best local estimate of that moment. `Date` has one-second
/// resolution, which is plenty for a five-minute threshold.
pub fn clock_offset_secs(server_date: &str, sent: SystemTime, received: SystemTime) -> Option<i64> {
    let server = httpdate::parse_http_date(server_date.trim()).ok()?;
    let rtt = received.duration_since(sent).unwrap_or(Duration::ZERO);
    let local_mid = sent + rtt / 2;
    Some(match local_mid.duration_since(server) {
        Ok(ahead) => i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX),
        Err(behind) => -i64::try_from(behind.duration().as_secs()).unwrap_or(i64::MAX),
    })
}

/// Whether an offset deserves a warning.
pub fn is_skewed(offset_secs: i64) -> bool {
    offset_secs.unsigned_abs() > SKEW_WARNING.as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_days_fast_is_reported_and_flagged() {
        let server = std::time::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let local = server + Duration::from_secs(3 * 86_400);
        let date = httpdate::fmt_http_date(server);
        let off = clock_offset_secs(&date, local, local + Duration::from_millis(40)).unwrap();
        assert_eq!(off, 3 * 86_400);
        assert!(is_skewed(off));
    }

    #[test]
    fn slightly_behind_is_fine() {
        let server = std::time::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let local = server - Duration::from_secs(90);
        let off = clock_offset_secs(&httpdate::fmt_http_date(server), local, local).unwrap();
        assert_eq!(off, -90);
        assert!(!is_skewed(off));
    }

    #[test]
    fn garbage_date_gives_nothing() {
        let now = SystemTime::now();
        assert_eq!(clock_offset_secs("yesterday", now, now), None);
    }
}
