//! What a host, or whoever sits between it and the phone, answers, read as the wallet and the
//! till read it: the body as JSON, then the route's typed answer from the borrowed value
//! (`T::deserialize(&Value)`). Always an error value or an answer, never a panic; and an
//! answer that reads writes back to JSON that reads as the same answer.
#![no_main]
use koban_core::net::api;
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

fn reads<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(v: &Value) {
    let Ok(answer) = T::deserialize(v) else { return };
    let written = serde_json::to_value(&answer).expect("an answer that reads writes back");
    assert_eq!(T::deserialize(&written).ok().as_ref(), Some(&answer), "{written}");
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks the route's answer type, the rest is the body.
    let Some((&route, body)) = data.split_first() else { return };
    let Ok(v) = serde_json::from_slice::<Value>(body) else { return };
    match route % 17 {
        0 => reads::<api::Events>(&v),
        1 => reads::<api::Charge>(&v),
        2 => reads::<api::Payment>(&v),
        3 => reads::<api::Transfer>(&v),
        4 => reads::<api::Remittance>(&v),
        5 => reads::<api::TopUp>(&v),
        6 => reads::<api::Withdrawal>(&v),
        7 => reads::<api::Provisioned>(&v),
        8 => reads::<api::Wallet>(&v),
        9 => reads::<api::Enrolment>(&v),
        10 => reads::<api::PriceList>(&v),
        11 => reads::<api::MoneyRequest>(&v),
        12 => reads::<api::Split>(&v),
        13 => reads::<api::MerchantCodeInfo>(&v),
        14 => reads::<api::Refund>(&v),
        15 => reads::<api::Settlement>(&v),
        _ => reads::<api::RequestOutcome>(&v),
    }
});
