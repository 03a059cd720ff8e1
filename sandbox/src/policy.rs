//! The till's figures in one place: what a consumer-presented code guarantees (ADR 0003).

/// How long after its creation a code is accepted, judged by the host's clock (the core's
/// figure, which the phone also uses to refresh the code on screen).
pub const CODE_LIFETIME_SECS: i64 = koban_core::crypto::CODE_LIFETIME_SECS as i64;
/// Tolerated clock difference for a code created "in the future" by a phone's fast clock.
pub const FUTURE_SKEW_SECS: i64 = 30;
/// How long after its signed scan time an offline till may still submit a charge.
pub const OFFLINE_CAPTURE_SECS: i64 = 10 * 60;
/// The largest offline capture, in JPY (converted at the mid rate for other currencies):
/// a queued charge risks only a small amount.
pub const OFFLINE_FLOOR_JPY: i64 = 3_000;
/// Wrong cryptograms in a row after which a token's remaining keys are revoked.
pub const MAX_CRYPTOGRAM_FAILURES: i64 = 5;
/// How long a provisioned single-use key stays usable.
pub const KEY_LIFETIME_SECS: i64 = 7 * 24 * 60 * 60;
/// Most live (unused, unexpired, unretired) keys one device may hold.
pub const MAX_LIVE_KEYS: i64 = 20;
/// Most keys asked for in one provisioning request.
pub const MAX_BATCH: u32 = 20;
/// The host's default ceiling for a till charge captured without the shopper's approval,
/// in JPY (converted for other home currencies); the shopper may lower it.
pub const NO_CONFIRM_LIMIT_JPY: i64 = 10_000;
/// How long the shopper has to approve a charge above the ceiling.
pub const APPROVAL_WINDOW_SECS: i64 = 2 * 60;
/// How long a terminal enrolment token stays valid.
pub const ENROLMENT_TOKEN_SECS: i64 = 24 * 60 * 60;

/// Recipient lookups (`GET /v1/recipients/{handle}`) one wallet may make a minute: enough to
/// confirm every friend one sends to, too few to walk the handle space for names.
pub const RECIPIENT_LOOKUPS_PER_MINUTE: u32 = 30;

/// Pending requests one wallet may have open with the same friend: a reminder is fine, a
/// stream of requests is harassment (and every one prompts the friend's phone).
pub const MAX_PENDING_REQUESTS_PER_FRIEND: i64 = 3;
/// Money requests (split shares included) one wallet may make in a day: a large split or two
/// fits, a spam run does not.
pub const MONEY_REQUESTS_PER_DAY: i64 = 60;
