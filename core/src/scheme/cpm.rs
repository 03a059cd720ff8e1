//! Consumer-presented codes seen from the merchant side: which application, which scheme.

use super::registry::{CPM_RULES, EMVCO_GENERIC};
use super::{field, simple_route, DetectError, Detection, Format, Presentment, RouteRole};
use crate::cpm::{ConsumerPayload, CPM_PREFIX};

pub(crate) fn detect(payload: &str, _now_ms: i64) -> Option<Result<Detection, DetectError>> {
    if !payload.starts_with(CPM_PREFIX) {
        return None;
    }
    Some(match ConsumerPayload::decode(payload) {
        Err(e) => Err(DetectError::Malformed { format: "emv-cpm", reason: e.to_string() }),
        Ok(code) => {
            let mut d = Detection::new(Format::EmvCpm, Presentment::Consumer);
            for (index, app) in code.applications.iter().enumerate() {
                let adf = app.adf.as_deref().unwrap_or_default();
                let pan = code.account_number(index).unwrap_or_default();
                // The account is the shopper's: routes carry only its masked form.
                let masked = crate::cpm::mask(pan);
                let fields: Vec<_> =
                    [field("adf", Some(adf)), field("label", app.label.as_deref()), field("masked_pan", Some(&masked))]
                        .into_iter()
                        .flatten()
                        .collect();
                let mut matched = false;
                for rule in CPM_RULES
                    .iter()
                    .filter(|r| adf.starts_with(r.aid_prefix) && r.pan_prefix.is_none_or(|p| pan.starts_with(p)))
                {
                    matched = true;
                    d.routes.push(simple_route(rule.scheme, RouteRole::Payable, Some(masked.clone()), fields.clone()));
                }
                if !matched {
                    d.routes.push(simple_route(EMVCO_GENERIC, RouteRole::Label, Some(masked.clone()), fields));
                }
            }
            Ok(d)
        }
    })
}
