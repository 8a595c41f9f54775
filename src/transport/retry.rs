//! When to retry and how long to wait: 408, 409, 429 and 5xx, and failures
//! before any response byte; exponential backoff with jitter, or the wait
//! the server asks for (`retry-after-ms`, then `Retry-After` in seconds or
//! as an HTTP date). A server wait over [`MAX_SERVER_WAIT`] is not slept:
//! yap gives up at once and says how long the server asked for.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::HeaderMap;

use crate::error::Failure;

pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(60);
const BASE: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(8);

pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 409 | 429 | 500..=599)
}

/// A 429 that says the account is out of quota: it waits for billing, not
/// for time, so it is never retried.
pub fn is_quota(failure: &Failure) -> bool {
    failure.status == Some(429)
        && failure.extra.as_ref().is_some_and(|extra| {
            ["code", "type"]
                .iter()
                .any(|k| extra.get(k).and_then(|v| v.as_str()) == Some("insufficient_quota"))
        })
}

/// The one back-off shared by every request of a process: after a 429 that
/// asked for a wait, no request starts before it is over.
#[derive(Debug, Default)]
pub struct Gate(Mutex<Option<Instant>>);

impl Gate {
    /// Hold every request back for `pause` from now (a later hold wins).
    pub fn hold(&self, pause: Duration) {
        let until = Instant::now() + pause;
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none_or(|u| u < until) {
            *slot = Some(until);
        }
    }

    /// When requests may start again, if they are held back.
    pub fn until(&self) -> Option<Instant> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The wait the server asks for, if it says.
pub fn server_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e9)));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Exponential backoff for retry number `attempt` (0-based), with jitter
/// between half and all of the step.
pub fn backoff(attempt: u32) -> Duration {
    let step = BASE
        .saturating_mul(1u32 << attempt.min(16))
        .min(MAX_BACKOFF);
    let jitter = 0.5 + 0.5 * random_unit();
    step.mul_f64(jitter)
}

fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn statuses() {
        for s in [408, 409, 429, 500, 502, 503, 529] {
            assert!(retryable_status(s), "{s}");
        }
        for s in [400, 401, 403, 404, 422] {
            assert!(!retryable_status(s), "{s}");
        }
    }

    #[test]
    fn prefers_ms_then_seconds_then_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(server_wait(&h, now), Some(Duration::from_secs(7)));
        h.insert("retry-after-ms", HeaderValue::from_static("1224"));
        assert_eq!(server_wait(&h, now), Some(Duration::from_millis(1224)));
        let mut h = HeaderMap::new();
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        h.insert("retry-after", HeaderValue::from_str(&date).unwrap());
        assert_eq!(server_wait(&h, now), Some(Duration::from_secs(30)));
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(server_wait(&h, now), None);
    }

    #[test]
    fn a_quota_429_is_not_retried() {
        let mut f = Failure::new(crate::error::Kind::RateLimited, "x").with_status(429);
        assert!(!is_quota(&f));
        f.extra = Some(serde_json::json!({"type": "insufficient_quota"}));
        assert!(is_quota(&f));
        f.status = Some(400);
        assert!(!is_quota(&f));
    }

    #[test]
    fn the_gate_keeps_the_latest_hold() {
        let gate = Gate::default();
        assert!(gate.until().is_none());
        gate.hold(Duration::from_secs(5));
        gate.hold(Duration::from_secs(1));
        let until = gate.until().unwrap();
        assert!(until > Instant::now() + Duration::from_secs(3));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        for attempt in 0..20 {
            let d = backoff(attempt);
            let step = BASE
                .saturating_mul(1u32 << attempt.min(16))
                .min(MAX_BACKOFF);
            assert!(d >= step / 2 && d <= step, "{attempt}: {d:?}");
        }
    }
}
