//! When to try again after a failed round (ARCHITECTURE.md §5.2): exponential backoff with full
//! jitter, capped at 15 minutes, never sooner than the server's `Retry-After`.
//!
//! Full jitter (a uniform draw between zero and the exponential ceiling) spreads the retries of a
//! whole county's windows after an outage, instead of having them all return at the same second.

use std::time::Duration;

/// The first ceiling; it doubles with every consecutive failure.
pub const BASE_DELAY: Duration = Duration::from_secs(2);
/// No window waits longer than this between attempts, whatever happened.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);

/// The delay before attempt `failures + 1`, given how many consecutive rounds failed (≥ 1), the
/// server's `Retry-After` if it sent one, and a uniform random number in `[0, 1)`.
///
/// The randomness is passed in so tests can pin it; the engine draws it from a fresh RNG.
pub fn retry_delay(failures: u32, retry_after: Option<Duration>, unit_random: f64) -> Duration {
    let exponent = failures.saturating_sub(1).min(20);
    let ceiling = BASE_DELAY.saturating_mul(1u32 << exponent).min(MAX_DELAY);
    let unit = if unit_random.is_finite() {
        unit_random.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let jittered = ceiling.mul_f64(unit);
    // The server knows its own load: honour Retry-After, but still within the 15-minute cap so a
    // misconfigured header cannot park a window for a day.
    match retry_after {
        Some(after) => jittered.max(after).min(MAX_DELAY),
        None => jittered,
    }
}

/// Parses a `Retry-After` header: either delta-seconds or an HTTP date relative to `now`.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_and_caps_at_fifteen_minutes() {
        assert_eq!(
            retry_delay(1, None, 0.999_999),
            Duration::from_secs(2).mul_f64(0.999_999)
        );
        assert_eq!(retry_delay(2, None, 0.5), Duration::from_secs(2));
        assert_eq!(retry_delay(3, None, 0.5), Duration::from_secs(4));
        assert_eq!(
            retry_delay(40, None, 0.999_999),
            MAX_DELAY.mul_f64(0.999_999)
        );
        for failures in 1..200 {
            assert!(retry_delay(failures, None, 0.999_999) <= MAX_DELAY);
        }
    }

    #[test]
    fn full_jitter_can_be_zero() {
        assert_eq!(retry_delay(10, None, 0.0), Duration::ZERO);
    }

    #[test]
    fn retry_after_is_a_floor_but_the_cap_still_holds() {
        let after = Duration::from_secs(120);
        assert_eq!(retry_delay(1, Some(after), 0.1), after);
        assert_eq!(
            retry_delay(1, Some(Duration::from_secs(86_400)), 0.1),
            MAX_DELAY
        );
    }

    #[test]
    fn bad_randomness_does_not_panic_or_overshoot() {
        assert_eq!(retry_delay(3, None, f64::NAN), Duration::ZERO);
        assert_eq!(retry_delay(3, None, 7.0), Duration::from_secs(8));
    }

    #[test]
    fn retry_after_in_both_forms() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            parse_retry_after(" 30 ", now),
            Some(Duration::from_secs(30))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
