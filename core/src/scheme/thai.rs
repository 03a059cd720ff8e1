//! Thai look-alikes that are not payment requests: transfer-slip "mini QR" and BOT bill barcodes (§3).

use super::registry::{THAI_BOT_BARCODE, THAI_SLIP_VERIFY};
use super::{field, simple_route, DetectError, Detection, Format, Presentment, RouteRole};
use crate::emv::TlvIter;
use crate::money::{Currency, Money};

/// `00` holding a template whose 00 is the Slip Verify API id "000001"; country in 51, CRC in 91.
pub(crate) fn slip_verify(payload: &str, _now_ms: i64) -> Option<Result<Detection, DetectError>> {
    // Cheap test first: every payment code opens "000201" or "000202"; a slip opens "00" with a longer template.
    if !payload.starts_with("00") || payload.get(2..4).is_some_and(|len| len == "02") {
        return None;
    }
    let first = TlvIter::new(payload, 0).next()?.ok()?;
    if first.tag != 0 || first.value.len() <= 2 || first.sub(0) != Some("000001") {
        return None;
    }
    let mut d = Detection::new(Format::NotAPayment, Presentment::Unknown);
    let fields =
        [field("sending_bank", first.sub(1)), field("trans_ref", first.sub(2))].into_iter().flatten().collect();
    d.routes.push(simple_route(THAI_SLIP_VERIFY, RouteRole::Label, first.sub(2).map(str::to_owned), fields));
    d.country = TlvIter::new(payload, 0).map_while(Result::ok).find(|o| o.tag == 51).map(|o| o.value.to_owned());
    Some(Ok(d))
}

/// `|` biller(15) CR ref1 CR ref2 CR amount-in-satang.
pub(crate) fn bot_barcode(payload: &str, _now_ms: i64) -> Option<Result<Detection, DetectError>> {
    let rest = payload.strip_prefix('|')?;
    let parts: Vec<&str> = rest.split('\r').collect();
    let biller = parts[0];
    if biller.len() != 15 || !biller.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut d = Detection::new(Format::NotAPayment, Presentment::Unknown);
    let thb = Currency::from_alpha("THB").expect("THB is in the table");
    d.currency = Some(thb);
    d.country = Some("TH".into());
    // A zero (or unreadable) amount is no amount: the bill says nothing about what is owed.
    if let Some(satang) = parts
        .get(3)
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|s| *s > 0)
    {
        d.amount = Some(Money::from_minor(satang, thb));
    }
    let fields =
        [field("biller_id", Some(biller)), field("ref1", parts.get(1).copied()), field("ref2", parts.get(2).copied())]
            .into_iter()
            .flatten()
            .collect();
    d.routes.push(simple_route(THAI_BOT_BARCODE, RouteRole::Label, Some(biller.to_owned()), fields));
    Some(Ok(d))
}
