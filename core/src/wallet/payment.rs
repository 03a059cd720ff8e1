//! Paying a scanned merchant code: reading and pricing it (with an FX quote abroad), then
//! paying the quote the payer saw.

use rusqlite::Transaction;
use serde_json::{json, Value};

use super::outbox::{Answer, IntentKind};
use super::types::{money, money_json, text};
use super::{positive, PaymentQuote, PaymentRequest, Wallet, WalletError};
use crate::emv::Tip;
use crate::money::Money;
use crate::scheme::{self, CrcStatus, Presentment};
use crate::store::{self, Direction, TransactionRecord};

impl Wallet {
    /// Reads a scanned merchant code and prices it: amount, tip or fee, and for a foreign
    /// merchant an FX quote in the home currency — all to show before [`Wallet::confirm_payment`].
    pub async fn quote_payment(&self, req: &PaymentRequest) -> Result<PaymentQuote, WalletError> {
        let w = self.enrolled()?;
        let d = scheme::detect(&req.payload)?;
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
        let currency = d.currency.ok_or_else(|| WalletError::NotPayable("the code names no currency".into()))?;
        let amount = match (req.amount, d.amount) {
            (Some(a), _) => a,
            (None, Some(code)) => code,
            (None, None) => {
                return Err(WalletError::InvalidInput("this code needs the amount the payer enters".into()))
            }
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
                (
                    Money::from_minor((i128::from(amount.minor()) * i128::from(hundredths) / 10_000) as i64, currency),
                    false,
                )
            }
            (_, Some(_)) => return Err(WalletError::InvalidInput("this code does not ask for a tip".into())),
        };
        let mut references = Vec::new();
        for r in &d.references {
            match &r.value {
                Some(v) => references.push((r.kind, v.clone())),
                None => {
                    let given = req
                        .references
                        .iter()
                        .find(|(k, _)| *k == r.kind)
                        .map(|(_, v)| v.trim())
                        .filter(|v| !v.is_empty());
                    let v = given.ok_or_else(|| WalletError::MissingReference(format!("{:?}", r.kind)))?;
                    references.push((r.kind, v.to_owned()));
                }
            }
        }
        let total = amount.checked_add(tip).ok_or_else(|| WalletError::InvalidInput("amount too large".into()))?;
        let (fx, debit, fee) = if currency == w.currency {
            (None, total, Money::zero(w.currency))
        } else {
            let q = self.fx_quote(&json!({ "purpose": "merchant_payment", "receive": money_json(total) })).await?;
            let (debit, fee) = (q.total, q.fee);
            (Some(q), debit, fee)
        };
        Ok(PaymentQuote {
            payload: req.payload.trim().to_owned(),
            route: route.as_str().to_owned(),
            merchant_name: d.merchant.as_ref().and_then(|m| m.name.clone()),
            merchant_country: d.country.clone(),
            amount,
            tip,
            total,
            fx,
            debit,
            fee,
            references,
            tip_prompted,
        })
    }

    /// Pays a quoted merchant payment.
    pub async fn confirm_payment(&self, q: &PaymentQuote) -> Result<TransactionRecord, WalletError> {
        let mut body = json!({ "payload": q.payload, "route": q.route, "amount": money_json(q.amount) });
        if q.tip_prompted && q.tip.minor() > 0 {
            body["tip"] = money_json(q.tip);
        }
        if let Some(fx) = &q.fx {
            body["quote_id"] = json!(fx.id);
        }
        let refs: Vec<Value> = q.references.iter().map(|(k, v)| json!({ "kind": k, "value": v })).collect();
        let context = json!({ "references": refs, "shown_debit": money_json(q.debit), "shown_fee": money_json(q.fee) });
        let v = self.submit(IntentKind::Payment, "/v1/payments", &body, context).await?;
        self.transaction(&text(&v, "id")?)
    }
}

/// Reconciles a merchant payment into the history: what left the wallet, fees included.
pub(super) fn paid(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<(), WalletError> {
    let v = a.v;
    let name = v["merchant"]["name"].as_str().unwrap_or("merchant").to_owned();
    let description = format!("Payment to {name} ({})", money(&v["total"])?.format());
    store::insert_transaction(
        tx,
        &a.record("payment", Direction::Out, money(&v["debited"])?, Some(name), description),
    )?;
    Ok(())
}
