//! Lightning BOLT11 invoices, recognised by family: network, amount, bech32 checksum, case.

use super::registry::LIGHTNING;
use super::{field, simple_route, DetectError, Detection, Format, Presentment, Rejection, RouteRole, Warning};
use crate::money::{Currency, Money};

const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/// The bech32 checksum (BIP-173), which BOLT11 uses over the human-readable part and data.
fn bech32_valid(hrp: &str, data: &[u8]) -> bool {
    const GEN: [u32; 5] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3];
    let mut chk: u32 = 1;
    let mut feed = |v: u8| {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    };
    for b in hrp.bytes() {
        feed(b >> 5);
    }
    feed(0);
    for b in hrp.bytes() {
        feed(b & 31);
    }
    for &v in data {
        feed(v);
    }
    chk == 1
}

/// The amount of the human-readable part in millisatoshis (BOLT11 "Human-Readable Part"):
/// digits, then an optional multiplier m (10^-3 BTC), u (10^-6), n (10^-9) or p (10^-12).
/// `Ok(None)` when there is no amount. A reader must fail on a non-digit or an unknown
/// multiplier, and on a `p` amount whose last decimal is not 0 (it would be sub-millisatoshi).
fn amount_msat(text: &str) -> Result<Option<u64>, String> {
    let Some(last) = text.chars().last() else { return Ok(None) };
    // Pico-bitcoin per unit of the written number; one millisatoshi is 10 pico-bitcoin.
    let (digits, pico_per_unit): (&str, u128) = match last {
        'm' => (&text[..text.len() - 1], 1_000_000_000),
        'u' => (&text[..text.len() - 1], 1_000_000),
        'n' => (&text[..text.len() - 1], 1_000),
        'p' => (&text[..text.len() - 1], 1),
        _ => (text, 1_000_000_000_000),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{text:?} is not digits followed by an optional multiplier (m, u, n, p)"));
    }
    if last == 'p' && !digits.ends_with('0') {
        return Err(format!("{text:?}: a p amount must end in 0 (whole millisatoshis)"));
    }
    let too_large = || format!("{text:?} is more bitcoin than exists");
    let number: u128 = digits.parse().map_err(|_| too_large())?;
    let msat = number.checked_mul(pico_per_unit).ok_or_else(too_large)? / 10;
    u64::try_from(msat).map(Some).map_err(|_| too_large())
}

/// The detection's amount: whole satoshis (BTC with 8 decimals), rounded up from a
/// sub-satoshi invoice amount with a warning (paying a little more is allowed, BOLT11 lets
/// a payer send up to twice the amount, paying less is refused). `None` for zero.
fn amount_money(msat: u64, warnings: &mut Vec<Warning>) -> Result<Option<Money>, String> {
    let sat = msat.div_ceil(1000);
    if msat % 1000 != 0 {
        warnings.push(Warning::new(
            "amount_rounded",
            format!("the invoice asks for {msat} millisatoshis; shown rounded up to {sat} satoshis"),
        ));
    }
    let sat = i64::try_from(sat).map_err(|_| format!("{msat} millisatoshis is more bitcoin than exists"))?;
    Ok((sat > 0).then(|| Money::from_minor(sat, Currency::BTC)))
}

pub(crate) fn detect(payload: &str, _now_ms: i64) -> Option<Result<Detection, DetectError>> {
    let lower = payload.to_ascii_lowercase();
    let body = lower.strip_prefix("lightning:").unwrap_or(&lower);
    if !body.starts_with("ln") {
        return None;
    }
    let sep = body.rfind('1')?;
    let (hrp, data) = (&body[..sep], &body[sep + 1..]);
    let network = ["bcrt", "bc", "tbs", "tb", "sb"].into_iter().find(|n| hrp[2..].starts_with(n))?;
    let amount = &hrp[2 + network.len()..];
    if data.len() < 6 + 104 {
        return None;
    }
    let values: Option<Vec<u8>> = data.bytes().map(|c| CHARSET.iter().position(|&x| x == c).map(|p| p as u8)).collect();
    let values = values?;
    let mut d = Detection::new(Format::Bolt11, Presentment::Unknown);
    d.currency = Some(Currency::BTC);
    let mut amount_error = None;
    let msat = match amount_msat(amount) {
        Ok(msat) => msat,
        Err(reason) => {
            amount_error = Some(Rejection::InvalidAmount { value: amount.to_owned(), reason });
            None
        }
    };
    if let Some(msat) = msat {
        match amount_money(msat, &mut d.warnings) {
            Ok(Some(money)) => d.amount = Some(money),
            Ok(None) => d.warnings.push(Warning::new("zero_amount", "amount is zero; the payer enters the amount")),
            Err(reason) => amount_error = Some(Rejection::InvalidAmount { value: amount.to_owned(), reason }),
        }
    }
    let msat_text = msat.map(|m| m.to_string());
    let fields = [
        field("hrp", Some(hrp)),
        field("network", Some(network)),
        field("amount", Some(amount).filter(|a| !a.is_empty())),
        field("amount_msat", msat_text.as_deref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    d.routes.push(simple_route(LIGHTNING, RouteRole::Payable, None, fields));
    let original = payload.strip_prefix("lightning:").or_else(|| payload.strip_prefix("LIGHTNING:")).unwrap_or(payload);
    let mixed = original.bytes().any(|b| b.is_ascii_lowercase()) && original.bytes().any(|b| b.is_ascii_uppercase());
    let reason = if mixed {
        Some(Rejection::MixedCase)
    } else if !bech32_valid(hrp, &values) {
        Some(Rejection::BadChecksum)
    } else {
        None
    };
    let reasons: Vec<Rejection> = reason.into_iter().chain(amount_error).collect();
    Some(if reasons.is_empty() { Ok(d) } else { Err(DetectError::Rejected { reasons, detection: Box::new(d) }) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_follow_the_multiplier_table() {
        // BOLT11: 1 BTC = 10^11 msat; m 10^-3, u 10^-6, n 10^-9, p 10^-12 BTC.
        assert_eq!(amount_msat(""), Ok(None));
        assert_eq!(amount_msat("1"), Ok(Some(100_000_000_000)));
        assert_eq!(amount_msat("1m"), Ok(Some(100_000_000)));
        assert_eq!(amount_msat("1u"), Ok(Some(100_000)));
        assert_eq!(amount_msat("1n"), Ok(Some(100)));
        assert_eq!(amount_msat("10p"), Ok(Some(1)));
        assert_eq!(amount_msat("2500u"), Ok(Some(250_000_000)));
        assert_eq!(amount_msat("20m"), Ok(Some(2_000_000_000)));
        // Every multiplier is 1000 of the next smaller one.
        for n in [1u128, 7, 42, 2500, 21_000_000] {
            let msat = amount_msat(&n.to_string()).unwrap();
            assert_eq!(amount_msat(&format!("{}m", n * 1_000)).unwrap(), msat);
            assert_eq!(amount_msat(&format!("{}u", n * 1_000_000)).unwrap(), msat);
            assert_eq!(amount_msat(&format!("{}n", n * 1_000_000_000)).unwrap(), msat);
            assert_eq!(amount_msat(&format!("{}p", n * 1_000_000_000_000)).unwrap(), msat);
        }
    }

    #[test]
    fn readers_must_fail_what_bolt11_says_to_fail() {
        for last in 1..=9 {
            assert!(amount_msat(&format!("123{last}p")).is_err(), "123{last}p is sub-millisatoshi");
            assert!(amount_msat(&format!("{last}p")).is_err());
        }
        for bad in ["m", "1x", "1.5m", "-1m", "1mm", "１m", "99999999999999999999999999999999999999999"] {
            assert!(amount_msat(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_detection_amount_is_whole_satoshis_rounded_up() {
        let mut w = Vec::new();
        assert_eq!(amount_money(250_000_000, &mut w), Ok(Some(Money::from_minor(250_000, Currency::BTC))));
        assert!(w.is_empty());
        assert_eq!(amount_money(1, &mut w), Ok(Some(Money::from_minor(1, Currency::BTC))));
        assert_eq!(w[0].code, "amount_rounded");
        assert_eq!(amount_money(0, &mut Vec::new()), Ok(None));
    }
}
