//! Every code the networks issue is one the core's detection reads: the till routes by it.

mod common;

use koban_core::scheme::{detect, registry, Format, Presentment, SchemeId};
use koban_partners::codes::UNIONPAY_AID;
use koban_partners::network::{CodeForm, WALLETS};
use koban_partners::Network;

fn scheme(network: Network) -> SchemeId {
    match network {
        Network::AlipayPlus => registry::ALIPAY,
        Network::WechatPay => registry::WECHATPAY,
        Network::Unionpay => registry::UNIONPAY,
    }
}

#[tokio::test]
async fn detection_names_the_network_of_every_numeric_code() {
    let net = common::start().await;
    for wallet in WALLETS {
        let user = format!("detect_{}", wallet.id);
        net.sim.create_user(&user, wallet.id, "Detect Me", 10_000).await.unwrap();
        for _ in 0..25 {
            let issued = net.sim.issue_code(&user, Some(CodeForm::Numeric)).await.unwrap();
            assert_eq!((issued.network, issued.form), (wallet.network, CodeForm::Numeric));
            assert_eq!(issued.expires_at - issued.issued_at, 60);
            let d = detect(&issued.code).unwrap_or_else(|e| panic!("{}: {e}", issued.code));
            assert_eq!((d.format, d.presentment), (Format::NumericPaycode, Presentment::Consumer), "{}", issued.code);
            assert_eq!(d.schemes(), vec![scheme(wallet.network)], "{} from {}", issued.code, wallet.id);
            assert_eq!(Network::for_scheme(d.schemes()[0]), Some(wallet.network));
        }
    }
    // A wallet's usual form is a numeric code too; only UnionPay issues EMV QR codes.
    assert_eq!(net.sim.issue_code("li_wei", None).await.unwrap().form, CodeForm::Numeric);
    assert!(net.sim.issue_code("li_wei", Some(CodeForm::EmvCpm)).await.is_err());
}

#[tokio::test]
async fn unionpay_qr_codes_are_emv_consumer_codes_with_unionpays_aid() {
    let net = common::start().await;
    for _ in 0..25 {
        let issued = net.sim.issue_code("liu_yang", Some(CodeForm::EmvCpm)).await.unwrap();
        assert!(issued.code.starts_with(koban_core::cpm::CPM_PREFIX), "{}", issued.code);
        let d = detect(&issued.code).unwrap_or_else(|e| panic!("{}: {e}", issued.code));
        assert_eq!((d.format, d.presentment), (Format::EmvCpm, Presentment::Consumer), "{}", issued.code);
        let adf = d.routes[0].fields.iter().find(|f| f.name == "adf").map(|f| f.value.as_str());
        assert_eq!(adf, Some(UNIONPAY_AID));
        // Detection shows only the masked card number.
        assert!(d.routes[0].identifier.as_deref().is_some_and(|id| id.contains('*')));
    }
}

/// The core's consumer-presented table (`CPM_RULES` in core/src/scheme/registry.rs) names
/// every application under UnionPay's RID A000000333 UnionPay.
#[tokio::test]
async fn detection_names_unionpay_qr_codes_unionpay() {
    let net = common::start().await;
    let issued = net.sim.issue_code("liu_yang", Some(CodeForm::EmvCpm)).await.unwrap();
    assert_eq!(detect(&issued.code).unwrap().schemes(), vec![registry::UNIONPAY], "{}", issued.code);
}
