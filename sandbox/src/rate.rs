//! Per-caller rate limits for reads that reveal something about other people (who a handle
//! is): without one, any enrolled device could walk the handle space and collect everyone's
//! display name and country.

use std::collections::HashMap;
use std::sync::Mutex;

/// Fixed one-minute windows per key: at most `per_minute` calls in the minute `now` falls in.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl RateLimiter {
    /// Counts a call by `key` at host time `now`; false when it is over the limit.
    pub fn allow(&self, key: &str, now: i64, per_minute: u32) -> bool {
        let minute = now.div_euclid(60);
        let mut w = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        // Old windows go once the map grows, so it stays as small as one minute's callers.
        if w.len() > 10_000 {
            w.retain(|_, (m, _)| *m == minute);
        }
        let e = w.entry(key.to_owned()).or_insert((minute, 0));
        if e.0 != minute {
            *e = (minute, 0);
        }
        e.1 += 1;
        e.1 <= per_minute
    }
}

#[cfg(test)]
mod tests {
    use super::RateLimiter;

    #[test]
    fn a_caller_gets_its_quota_each_minute_and_others_are_untouched() {
        let r = RateLimiter::default();
        assert!((0..30).all(|_| r.allow("d1", 120, 30)));
        assert!(!r.allow("d1", 150, 30), "the 31st in the same minute");
        assert!(r.allow("d2", 150, 30), "another caller has its own quota");
        assert!(r.allow("d1", 180, 30), "a new minute");
    }
}
