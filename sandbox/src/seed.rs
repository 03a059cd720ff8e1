//! Seed data: system accounts, three Japanese banks, demo merchants in nine countries whose
//! static codes are made with the core's EMV encoder in each scheme's real format, and the
//! partner networks' merchants in China, listed with their static codes and paid through
//! their networks (`api::china`).

use koban_core::emv::{Account, AlternateLanguage, Field, Initiation, MerchantCode, Template, Tip};
use koban_core::money::Money;
use rusqlite::{params, Transaction};

use crate::error::ApiError;
use crate::fx;
use crate::ledger::create_account;

/// A seeded bank.
pub struct BankSeed {
    /// Bank id.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Its country (ISO 3166-1 alpha-2): wallets of that country link it.
    pub country: &'static str,
    /// The currency its accounts hold.
    pub currency: &'static str,
}

const fn bank(id: &'static str, name: &'static str, country: &'static str, currency: &'static str) -> BankSeed {
    BankSeed { id, name, country, currency }
}

/// The simulated banks wallets can link: three in Japan, one in every other home country.
/// Migration 006 adds the non-Japanese ones to databases seeded before them: keep the two in step.
pub const BANKS: &[BankSeed] = &[
    bank("bank_sakura", "Sakura Sandbox Bank", "JP", "JPY"),
    bank("bank_fuji", "Fuji Sandbox Bank", "JP", "JPY"),
    bank("bank_hikari", "Hikari Sandbox Bank", "JP", "JPY"),
    bank("bank_chao_phraya", "Chao Phraya Sandbox Bank", "TH", "THB"),
    bank("bank_merlion", "Merlion Sandbox Bank", "SG", "SGD"),
    bank("bank_nusantara", "Nusantara Sandbox Bank", "ID", "IDR"),
    bank("bank_selangor", "Selangor Sandbox Bank", "MY", "MYR"),
    bank("bank_luzon", "Luzon Sandbox Bank", "PH", "PHP"),
    bank("bank_mekong", "Mekong Sandbox Bank", "KH", "KHR"),
    bank("bank_song_hong", "Song Hong Sandbox Bank", "VN", "VND"),
    bank("bank_ganga", "Ganga Sandbox Bank", "IN", "INR"),
];

/// A seeded merchant.
#[derive(Debug, Clone, Copy)]
pub struct MerchantSeed {
    /// Merchant id.
    pub id: &'static str,
    /// Name as printed in tag 59 (at most 25 characters).
    pub name: &'static str,
    /// City, tag 60.
    pub city: &'static str,
    /// ISO 3166-1 alpha-2.
    pub country: &'static str,
    /// ISO 4217 alpha.
    pub currency: &'static str,
    /// Scheme id as the core's detector names it.
    pub scheme: &'static str,
    /// ISO 18245 merchant category.
    pub mcc: &'static str,
}

/// The demo merchants.
pub const MERCHANTS: &[MerchantSeed] = &[
    MerchantSeed {
        id: "m_jp_ramen",
        name: "KOBAN RAMEN",
        city: "TOKYO",
        country: "JP",
        currency: "JPY",
        scheme: "jpqr",
        mcc: "5812",
    },
    MerchantSeed {
        id: "m_jp_mart",
        name: "KOBAN MART SHIBUYA",
        city: "TOKYO",
        country: "JP",
        currency: "JPY",
        scheme: "jpqr",
        mcc: "5411",
    },
    MerchantSeed {
        id: "m_th_somtam",
        name: "SOM TAM STALL",
        city: "BANGKOK",
        country: "TH",
        currency: "THB",
        scheme: "promptpay",
        mcc: "5812",
    },
    MerchantSeed {
        id: "m_sg_hawker",
        name: "TIONG BAHRU CHICKEN RICE",
        city: "SINGAPORE",
        country: "SG",
        currency: "SGD",
        scheme: "paynow",
        mcc: "5812",
    },
    MerchantSeed {
        id: "m_id_warung",
        name: "WARUNG SARI",
        city: "JAKARTA",
        country: "ID",
        currency: "IDR",
        scheme: "qris",
        mcc: "5812",
    },
    MerchantSeed {
        id: "m_my_kopitiam",
        name: "KOPITIAM ALI",
        city: "KUALA LUMPUR",
        country: "MY",
        currency: "MYR",
        scheme: "duitnow",
        mcc: "5812",
    },
    MerchantSeed {
        id: "m_ph_bakery",
        name: "MANILA BAKERY",
        city: "MANILA",
        country: "PH",
        currency: "PHP",
        scheme: "qrph",
        mcc: "5462",
    },
    MerchantSeed {
        id: "m_kh_noodles",
        name: "PHNOM PENH NOODLES",
        city: "PHNOM PENH",
        country: "KH",
        currency: "KHR",
        scheme: "khqr",
        mcc: "5812",
    },
    MerchantSeed {
        id: "m_vn_pho",
        name: "PHO HANOI",
        city: "HA NOI",
        country: "VN",
        currency: "VND",
        scheme: "vietqr",
        mcc: "5812",
    },
    MerchantSeed {
        id: "m_in_chai",
        name: "CHAI POINT",
        city: "NEW DELHI",
        country: "IN",
        currency: "INR",
        scheme: "upi",
        mcc: "5814",
    },
];

fn t(tag: u8, guid: &str, fields: &[(u8, &str)]) -> Account {
    Account::Template(Template::with_guid(tag, guid, fields.iter().map(|(t, v)| (*t, (*v).to_owned()))))
}

/// The scheme-specific merchant account templates (tags 26-51) for a merchant.
fn accounts(m: &MerchantSeed) -> Vec<Account> {
    match m.scheme {
        // JPQR: Payments Japan's unified code, merchant id in 26/01.
        "jpqr" => vec![t(
            26,
            "jp.or.paymentsjapan",
            &[(1, if m.id == "m_jp_ramen" { "0000012345678" } else { "0000087654321" }), (2, "0001"), (3, "01")],
        )],
        // PromptPay: Thai QR standard AID, biller/tax id in 29/02.
        "promptpay" => vec![t(29, "A000000677010111", &[(2, "0105561012345")])],
        // PayNow via SGQR: UEN proxy (type 2), not editable.
        "paynow" => vec![
            t(26, "SG.PAYNOW", &[(1, "2"), (2, "201403121W"), (3, "0")]),
            t(51, "SG.SGQR", &[(1, "191023A2B3C4D5"), (2, "01.0001")]),
        ],
        // QRIS: acquirer template plus the national QRIS template with the NMID.
        "qris" => vec![
            t(26, "ID.CO.BANKSANDBOX.WWW", &[(1, "936000140000012345"), (2, "000012345"), (3, "UMI")]),
            t(51, "ID.CO.QRIS.WWW", &[(2, "ID1020012345678"), (3, "UMI")]),
        ],
        // DuitNow: PayNet AID, acquirer and merchant ids.
        "duitnow" => vec![t(26, "A0000006150001", &[(1, "890053"), (2, "012345678901234"), (3, "0003")])],
        // QR Ph person-to-merchant: acquirer BIC and merchant id.
        "qrph" => vec![t(28, "ph.ppmi.p2m", &[(1, "KOBNPHM1XXX"), (3, "000000123456"), (5, "01")])],
        // KHQR: the Bakong account id sits in sub-tag 00 of template 30 (merchant).
        "khqr" => vec![t(30, "noodles@kbsb", &[(1, "PPNOODLES01"), (2, "Koban Sandbox Bank")])],
        // VietQR (NAPAS): BIN and account in a nested template, service code QRIBFTTA.
        "vietqr" => vec![t(38, "A000000727", &[(1, "0006970436011712345678"), (2, "QRIBFTTA")])],
        // UPI inside Bharat QR: RuPay primitive plus the UPI template with the VPA.
        "upi" => vec![
            Account::Primitive { tag: 6, value: "6522301234567890".into() },
            t(26, "A000000524", &[(1, "chaipoint@kobanbank"), (2, "CHAIPOINTDL01")]),
        ],
        other => unreachable!("seed merchant with unknown scheme {other}"),
    }
}

/// What makes a merchant's code dynamic.
#[derive(Debug, Clone)]
pub struct DynamicParts {
    /// The amount to pay.
    pub amount: Money,
    /// Reference label (tag 62/05).
    pub reference: String,
    /// Bill number (62/01); `***` asks the payer to type it.
    pub bill_number: Option<String>,
    /// Tip or convenience-fee rule (tags 55-57).
    pub tip: Option<Tip>,
}

/// The EMV code for a merchant: static without amount, dynamic with amount and references.
pub fn merchant_code(m: &MerchantSeed, dynamic: Option<&DynamicParts>) -> Result<String, ApiError> {
    let currency = fx::currency(m.currency)?;
    let mut code = MerchantCode::new(m.country, currency);
    code.accounts = accounts(m);
    code.merchant_category = Some(m.mcc.to_owned());
    code.merchant_name = Some(m.name.to_owned());
    code.merchant_city = Some(m.city.to_owned());
    if m.country == "JP" {
        code.alternate_language =
            Some(AlternateLanguage { language: "JA".into(), name: "こばん".into(), city: Some("東京".into()) });
    }
    if let Some(d) = dynamic {
        code.initiation = Some(Initiation::Dynamic);
        code.amount = Some(d.amount);
        code.tip = d.tip;
        code.additional_data = d
            .bill_number
            .iter()
            .map(|b| Field::new(1, b.clone()))
            .chain([Field::new(5, d.reference.clone())])
            .collect();
    } else {
        code.initiation = Some(Initiation::Static);
    }
    code.encode().map_err(|e| ApiError::Internal(format!("encoding {}: {e}", m.id)))
}

/// Looks up a seeded merchant.
pub fn merchant(id: &str) -> Option<&'static MerchantSeed> {
    MERCHANTS.iter().find(|m| m.id == id)
}

/// A merchant in China the host lists but does not hold: its network pays it, and the host
/// owes the network (`network_payable:<network>`). Only static codes are listed (an order
/// code is one payment's, not a sticker).
pub struct CnMerchant {
    /// The host's id for it, `m_cn_<key>`.
    pub id: String,
    /// The network's record of it (one table for both sides).
    pub seed: &'static koban_partners::merchants::MerchantSeed,
}

impl CnMerchant {
    /// The scheme id detection names its code by (`alipay`, `wechatpay`, `unionpay`).
    pub fn scheme(&self) -> &'static str {
        cn_scheme(self.seed.network)
    }
}

/// The scheme id detection gives a network's codes.
pub fn cn_scheme(network: koban_partners::Network) -> &'static str {
    use koban_core::scheme::registry::{ALIPAY, UNIONPAY, WECHATPAY};
    match network {
        koban_partners::Network::AlipayPlus => ALIPAY.as_str(),
        koban_partners::Network::WechatPay => WECHATPAY.as_str(),
        koban_partners::Network::Unionpay => UNIONPAY.as_str(),
    }
}

/// The listed merchants in China, in the networks' order.
pub fn cn_merchants() -> impl Iterator<Item = CnMerchant> {
    koban_partners::merchants::MERCHANTS
        .iter()
        .filter(|m| !m.is_order_code())
        .map(|seed| CnMerchant { id: format!("m_cn_{}", seed.key), seed })
}

/// What the host owes a network for the merchants it paid through it, in yen.
pub fn network_payable(network: koban_partners::Network) -> String {
    format!("network_payable:{}", network.id())
}

/// A country's offset from UTC in seconds, for merchants' calendar days (none of these
/// countries keeps daylight saving time).
pub fn utc_offset_secs(country: &str) -> i64 {
    let minutes = match country {
        "JP" | "KR" => 9 * 60,
        "CN" | "HK" | "TW" | "SG" | "MY" | "PH" => 8 * 60,
        "TH" | "VN" | "KH" | "ID" => 7 * 60,
        "IN" => 5 * 60 + 30,
        _ => 0,
    };
    minutes * 60
}

/// System account ids.
pub fn fee_account(currency: &str) -> String {
    format!("fee:{currency}")
}

/// FX position account for a currency.
pub fn fx_account(currency: &str) -> String {
    format!("fx:{currency}")
}

/// Partner-network payout account for a currency.
pub fn partner_account(currency: &str) -> String {
    format!("partner:{currency}")
}

/// Writes all seed rows; run once on a fresh database.
pub fn seed(tx: &Transaction<'_>) -> Result<(), ApiError> {
    for c in fx::currencies() {
        create_account(tx, &fee_account(c), "fee", c, false, &format!("Fee income {c}"))?;
        create_account(tx, &fx_account(c), "fx", c, true, &format!("FX position {c}"))?;
        create_account(tx, &partner_account(c), "partner", c, true, &format!("Partner network payouts {c}"))?;
    }
    for b in BANKS {
        let reserve = format!("bank_reserve:{}", b.id);
        create_account(tx, &reserve, "bank_reserve", b.currency, true, &format!("{} reserve", b.name))?;
        tx.execute(
            "INSERT INTO banks (id, name, country, currency, reserve_account) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![b.id, b.name, b.country, b.currency, reserve],
        )?;
    }
    for m in MERCHANTS {
        let account = format!("merchant:{}", m.id);
        create_account(tx, &account, "merchant", m.currency, false, m.name)?;
        tx.execute(
            "INSERT INTO merchants (id, name, city, country, currency, scheme, account_id, static_payload)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![m.id, m.name, m.city, m.country, m.currency, m.scheme, account, merchant_code(m, None)?],
        )?;
    }
    // Migration 009 adds these to databases seeded before them: keep the two in step (a test
    // below holds them equal).
    for m in cn_merchants() {
        let s = m.seed;
        tx.execute(
            "INSERT INTO merchants (id, name, city, country, currency, scheme, account_id, static_payload)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                m.id,
                s.name,
                s.city,
                koban_partners::merchants::COUNTRY,
                koban_partners::merchants::CURRENCY,
                m.scheme(),
                network_payable(s.network),
                s.code()
            ],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    type Row = (String, String, String, String, String, String, String, String);

    fn cn_rows(conn: &rusqlite::Connection) -> Vec<Row> {
        let mut stmt = conn
            .prepare(
                "SELECT id, name, city, country, currency, scheme, account_id, static_payload FROM merchants
                 WHERE country = 'CN' ORDER BY id",
            )
            .unwrap();
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
            })
            .unwrap();
        rows.collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn migration_009_lists_the_same_merchants_in_china_as_the_seed() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = crate::db::open(&dir.path().join("h.sqlite3")).unwrap();
        let tx = conn.transaction().unwrap();
        seed(&tx).unwrap();
        tx.commit().unwrap();
        let seeded = cn_rows(&conn);
        assert_eq!(seeded.len(), 3);
        for (row, m) in seeded.iter().zip(cn_merchants()) {
            let d = koban_core::scheme::detect(&row.7).unwrap();
            assert!(d.payable_routes().any(|r| r.scheme.as_str() == row.5), "{}", m.id);
        }
        // A database seeded before them: the migration's own rows.
        conn.execute("DELETE FROM merchants WHERE country = 'CN'", []).unwrap();
        conn.execute("DELETE FROM accounts WHERE id LIKE 'network_payable:%'", []).unwrap();
        conn.execute_batch(include_str!("../migrations/009_payments_in_china.sql")).unwrap();
        assert_eq!(cn_rows(&conn), seeded);
    }
}
