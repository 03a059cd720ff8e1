//! Moments across the boundary: the core counts Unix seconds (host time), the apps get
//! `java.time.Instant` and `Date` (UniFFI maps `SystemTime` to both).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The moment `secs` seconds after the Unix epoch (before it, for a negative count).
pub(crate) fn at(secs: i64) -> SystemTime {
    let d = Duration::from_secs(secs.unsigned_abs());
    if secs >= 0 {
        UNIX_EPOCH.checked_add(d).unwrap_or(UNIX_EPOCH)
    } else {
        UNIX_EPOCH.checked_sub(d).unwrap_or(UNIX_EPOCH)
    }
}

/// The moment `ms` milliseconds after the Unix epoch.
pub(crate) fn at_ms(ms: i64) -> SystemTime {
    let d = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        UNIX_EPOCH.checked_add(d).unwrap_or(UNIX_EPOCH)
    } else {
        UNIX_EPOCH.checked_sub(d).unwrap_or(UNIX_EPOCH)
    }
}

/// Whole Unix seconds of `t` (rounded towards the past), saturating far from the epoch.
pub(crate) fn secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => {
            let before = e.duration();
            let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            // 1.5 s before the epoch is second -2, as for times after it the fraction is dropped.
            -whole - i64::from(before.subsec_nanos() > 0)
        }
    }
}

/// Unix milliseconds of `t` (rounded towards the past), saturating.
pub(crate) fn millis(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => {
            let before = e.duration();
            let whole = i64::try_from(before.as_millis()).unwrap_or(i64::MAX);
            -whole - i64::from(before.subsec_nanos() % 1_000_000 > 0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_milliseconds_round_trip_on_both_sides_of_the_epoch() {
        for s in [0, 1, -1, 1_796_586_901, -86_400, i64::from(i32::MAX) * 4] {
            assert_eq!(secs(at(s)), s);
        }
        for ms in [0, 1, -1, 1_727_249_484_974, -1_500] {
            assert_eq!(millis(at_ms(ms)), ms);
        }
        assert_eq!(secs(at_ms(-1_500)), -2, "towards the past");
        assert_eq!(secs(at_ms(1_500)), 1);
    }
}
