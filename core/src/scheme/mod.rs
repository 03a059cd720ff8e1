//! Scheme detection: what a scanned string is, whom it pays, how much, and every route to pay it.
//!
//! Detection is a pure, synchronous function. Families are tried in the order of
//! [`DETECTORS`] (most specific first); inside an EMV code, templates are named by the
//! table in [`registry`]. Anything that needs the network (resolving a Pix location,
//! a quote) is a separate step elsewhere.

mod bank_transfer;
mod bolt11;
mod cpm;
mod detection;
mod error;
mod mpm;
mod numeric;
pub mod registry;
mod thai;
mod uri;

pub use detection::{
    CrcStatus, Detection, Format, Merchant, Presentment, Reference, ReferenceKind, Route, RouteField, RouteRole,
    Warning,
};
pub use error::{DetectError, DetectErrorKind, Rejection};
pub use registry::SchemeId;

/// A detector: `None` when the payload is not of its family.
type Detector = fn(&str, i64) -> Option<Result<Detection, DetectError>>;

/// Payload families, most specific first (schemes.md §0).
static DETECTORS: &[(&str, Detector)] = &[
    ("emv-cpm", cpm::detect),
    ("thai-slip-verify", thai::slip_verify),
    // 16-36 digits only: no EMV code is all digits (58 always carries letters).
    ("numeric-paycode", numeric::detect),
    ("emv-mpm", |p, now| looks_like_emv(p).then(|| mpm::detect(p, now))),
    ("uri", uri::detect),
    ("bolt11", bolt11::detect),
    ("epc", bank_transfer::epc),
    ("swiss-qr-bill", bank_transfer::swiss_qr_bill),
    ("thai-bot-barcode", thai::bot_barcode),
];

fn looks_like_emv(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() >= 4 && b[..4].iter().all(u8::is_ascii_digit)
}

/// Detects what `payload` is, checking expiry against the system clock.
pub fn detect(payload: &str) -> Result<Detection, DetectError> {
    let now_ms =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    detect_at(payload, now_ms)
}

/// Detects what `payload` is, as of `now_ms` (Unix milliseconds) for expiring codes.
pub fn detect_at(payload: &str, now_ms: i64) -> Result<Detection, DetectError> {
    // Scanners often hand over a trailing newline; no family ends in white space.
    let payload = payload.trim_matches(|c: char| c.is_ascii_whitespace());
    if payload.is_empty() {
        return Err(DetectError::Empty);
    }
    for (_, detector) in DETECTORS {
        if let Some(result) = detector(payload, now_ms) {
            return result;
        }
    }
    Ok(Detection::new(Format::Unknown, Presentment::Unknown))
}

/// A payable or label route with no EMV tag.
pub(crate) fn simple_route(
    scheme: SchemeId,
    role: RouteRole,
    identifier: Option<String>,
    fields: Vec<RouteField>,
) -> Route {
    Route { scheme, role, p2p: false, tag: None, guid: None, identifier, fields }
}

/// A named field, when there is a value.
pub(crate) fn field(name: &'static str, value: Option<&str>) -> Option<RouteField> {
    value.map(|v| RouteField { name, value: v.to_owned() })
}

#[cfg(test)]
mod tests;
