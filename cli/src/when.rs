//! Times for people: the local time with its zone, and how far away it is ("in 52 s",
//! "3 min ago"). Machine output (`--json`) keeps the Unix seconds and milliseconds it had.

use jiff::tz::TimeZone;
use jiff::Timestamp;

/// `at` (Unix seconds) in this machine's zone, relative to `now` (Unix seconds): e.g.
/// "21:12:01 JST (in 52 s)", with the date when it is not today.
pub fn human(at: i64, now: i64) -> String {
    human_in(at, now, &TimeZone::system())
}

/// [`human`] for Unix milliseconds.
pub fn human_ms(at_ms: i64, now: i64) -> String {
    human(at_ms.div_euclid(1000), now)
}

/// The current Unix time in seconds by this machine's clock.
pub fn now() -> i64 {
    Timestamp::now().as_second()
}

/// The Unix time at which the local calendar day `date` (`YYYY-MM-DD`) starts in this
/// machine's zone; `days_after` moves to a later day (1: the start of the next day).
pub fn day_start(date: &str, days_after: i64) -> Result<i64, String> {
    day_start_in(date, days_after, &TimeZone::system())
}

/// [`day_start`] in the zone `tz`.
pub fn day_start_in(date: &str, days_after: i64, tz: &TimeZone) -> Result<i64, String> {
    let bad = || format!("{date:?} is not a date (YYYY-MM-DD)");
    let d: jiff::civil::Date = date.parse().map_err(|_| bad())?;
    let d = d.checked_add(jiff::Span::new().days(days_after)).map_err(|_| bad())?;
    let start = d.to_zoned_datetime(tz.clone()).map_err(|_| bad())?;
    Ok(start.timestamp().as_second())
}

/// [`human`] in the zone `tz`.
pub fn human_in(at: i64, now: i64, tz: &TimeZone) -> String {
    let (Ok(at_ts), Ok(now_ts)) = (Timestamp::from_second(at), Timestamp::from_second(now)) else {
        // Out of the range any clock shows: say what it is rather than fail.
        return format!("Unix time {at}");
    };
    let (local, today) = (at_ts.to_zoned_datetime(tz.clone()), now_ts.to_zoned_datetime(tz.clone()));
    let clock = if local.date() == today.date() {
        local.strftime("%H:%M:%S %Z").to_string()
    } else {
        local.strftime("%Y-%m-%d %H:%M:%S %Z").to_string()
    };
    format!("{clock} ({})", relative(at - now))
}

/// "in 52 s", "3 min ago", "now": the unit chosen so the number stays small.
pub fn relative(delta_secs: i64) -> String {
    let n = delta_secs.unsigned_abs();
    if n == 0 {
        return "now".into();
    }
    let span = match n {
        0..=89 => format!("{n} s"),
        90..=5_399 => format!("{} min", (n + 30) / 60),
        5_400..=129_599 => format!("{} h", (n + 1_800) / 3_600),
        129_600..=63_071_999 => format!("{} days", (n + 43_200) / 86_400),
        _ => format!("{} years", n / 31_557_600),
    };
    if delta_secs > 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_days_start_at_local_midnight() {
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        // 2026-12-07 00:00 JST is 2026-12-06 15:00 UTC.
        assert_eq!(day_start_in("2026-12-07", 0, &tokyo).unwrap(), 1_796_569_200);
        assert_eq!(day_start_in("2026-12-07", 1, &tokyo).unwrap() - 1_796_569_200, 86_400);
        assert!(day_start_in("2026-02-30", 0, &tokyo).is_err());
        assert!(day_start_in("yesterday", 0, &tokyo).is_err());
    }

    #[test]
    fn relative_times_read_like_speech() {
        assert_eq!(relative(52), "in 52 s");
        assert_eq!(relative(-52), "52 s ago");
        assert_eq!(relative(0), "now");
        assert_eq!(relative(-3 * 60), "3 min ago");
        assert_eq!(relative(2 * 3600 + 60), "in 2 h");
        assert_eq!(relative(-3 * 86_400), "3 days ago");
        assert_eq!(relative(-800 * 86_400), "2 years ago");
    }

    #[test]
    fn local_time_has_its_zone_and_the_date_only_when_not_today() {
        let tokyo = TimeZone::fixed(jiff::tz::offset(9));
        // 2026-12-07 06:12:01 +09:00.
        let at = 1_796_591_521;
        assert_eq!(human_in(at, at - 52, &tokyo), "06:12:01 +09 (in 52 s)");
        assert_eq!(human_in(at, at + 2 * 86_400, &tokyo), "2026-12-07 06:12:01 +09 (2 days ago)");
        assert_eq!(human_in(i64::MAX, 0, &tokyo), format!("Unix time {}", i64::MAX));
    }
}
