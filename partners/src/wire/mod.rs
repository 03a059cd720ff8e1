//! Request and response bodies, shared by the server and the client so both agree byte for byte.
//!
//! One module per network, each in that network's public field names, and one per network for
//! the merchant-presented side (`*_mpm`: a partner wallet paying the network's merchants);
//! `sim` holds the simulator's own endpoints (the users' phones, the merchants, the operator). Each network module also
//! holds its table of result codes, so rendering and parsing derive from one place.

pub mod alipay_plus;
pub mod alipay_plus_mpm;
pub mod sim;
pub mod unionpay;
pub mod unionpay_mpm;
pub mod wechat_pay;
pub mod wechat_pay_mpm;

/// The merchant-presented decode endpoints: reads that change nothing.
pub const DECODE_PATHS: [&str; 3] =
    [alipay_plus_mpm::PATH_DECODE, wechat_pay_mpm::PATH_DECODE, unionpay_mpm::PATH_DECODE];

/// Parses a string of decimal minor units (`"1200"`), as Alipay+ and UnionPay carry amounts.
pub fn parse_minor(value: &str) -> Option<i64> {
    if value.is_empty() || value.len() > 15 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

use crate::error::RefusalKind;
use crate::model::PayFailure;

/// What a network's result code means, network-neutral. Each network module lists its codes
/// against these once; the server renders from that table and the client parses with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Done: paid, cancelled or refunded as asked (or, for an inquiry, the call worked).
    Success,
    /// The user is confirming: inquire again, or cancel.
    Processing,
    /// The payment failed for this reason; nothing was taken.
    Failed(PayFailure),
    /// The payment was cancelled; anything taken went back.
    Cancelled,
    /// The request was refused; nothing happened.
    Refused(RefusalKind),
    /// The outcome is unknown (a system error): retry with the same request id, or inquire.
    Unknown,
}

/// The code for `meaning` in a network's table; `fallback` when the table has none.
pub fn code_for(table: &[(&'static str, Meaning)], meaning: Meaning, fallback: &'static str) -> &'static str {
    table.iter().find(|(_, m)| *m == meaning).map(|(c, _)| *c).unwrap_or(fallback)
}

/// What a code of a network's table means; [`Meaning::Unknown`] for a code it does not list,
/// so that a client never takes an unexpected answer for a definite one.
pub fn meaning_of(table: &[(&'static str, Meaning)], code: &str) -> Meaning {
    table.iter().find(|(c, _)| *c == code).map(|(_, m)| *m).unwrap_or(Meaning::Unknown)
}
