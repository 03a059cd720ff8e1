//! The networks' own merchants in China and the codes they show: Alipay collect and order codes
//! (`https://qr.alipay.com/…`), WeChat Pay collect and order codes (`wxp://f2f0…`,
//! `weixin://wxpay/bizpayurl?pr=…`) and UnionPay EMVCo merchant-presented QR codes in yuan.
//!
//! One table: the simulator seeds its merchants from it, and the Koban host lists the static
//! codes among its demo merchants from it, so both sides always name the same codes.

use koban_core::emv::{Account, AlternateLanguage, Initiation, MerchantCode};
use koban_core::money::{Currency, Money};
use rusqlite::{params, Transaction};

use crate::error::Refusal;
use crate::ledger;
use crate::network::Network;

/// How a merchant's code is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeSpec {
    /// The network's own URL code, as printed on the sticker.
    Url(&'static str),
    /// An EMVCo merchant-presented code whose UnionPay merchant account information (tag 15)
    /// is this value: 8-digit acquirer IIN, 8-digit forwarding IIN, 15-character merchant id
    /// (schemes.md §11). Encoded with the core's EMV encoder, currency 156, country CN.
    UnionpayEmv(&'static str),
}

/// A merchant of one network, with the one code it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MerchantSeed {
    /// Stable key, unique across networks (the host lists a static code as `m_cn_<key>`).
    pub key: &'static str,
    /// The network that serves it.
    pub network: Network,
    /// The network's merchant id (Alipay's 2088… partner id, WeChat Pay's sub-merchant number,
    /// UnionPay's 15-character merchant id).
    pub id: &'static str,
    /// Name as the network shows it (at most 25 characters, the EMVCo tag 59 limit).
    pub name: &'static str,
    /// Name in Chinese, for the UnionPay code's alternate-language template (tag 64).
    pub local_name: &'static str,
    /// City.
    pub city: &'static str,
    /// ISO 18245 merchant category.
    pub mcc: &'static str,
    /// The code.
    pub code: CodeSpec,
    /// An order code's fixed amount in fen; `None`: a static code, the payer enters the amount.
    pub amount: Option<i64>,
}

/// Country of every merchant here.
pub const COUNTRY: &str = "CN";
/// Currency every merchant here is paid in.
pub const CURRENCY: &str = "CNY";

/// The merchants. A static code can be paid any number of times; an order code (a fixed
/// amount) once.
pub const MERCHANTS: &[MerchantSeed] = &[
    MerchantSeed {
        key: "noodles_alipay",
        network: Network::AlipayPlus,
        id: "2088631045127730",
        name: "LANXIN NOODLES",
        local_name: "兰心面馆",
        city: "SHANGHAI",
        mcc: "5812",
        code: CodeSpec::Url("https://qr.alipay.com/FKX07512QWXJ3N8TLHGCE4"),
        amount: None,
    },
    MerchantSeed {
        key: "noodles_unionpay",
        network: Network::Unionpay,
        id: "310310058120001",
        name: "LANXIN NOODLES",
        local_name: "兰心面馆",
        city: "SHANGHAI",
        mcc: "5812",
        code: CodeSpec::UnionpayEmv("4802156048021560310310058120001"),
        amount: None,
    },
    MerchantSeed {
        key: "dumplings_wechat",
        network: Network::WechatPay,
        id: "1900012345",
        name: "XIAOLONG DUMPLING HOUSE",
        local_name: "小笼包子铺",
        city: "SHANGHAI",
        mcc: "5812",
        code: CodeSpec::Url("wxp://f2f0Kx7QmT2vLpR8nWcY4bZsHj3uDaE6gF9Nq"),
        amount: None,
    },
    MerchantSeed {
        key: "teahouse_alipay_order",
        network: Network::AlipayPlus,
        id: "2088631045129915",
        name: "JADE GARDEN TEAHOUSE",
        local_name: "玉园茶馆",
        city: "SHANGHAI",
        mcc: "5814",
        code: CodeSpec::Url("https://qr.alipay.com/bax08431mfqgbxvz6l2e0021"),
        amount: Some(6_800),
    },
    MerchantSeed {
        key: "cafe_wechat_order",
        network: Network::WechatPay,
        id: "1900012388",
        name: "BUND VIEW CAFE",
        local_name: "外滩景咖啡",
        city: "SHANGHAI",
        mcc: "5814",
        code: CodeSpec::Url("weixin://wxpay/bizpayurl?pr=Q7mKx2T"),
        amount: Some(4_500),
    },
    MerchantSeed {
        key: "hotpot_unionpay_order",
        network: Network::Unionpay,
        id: "310310058120077",
        name: "RED LANTERN HOTPOT",
        local_name: "红灯笼火锅",
        city: "SHANGHAI",
        mcc: "5812",
        code: CodeSpec::UnionpayEmv("4802156048021560310310058120077"),
        amount: Some(12_800),
    },
];

impl MerchantSeed {
    /// The code as the merchant shows it.
    pub fn code(&self) -> String {
        match self.code {
            CodeSpec::Url(url) => url.to_owned(),
            CodeSpec::UnionpayEmv(account) => unionpay_emv(self, account),
        }
    }

    /// Whether the code is an order code (single use, fixed amount).
    pub fn is_order_code(&self) -> bool {
        self.amount.is_some()
    }
}

fn yuan() -> Currency {
    // ISO 4217 lists CNY; the core's table has it.
    Currency::from_alpha(CURRENCY).unwrap_or_else(|| unreachable!("the core's currency table has CNY"))
}

/// An EMVCo merchant-presented code in yuan with UnionPay's merchant account information in
/// tag 15; static without an amount, dynamic (tag 01 = 12, tag 54) with one.
fn unionpay_emv(m: &MerchantSeed, account: &str) -> String {
    let mut code = MerchantCode::new(COUNTRY, yuan());
    code.accounts = vec![Account::Primitive { tag: 15, value: account.to_owned() }];
    code.merchant_category = Some(m.mcc.to_owned());
    code.merchant_name = Some(m.name.to_owned());
    code.merchant_city = Some(m.city.to_owned());
    code.alternate_language =
        Some(AlternateLanguage { language: "ZH".into(), name: m.local_name.into(), city: Some("上海".into()) });
    code.initiation = Some(if m.amount.is_some() { Initiation::Dynamic } else { Initiation::Static });
    code.amount = m.amount.map(|a| Money::from_minor(a, yuan()));
    // The table is fixed and its unit test encodes every row: a failure here is a bad row.
    code.encode().unwrap_or_else(|e| unreachable!("seed merchant {} does not encode: {e}", m.key))
}

/// The ledger account a merchant is credited on.
pub fn account(m: &MerchantSeed) -> String {
    format!("merchant:{}:{}", m.network.id(), m.id)
}

/// The seed row with this key.
pub fn by_key(key: &str) -> Option<&'static MerchantSeed> {
    MERCHANTS.iter().find(|m| m.key == key)
}

/// Adds the merchants a database does not hold yet (a fresh one, or one made before them).
pub fn seed(tx: &Transaction<'_>) -> Result<(), Refusal> {
    for m in MERCHANTS {
        let account = account(m);
        ledger::ensure_account(
            tx,
            &account,
            "merchant",
            CURRENCY,
            false,
            &format!("{} merchant {}", m.network, m.name),
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO merchants (code, network, id, key, name, city, country, currency, mcc, amount, account_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                m.code(),
                m.network.id(),
                m.id,
                m.key,
                m.name,
                m.city,
                COUNTRY,
                CURRENCY,
                m.mcc,
                m.amount,
                account
            ],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use koban_core::scheme::{detect, Presentment};

    #[test]
    fn every_code_is_in_its_networks_format_and_detects_as_its_network() {
        let mut keys = std::collections::BTreeSet::new();
        for m in MERCHANTS {
            assert!(keys.insert(m.key), "duplicate key {}", m.key);
            assert!(m.name.len() <= 25, "{}", m.key);
            let code = m.code();
            let d = detect(&code).unwrap_or_else(|e| panic!("{}: {e}", m.key));
            assert_eq!(d.presentment, Presentment::Merchant, "{}", m.key);
            let network = d.payable_routes().find_map(|r| Network::for_scheme(r.scheme));
            assert_eq!(network, Some(m.network), "{}: {code}", m.key);
            if let CodeSpec::UnionpayEmv(account) = m.code {
                assert_eq!(account.len(), 31, "{}", m.key);
                assert!(account.ends_with(m.id), "{}", m.key);
                // The code says what the payer pays: yuan, China, and an order code's amount.
                assert_eq!(d.currency.map(|c| c.alpha()), Some(CURRENCY));
                assert_eq!(d.country.as_deref(), Some(COUNTRY));
                assert_eq!(d.amount.map(|a| a.minor()), m.amount, "{}", m.key);
                assert_eq!(d.merchant.as_ref().and_then(|x| x.name.as_deref()), Some(m.name));
            }
        }
    }
}
