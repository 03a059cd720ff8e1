//! Payment codes the host makes and reads: person-to-person receive codes, and re-detection
//! of merchant payloads with the core's detector.

use koban_core::emv::{Account, Initiation, MerchantCode, MpmView, Template};
use koban_core::scheme::{self, CrcStatus, Detection, Presentment};

use crate::error::ApiError;
use crate::fx;

/// GUID of the template that carries a Koban wallet handle in a receive code (the core's constant).
pub const P2P_GUID: &str = koban_core::scheme::registry::KOBAN_P2P_GUID;

/// Builds the receive code of a wallet.
pub fn receive_code(handle: &str, display_name: &str, country: &str, currency: &str) -> Result<String, ApiError> {
    let mut code = MerchantCode::new(country, fx::currency(currency)?);
    code.initiation = Some(Initiation::Static);
    code.accounts = vec![Account::Template(Template::with_guid(26, P2P_GUID, [(1, handle.to_owned())]))];
    code.merchant_category = Some("0000".into());
    let name: String = display_name.chars().take(25).collect();
    code.merchant_name = Some(name);
    code.merchant_city = Some(country.to_owned());
    code.encode().map_err(|e| ApiError::Internal(format!("receive code: {e}")))
}

/// Reads the wallet handle out of a receive code; refuses damaged codes and other codes.
pub fn handle_from_receive_code(payload: &str) -> Result<String, ApiError> {
    let payload = payload.trim();
    let view = MpmView::parse(payload).map_err(|e| ApiError::InvalidPayload(e.to_string()))?;
    if view.crc() != &koban_core::emv::CrcCheck::Valid {
        return Err(ApiError::InvalidPayload("receive code checksum does not match".into()));
    }
    let code =
        MerchantCode::from_view(&view).ok_or_else(|| ApiError::InvalidPayload("unreadable receive code".into()))?;
    code.accounts
        .iter()
        .find_map(|a| match a {
            Account::Template(t) if t.fields.first().is_some_and(|f| f.tag == 0 && f.value == P2P_GUID) => {
                t.fields.iter().find(|f| f.tag == 1).map(|f| f.value.clone())
            }
            _ => None,
        })
        .ok_or_else(|| ApiError::InvalidPayload("not a Koban receive code".into()))
}

/// Re-detects a merchant payload with the core's detector, refusing anything a wallet must
/// not pay: unreadable, damaged (bad CRC), consumer-presented or without a payable route.
/// A person's static code (a Thai stall's PromptPay number) is payable like a merchant's.
pub fn detect_merchant_code(payload: &str, now_secs: i64) -> Result<Detection, ApiError> {
    let d = scheme::detect_at(payload, now_secs.saturating_mul(1000))
        .map_err(|e| ApiError::InvalidPayload(e.to_string()))?;
    if let CrcStatus::Invalid { .. } = d.crc {
        return Err(ApiError::InvalidPayload("checksum does not match".into()));
    }
    if !matches!(d.presentment, Presentment::Merchant | Presentment::P2p) || !d.is_payable() {
        return Err(ApiError::InvalidPayload(format!(
            "a {} {} code is not a payable merchant code",
            d.format.as_str(),
            d.presentment.as_str()
        )));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::{merchant_code, MERCHANTS};

    #[test]
    fn every_seeded_static_code_is_detected_as_its_scheme() {
        for m in MERCHANTS {
            let payload = merchant_code(m, None).unwrap();
            let d =
                detect_merchant_code(&payload, 1_700_000_000).unwrap_or_else(|e| panic!("{}: {e}: {payload}", m.id));
            let schemes: Vec<&str> = d.payable_routes().map(|r| r.scheme.as_str()).collect();
            assert!(schemes.contains(&m.scheme), "{} detected as {schemes:?}: {payload}", m.id);
            assert_eq!(d.currency.map(|c| c.alpha()), Some(m.currency), "{}", m.id);
            assert_eq!(d.country.as_deref(), Some(m.country), "{}", m.id);
            assert_eq!(d.initiation, Some(Initiation::Static));
            assert!(d.warnings.is_empty(), "{}: {:?}", m.id, d.warnings);
        }
    }

    #[test]
    fn receive_codes_round_trip_and_others_are_refused() {
        let code = receive_code("aiko", "Aiko Tanaka", "JP", "JPY").unwrap();
        assert_eq!(handle_from_receive_code(&code).unwrap(), "aiko");
        let mut damaged = code.clone();
        damaged.replace_range(damaged.len() - 1.., if code.ends_with('0') { "1" } else { "0" });
        assert!(matches!(handle_from_receive_code(&damaged), Err(ApiError::InvalidPayload(_))));
        let shop = merchant_code(&MERCHANTS[0], None).unwrap();
        assert!(matches!(handle_from_receive_code(&shop), Err(ApiError::InvalidPayload(_))));
    }
}
