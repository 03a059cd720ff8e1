//! Paying a scanned merchant code: reading and pricing it (with an FX quote abroad), then
//! paying the quote the payer saw.

use std::collections::BTreeMap;

use rusqlite::Transaction;
use serde::Serialize;

use super::outbox::{context, Answer, IntentKind, ReportedBalance};
use super::types::{money, read};
use super::{positive, PaymentQuote, PaymentRequest, Wallet, WalletError};
use super::{Direction, TransactionRecord};
use crate::emv::Tip;
use crate::money::{Currency, Money};
use crate::net::api;
use crate::scheme::{self, CrcStatus, Detection, Presentment, ReferenceKind, SchemeId};
use crate::store;

impl Wallet {
    /// Reads a scanned merchant code and prices it: amount, tip or fee, and for a foreign
    /// merchant an FX quote in the home currency — all to show before [`Wallet::confirm_payment`].
    ///
    /// An Alipay, WeChat Pay or UnionPay code of a merchant in China names its merchant and
    /// currency (and an order code its amount) only at its network: the host reads it there
    /// first ([`Wallet::merchant_code_info`]), so an unknown code or an amount other than an
    /// order code's is refused here, before anything is confirmed.
    pub async fn quote_payment(&self, req: &PaymentRequest) -> Result<PaymentQuote, WalletError> {
        let w = self.enrolled()?;
        let mut d = scheme::detect(&req.payload)?;
        let route = route(&d, req)?;
        if PARTNER_NETWORK_ROUTES.contains(&route) {
            let info = self.merchant_code_info(&req.payload).await?;
            at_its_network(&mut d, &info)?;
        }
        let p = price(&d, req)?;
        let (fx, debit, fee) = if p.total.currency() == w.currency {
            (None, p.total, Money::zero(w.currency))
        } else {
            let q = self
                .fx_quote(&api::QuoteRequest {
                    purpose: "merchant_payment".into(),
                    send: None,
                    receive: Some(p.total.into()),
                    destination_country: None,
                })
                .await?;
            let (debit, fee) = (q.total, q.fee);
            (Some(q), debit, fee)
        };
        Ok(PaymentQuote {
            payload: req.payload.trim().to_owned(),
            route: route.as_str().to_owned(),
            merchant_name: d.merchant.as_ref().and_then(|m| m.name.clone()),
            merchant_country: d.country.clone(),
            amount: p.amount,
            tip: p.tip,
            total: p.total,
            fx,
            debit,
            fee,
            references: p.references,
            tip_prompted: p.tip_prompted,
        })
    }

    /// Reads a merchant code of a merchant in China (Alipay, WeChat Pay, UnionPay) at its
    /// network, through the host: who is paid, in which currency, and an order code's amount —
    /// what an app shows before the payer types an amount. Moves no money.
    pub async fn merchant_code_info(&self, payload: &str) -> Result<api::MerchantCodeInfo, WalletError> {
        self.enrolled()?;
        let body = api::MerchantCodeRequest { payload: payload.trim().to_owned() };
        read(&self.post_idempotent("/v1/merchant-codes/decode", &body).await?)
    }

    /// Pays a quoted merchant payment.
    pub async fn confirm_payment(&self, q: &PaymentQuote) -> Result<TransactionRecord, WalletError> {
        let body = api::PaymentRequest {
            payload: q.payload.clone(),
            route: q.route.clone(),
            amount: Some(q.amount.into()),
            // Only a tip the payer chose is sent: a fee the code sets is the host's to add.
            tip: (q.tip_prompted && q.tip.minor() > 0).then(|| q.tip.into()),
            quote_id: q.fx.as_ref().map(|fx| fx.id.clone()),
            references: typed_references(&q.references),
        };
        let shown = PaymentShown {
            references: q.references.iter().map(|(kind, value)| ShownReference { kind: *kind, value }).collect(),
            shown_debit: q.debit.into(),
            shown_fee: q.fee.into(),
            shown_rate: q.fx.as_ref().map(|fx| fx.rate.clone()),
        };
        let v = self.submit(IntentKind::Payment, "/v1/payments", &body, context(&shown)?).await?;
        self.transaction(&read::<api::Payment>(&v)?.id)
    }
}

/// Routes whose merchant codes are read at their network (merchants in China): the code alone
/// names no currency (Alipay, WeChat Pay) or may not be a merchant the network knows.
const PARTNER_NETWORK_ROUTES: [SchemeId; 3] =
    [scheme::registry::ALIPAY, scheme::registry::WECHATPAY, scheme::registry::UNIONPAY];

/// Completes a detection with what the code's network says: the currency, an order code's
/// fixed amount, the merchant's name and country. Where the code states them too (a UnionPay
/// EMV code), the two must agree.
fn at_its_network(d: &mut Detection, info: &api::MerchantCodeInfo) -> Result<(), WalletError> {
    let currency = Currency::from_alpha(&info.currency)
        .ok_or_else(|| WalletError::Protocol(format!("unknown currency {}", info.currency)))?;
    if d.currency.is_some_and(|c| c != currency) {
        return Err(WalletError::NotPayable(format!("the code's network says it is paid in {}", currency.alpha())));
    }
    let fixed = info.amount.as_ref().map(money).transpose()?;
    if d.amount.is_some() && fixed.is_some() && d.amount != fixed {
        return Err(WalletError::NotPayable("the code's amount differs from its network's".into()));
    }
    d.currency = Some(currency);
    d.amount = d.amount.or(fixed);
    d.country = Some(info.merchant.country.clone());
    let merchant = d.merchant.get_or_insert_with(Default::default);
    merchant.name = Some(info.merchant.name.clone());
    merchant.city = Some(info.city.clone());
    Ok(())
}

/// The references as the host reads them, by their snake_case kind: the host checks the ones
/// the code leaves open (`***`) against what the payer typed and keeps the rest as given.
fn typed_references(refs: &[(ReferenceKind, String)]) -> Option<BTreeMap<String, String>> {
    let by_kind: BTreeMap<String, String> = refs
        .iter()
        .filter_map(|(kind, value)| {
            let name = serde_json::to_value(kind).ok()?.as_str()?.to_owned();
            Some((name, value.clone()))
        })
        .collect();
    (!by_kind.is_empty()).then_some(by_kind)
}

/// What the payer was shown, kept with the payment's intent and in its history entry.
#[derive(Serialize)]
struct PaymentShown<'a> {
    references: Vec<ShownReference<'a>>,
    shown_debit: api::Amount,
    shown_fee: api::Amount,
    /// The rate of a payment abroad, as quoted (the host's answer names only the quote).
    #[serde(skip_serializing_if = "Option::is_none")]
    shown_rate: Option<String>,
}

/// One reference as the payer saw it.
#[derive(Serialize)]
struct ShownReference<'a> {
    kind: ReferenceKind,
    value: &'a str,
}

/// Reconciles a merchant payment into the history: what left the wallet, fees included.
pub(super) fn paid(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<ReportedBalance, WalletError> {
    let p: api::Payment = a.read()?;
    let name = p.merchant.name;
    store::insert_transaction(
        tx,
        &TransactionRecord {
            id: p.id,
            kind: "payment".into(),
            direction: Direction::Out,
            amount: money(&p.debited)?,
            description: format!("Payment to {name} ({})", money(&p.total)?.format()),
            counterparty: Some(name),
            intent_key: a.key(),
            created_at: p.created_at,
            details: a.details(),
        },
    )?;
    Ok(Some((money(&p.balance)?, p.created_at)))
}

/// What a merchant code costs in its own currency, as the payer sees it before any FX.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Price {
    /// The code's own amount, else the one the payer typed.
    pub amount: Money,
    /// Tip or convenience fee.
    pub tip: Money,
    /// Whether the tip is the payer's choice, sent as such, rather than the code's rule.
    pub tip_prompted: bool,
    /// Amount plus tip.
    pub total: Money,
    /// Every reference the code carries, those it asks the payer for (`***`) filled in.
    pub references: Vec<(ReferenceKind, String)>,
}

/// Checks that a detected code is one this wallet pays, and picks the route: the one asked
/// for, else the code's first payable one.
pub(crate) fn route(d: &Detection, req: &PaymentRequest) -> Result<SchemeId, WalletError> {
    if let CrcStatus::Invalid { .. } = d.crc {
        return Err(WalletError::NotPayable("the code's checksum does not match".into()));
    }
    if !matches!(d.presentment, Presentment::Merchant | Presentment::P2p) || !d.is_payable() {
        return Err(WalletError::NotPayable(format!("a {} {} code", d.format.as_str(), d.presentment.as_str())));
    }
    let route = match &req.route {
        Some(r) => {
            d.payable_routes()
                .find(|x| x.scheme.as_str() == r)
                .ok_or_else(|| WalletError::InvalidInput(format!("{r} is not a route of this code")))?
                .scheme
        }
        None => d
            .payable_routes()
            .next()
            .map(|r| r.scheme)
            .ok_or_else(|| WalletError::NotPayable("no payable route".into()))?,
    };
    if route == scheme::registry::KOBAN_RECEIVE {
        return Err(WalletError::NotPayable("a Koban receive code: send to it instead of paying it".into()));
    }
    Ok(route)
}

/// Prices a code for what the payer entered: amount, tip or fee, references and total, by
/// the code's rules and the host's rounding. Pure: the FX quote is a separate step.
pub(crate) fn price(d: &Detection, req: &PaymentRequest) -> Result<Price, WalletError> {
    let currency = d.currency.ok_or_else(|| WalletError::NotPayable("the code names no currency".into()))?;
    let amount = match (req.amount, d.amount) {
        // A code that fixes its amount (a dynamic code above all) is paid exactly that: the
        // host refuses another, but only after an intent for it was committed.
        (Some(typed), Some(fixed)) if typed != fixed => {
            return Err(WalletError::InvalidInput(format!("the code fixes the amount at {}", fixed.format())))
        }
        (_, Some(fixed)) => fixed,
        (Some(typed), None) => typed,
        (None, None) => return Err(WalletError::InvalidInput("this code needs the amount the payer enters".into())),
    };
    if amount.currency() != currency {
        return Err(WalletError::InvalidInput(format!("the merchant takes {}", currency.alpha())));
    }
    positive(amount)?;
    let (tip, tip_prompted) = match (d.tip, req.tip) {
        (Some(Tip::Prompt), Some(t)) if t.currency() == currency && t.minor() >= 0 => (t, true),
        (Some(Tip::Prompt), Some(_)) => {
            return Err(WalletError::InvalidInput(format!("the tip must be in {}", currency.alpha())))
        }
        (Some(Tip::Prompt), None) => (Money::zero(currency), true),
        (None, None) => (Money::zero(currency), false),
        (Some(Tip::Fixed { fee }), None) => (fee, false),
        (Some(Tip::Percentage { hundredths }), None) => {
            // The host rounds a percentage fee down to the minor unit; so do we.
            (Money::from_minor((i128::from(amount.minor()) * i128::from(hundredths) / 10_000) as i64, currency), false)
        }
        (_, Some(_)) => return Err(WalletError::InvalidInput("this code does not ask for a tip".into())),
    };
    let mut references = Vec::new();
    for r in &d.references {
        match &r.value {
            Some(v) => references.push((r.kind, v.clone())),
            None => {
                let given =
                    req.references.iter().find(|(k, _)| *k == r.kind).map(|(_, v)| v.trim()).filter(|v| !v.is_empty());
                let v = given.ok_or_else(|| WalletError::MissingReference(format!("{:?}", r.kind)))?;
                references.push((r.kind, v.to_owned()));
            }
        }
    }
    let total = amount.checked_add(tip).ok_or_else(|| WalletError::InvalidInput("amount too large".into()))?;
    Ok(Price { amount, tip, tip_prompted, total, references })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::scheme::{Format, Reference};

    fn jpy(minor: i64) -> Money {
        Money::from_minor(minor, Currency::from_alpha("JPY").unwrap())
    }

    fn thb(minor: i64) -> Money {
        Money::from_minor(minor, Currency::from_alpha("THB").unwrap())
    }

    /// A yen merchant code with the given fixed amount and tip rule.
    fn code(amount: Option<i64>, tip: Option<Tip>) -> Detection {
        let mut d = Detection::new(Format::EmvMpm, Presentment::Merchant);
        d.currency = Some(jpy(0).currency());
        d.amount = amount.map(jpy);
        d.tip = tip;
        d
    }

    fn entered(amount: Option<Money>, tip: Option<Money>) -> PaymentRequest {
        PaymentRequest { payload: "…".into(), amount, tip, ..Default::default() }
    }

    /// What the payer entered, in yen.
    fn yen(amount: Option<i64>, tip: Option<i64>) -> PaymentRequest {
        entered(amount.map(jpy), tip.map(jpy))
    }

    /// The error's variant, for the table.
    fn failure(e: WalletError) -> &'static str {
        match e {
            WalletError::InvalidInput(_) => "invalid input",
            WalletError::MissingReference(_) => "missing reference",
            WalletError::NotPayable(_) => "not payable",
            other => panic!("unexpected {other:?}"),
        }
    }

    type Shown = Result<(Money, Money, bool, Money), &'static str>;

    #[test]
    fn amounts_tips_and_fees_follow_the_code() {
        let ok = |amount, tip, prompted, total| -> Shown { Ok((jpy(amount), jpy(tip), prompted, jpy(total))) };
        let bad: Shown = Err("invalid input");
        let (prompt, fee30) = (Some(Tip::Prompt), Some(Tip::Fixed { fee: jpy(30) }));
        let pct = |hundredths| Some(Tip::Percentage { hundredths });
        let mut no_currency = code(None, None);
        no_currency.currency = None;
        // (what, the code, what the payer entered, what is shown: amount, tip, prompted, total)
        let cases: Vec<(&str, Detection, PaymentRequest, Shown)> = vec![
            ("entered amount", code(None, None), yen(Some(1_000), None), ok(1_000, 0, false, 1_000)),
            ("fixed amount", code(Some(2_480), None), yen(None, None), ok(2_480, 0, false, 2_480)),
            ("fixed amount typed again", code(Some(2_480), None), yen(Some(2_480), None), ok(2_480, 0, false, 2_480)),
            ("fixed amount replaced", code(Some(1_000), None), yen(Some(999), None), bad),
            ("fixed amount in baht", code(Some(1_000), None), entered(Some(thb(1_000)), None), bad),
            ("no amount at all", code(None, None), yen(None, None), bad),
            ("zero", code(None, None), yen(Some(0), None), bad),
            ("negative", code(None, None), yen(Some(-5), None), bad),
            ("currency mismatch", code(None, None), entered(Some(thb(1_000)), None), bad),
            ("code without currency", no_currency, yen(Some(1_000), None), Err("not payable")),
            ("tip chosen", code(None, prompt), yen(Some(1_000), Some(150)), ok(1_000, 150, true, 1_150)),
            ("tip prompted, none given", code(None, prompt), yen(Some(1_000), None), ok(1_000, 0, true, 1_000)),
            ("tip in baht", code(None, prompt), entered(Some(jpy(1_000)), Some(thb(10))), bad),
            ("negative tip", code(None, prompt), yen(Some(1_000), Some(-1)), bad),
            ("tip on a fixed amount", code(Some(2_000), prompt), yen(None, Some(100)), ok(2_000, 100, true, 2_100)),
            ("fixed fee", code(None, fee30), yen(Some(1_000), None), ok(1_000, 30, false, 1_030)),
            ("percentage fee", code(None, pct(250)), yen(Some(1_000), None), ok(1_000, 25, false, 1_025)),
            ("percentage rounds down", code(None, pct(250)), yen(Some(999), None), ok(999, 24, false, 1_023)),
            ("tip the code does not ask for", code(None, None), yen(Some(1_000), Some(10)), bad),
            ("tip over a fixed fee", code(None, fee30), yen(Some(1_000), Some(10)), bad),
            ("total overflows", code(None, Some(Tip::Fixed { fee: jpy(1) })), yen(Some(i64::MAX), None), bad),
        ];
        for (what, d, req, shown) in cases {
            let got = price(&d, &req).map(|p| (p.amount, p.tip, p.tip_prompted, p.total)).map_err(failure);
            assert_eq!(got, shown, "{what}");
        }
    }

    #[test]
    fn references_come_from_the_code_or_the_payer() {
        let mut d = code(None, None);
        d.references = vec![
            Reference { kind: ReferenceKind::StoreLabel, value: Some("SHOP-1".into()) },
            Reference { kind: ReferenceKind::BillNumber, value: None },
        ];
        let mut req = yen(Some(500), None);
        assert_eq!(failure(price(&d, &req).unwrap_err()), "missing reference");
        req.references = vec![(ReferenceKind::BillNumber, "   ".into())];
        assert_eq!(failure(price(&d, &req).unwrap_err()), "missing reference", "blank is missing");
        req.references =
            vec![(ReferenceKind::LoyaltyNumber, "L9".into()), (ReferenceKind::BillNumber, " INV-42 ".into())];
        assert_eq!(
            price(&d, &req).unwrap().references,
            vec![(ReferenceKind::StoreLabel, "SHOP-1".into()), (ReferenceKind::BillNumber, "INV-42".into())],
            "the code's own values kept, the payer's trimmed, others ignored"
        );
    }

    #[test]
    fn a_code_read_at_its_network_takes_its_currency_amount_and_merchant() {
        let cny = |minor| Money::from_minor(minor, Currency::from_alpha("CNY").unwrap());
        let info = |amount: Option<i64>, currency: &str| api::MerchantCodeInfo {
            network: "alipay_plus".into(),
            route: "alipay".into(),
            merchant: api::MerchantRef {
                id: "m_cn_teahouse".into(),
                name: "JADE GARDEN TEAHOUSE".into(),
                country: "CN".into(),
            },
            city: "SHANGHAI".into(),
            currency: currency.into(),
            amount: amount.map(|a| api::Amount::new(a, currency)),
        };
        let order_code = scheme::detect("https://qr.alipay.com/bax08431mfqgbxvz6l2e0021").unwrap();
        assert_eq!((order_code.currency, order_code.amount), (None, None), "the code alone names neither");
        let mut d = order_code.clone();
        at_its_network(&mut d, &info(Some(6_800), "CNY")).unwrap();
        assert_eq!(
            (d.currency.map(|c| c.alpha()), d.amount, d.country.as_deref()),
            (Some("CNY"), Some(cny(6_800)), Some("CN"))
        );
        assert_eq!(d.merchant.as_ref().and_then(|m| m.name.as_deref()), Some("JADE GARDEN TEAHOUSE"));
        // The order's amount is the amount: another is refused before anything is sent.
        assert_eq!(price(&d, &entered(None, None)).unwrap().total, cny(6_800));
        assert_eq!(failure(price(&d, &entered(Some(cny(6_000)), None)).unwrap_err()), "invalid input");
        // A static code: the payer enters the amount, in yuan.
        let mut d = scheme::detect("https://qr.alipay.com/FKX07512QWXJ3N8TLHGCE4").unwrap();
        at_its_network(&mut d, &info(None, "CNY")).unwrap();
        assert_eq!(price(&d, &entered(Some(cny(2_800)), None)).unwrap().total, cny(2_800));
        assert_eq!(failure(price(&d, &yen(Some(2_800), None)).unwrap_err()), "invalid input");
        // A code that states its currency must agree with its network.
        let mut emv = code(None, None);
        assert_eq!(failure(at_its_network(&mut emv, &info(None, "CNY")).unwrap_err()), "not payable");
    }

    #[test]
    fn routes_are_the_codes_own_and_payable() {
        let promptpay = "00020101021129370016A0000006770101110113006681222333353037645802TH63041DCF";
        let d = scheme::detect(promptpay).unwrap();
        let req = |route: Option<&str>| PaymentRequest { route: route.map(str::to_owned), ..yen(None, None) };
        assert_eq!(route(&d, &req(None)).unwrap().as_str(), "promptpay");
        assert_eq!(route(&d, &req(Some("promptpay"))).unwrap().as_str(), "promptpay");
        assert_eq!(failure(route(&d, &req(Some("paynow"))).unwrap_err()), "invalid input");
        let mut damaged = d.clone();
        damaged.crc = CrcStatus::Invalid { found: "1DCE".into(), computed: "1DCF".into() };
        assert_eq!(failure(route(&damaged, &req(None)).unwrap_err()), "not payable");
        let mut consumer = d.clone();
        consumer.presentment = Presentment::Consumer;
        assert_eq!(failure(route(&consumer, &req(None)).unwrap_err()), "not payable");
    }
}
