//! The JSON shapes other tools rely on (`koban detect --json`, `koban scan --json`).

use koban_core::scheme::{DetectError, Detection, ReferenceKind};
use serde_json::{json, Map, Value};

/// The stable keys of a detection, plus the full routes and references.
pub fn detection(d: &Detection) -> Value {
    let merchant = d.merchant.clone().unwrap_or_default();
    json!({
        "format": d.format.as_str(),
        "presentment": d.presentment.as_str(),
        "schemes": d.schemes().iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "country": d.country,
        "currency": d.currency.map(|c| c.alpha()),
        "amount": d.amount.map(|a| a.to_decimal_string()),
        "merchant_name": merchant.name,
        "merchant_city": merchant.city,
        "initiation": d.initiation,
        "crc_valid": d.crc.is_valid(),
        "warnings": d.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "mcc": merchant.mcc,
        "postal_code": merchant.postal_code,
        "merchant_alternate": merchant.alternate,
        "tip": d.tip,
        "expires_at_ms": d.expires_at_ms,
        "references": d.references.iter().map(|r| json!({
            "kind": r.kind,
            "value": r.value,
            "ask_payer": r.value.is_none() && r.kind != ReferenceKind::ConsumerDataRequest,
        })).collect::<Vec<_>>(),
        "routes": d.routes,
    })
}

/// `{"error": {"kind", "message"}}`, with what was read before a refusal merged in.
pub fn error(e: &DetectError) -> Value {
    let mut out = match e.partial() {
        Some(d) => detection(d).as_object().cloned().unwrap_or_default(),
        None => Map::new(),
    };
    out.insert("error".into(), json!({ "kind": e.kind(), "message": e.to_string() }));
    Value::Object(out)
}
