//! Lightning BOLT11 invoices, recognised by family: network, amount, bech32 checksum, case.

use super::registry::LIGHTNING;
use super::{field, simple_route, DetectError, Detection, Format, Presentment, Rejection, RouteRole};

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
    let fields = [
        field("hrp", Some(hrp)),
        field("network", Some(network)),
        field("amount", Some(amount).filter(|a| !a.is_empty())),
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
    Some(match reason {
        None => Ok(d),
        Some(r) => Err(DetectError::Rejected { reasons: vec![r], detection: Box::new(d) }),
    })
}
