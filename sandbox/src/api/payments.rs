//! Merchants, dynamic codes and paying a scanned merchant code.

use std::collections::BTreeMap;

use crate::journal_meta::{self, PaymentMeta};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use koban_core::emv::Tip;
use koban_core::money::Money;
use koban_core::net::api::{self, EventData};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Deserialize;
use utoipa::ToSchema;

use super::common::{amount, check_limits, emit, load_wallet, merchant_ref, AmountIn, WalletRow};
use super::doc::IdempotencyKey;
use super::quotes::{take_quote, use_quote};
use crate::auth::{SignedJson, TerminalJson};
use crate::codes;
use crate::error::ApiError;
use crate::fx;
use crate::idem::{self, Ctx, Mutation};
use crate::ledger::{self, Leg};
use crate::seed::{self, MerchantSeed};
use crate::state::AppState;

/// The demo merchants and their static codes
///
/// No credentials: terminals enrol their own keys.
#[utoipa::path(get, path = "/v1/merchants", tag = "merchants", operation_id = "listMerchants",
    responses((status = 200, description = "Every demo merchant", body = api::Merchants)))]
pub async fn merchants(State(state): State<AppState>) -> Result<Json<api::Merchants>, ApiError> {
    // Merchants in China are paid through their networks: only a host connected to them lists them.
    let connected = state.acquirer.is_some();
    state
        .with_db(move |conn| {
            let mut stmt = conn.prepare(
                "SELECT id, name, city, country, currency, scheme, static_payload FROM merchants ORDER BY id",
            )?;
            let merchants = stmt
                .query_map([], |r| {
                    Ok(api::Merchant {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        city: r.get(2)?,
                        country: r.get(3)?,
                        currency: r.get(4)?,
                        scheme: r.get(5)?,
                        static_payload: r.get(6)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter(|m| connected || !super::china::through_network(&m.id))
                .collect();
            Ok(Json(api::Merchants { merchants }))
        })
        .await
}

/// `POST /v1/merchants/{merchant_id}/dynamic-codes`: a one-payment code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct DynamicCodeRequest {
    /// The amount, in the merchant's currency.
    amount: AmountIn,
    /// Reference label (62/05), 1-25 letters, digits or `-`; generated when absent.
    reference: Option<String>,
    /// Bill number (62/01); `***` asks the payer to type it.
    bill_number: Option<String>,
    /// Tip or convenience-fee rule.
    tip: Option<TipIn>,
}

/// A tip or convenience-fee rule on the wire.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum TipIn {
    /// The payer is asked for a tip.
    Prompt,
    /// A fixed convenience fee.
    Fixed {
        /// In the merchant's currency.
        fee: AmountIn,
    },
    /// A percentage convenience fee, rounded down to the minor unit.
    Percentage {
        /// Hundredths of a percent, 1-9999.
        hundredths: u32,
    },
}

fn valid_reference(r: &str) -> bool {
    r == "***" || (!r.is_empty() && r.len() <= 25 && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// Create a one-payment code with an amount (a terminal of this merchant)
#[utoipa::path(post, path = "/v1/merchants/{merchant_id}/dynamic-codes", tag = "merchants",
    operation_id = "createDynamicCode", request_body = DynamicCodeRequest,
    params(("merchant_id" = String, Path, description = "The terminal's merchant"), IdempotencyKey),
    responses((status = 201, description = "The code", body = api::DynamicCode)),
    security(("signedTerminal" = [])))]
pub async fn dynamic_code(
    State(state): State<AppState>,
    Path(merchant_id): Path<String>,
    t: TerminalJson<DynamicCodeRequest>,
) -> Response {
    // Keys are the merchant's, whichever of its tills sends them.
    let m = Mutation { scope: format!("merchant:{merchant_id}"), ..t.mutation };
    let body = t.body;
    let code_id = state.new_id("dc");
    idem::run(&state, m, move |tx, ctx| {
        body.amount.validate()?;
        let seed = seed::merchant(&merchant_id).ok_or(ApiError::NotFound("merchant"))?;
        if body.amount.currency != seed.currency {
            return Err(ApiError::CurrencyMismatch(format!("merchant takes {}", seed.currency)));
        }
        let reference = body.reference.unwrap_or_else(|| code_id[3..15].to_ascii_uppercase());
        if !valid_reference(&reference) || !body.bill_number.as_deref().is_none_or(valid_reference) {
            return Err(ApiError::BadRequest(
                "references must be 1-25 letters, digits or '-', or *** to ask the payer".into(),
            ));
        }
        let currency = fx::currency(seed.currency)?;
        let tip = match body.tip {
            None => None,
            Some(TipIn::Prompt) => Some(Tip::Prompt),
            Some(TipIn::Fixed { fee }) => {
                fee.validate()?;
                if fee.currency != seed.currency {
                    return Err(ApiError::CurrencyMismatch(format!("merchant takes {}", seed.currency)));
                }
                Some(Tip::Fixed { fee: Money::from_minor(fee.minor, currency) })
            }
            Some(TipIn::Percentage { hundredths }) => Some(Tip::Percentage { hundredths }),
        };
        let parts = seed::DynamicParts {
            amount: Money::from_minor(body.amount.minor, currency),
            reference: reference.clone(),
            bill_number: body.bill_number,
            tip,
        };
        let payload = seed::merchant_code(seed, Some(&parts)).map_err(|e| match e {
            ApiError::Internal(m) => ApiError::BadRequest(m),
            other => other,
        })?;
        tx.execute(
            "INSERT INTO dynamic_codes (id, merchant_id, payload, amount, currency, reference, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![code_id, merchant_id, payload, body.amount.minor, seed.currency, reference, ctx.now],
        )?;
        let code = api::DynamicCode {
            id: code_id,
            merchant_id,
            payload,
            amount: amount(body.amount.minor, seed.currency),
            reference,
        };
        Ok((StatusCode::CREATED, code))
    })
    .await
}

/// `POST /v1/payments`. Static codes need `amount`; dynamic codes carry it (a differing
/// amount is refused). A tip is accepted only when the code prompts for one; fixed and
/// percentage convenience fees are added by the host (percentages round down). Cross-border
/// payments need a quote whose receive amount equals the total.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct PaymentRequest {
    /// The scanned code, exactly.
    payload: String,
    /// Scheme id the client chose among the detected routes.
    route: String,
    /// What the payer entered (static codes), or the code's own amount.
    amount: Option<AmountIn>,
    /// The payer's tip, when the code prompts for one.
    tip: Option<AmountIn>,
    /// The FX quote of a foreign payment.
    quote_id: Option<String>,
    /// Values the payer typed for references the code leaves open (`***`), keyed by kind
    /// (`bill_number`, `reference_label`, …).
    references: Option<BTreeMap<String, String>>,
}

/// Pay a scanned merchant code; the host re-detects the payload
#[utoipa::path(post, path = "/v1/payments", tag = "payments", operation_id = "pay",
    request_body = PaymentRequest, params(IdempotencyKey),
    responses((status = 201, description = "Paid", body = api::Payment)),
    security(("signedDevice" = [])))]
pub async fn pay(State(state): State<AppState>, s: SignedJson<PaymentRequest>) -> Response {
    let journal_id = state.new_id("tx");
    let (wallet_id, body) = (s.wallet_id, s.body);
    // A merchant in China, paid through its code's network (Alipay+, WeChat Pay, UnionPay).
    if let Some(network) = super::china::network_for(&body.payload, &body.route) {
        let PaymentRequest { payload, route, amount, tip, quote_id, references } = body;
        let order = super::china::Order { payload, route, amount, tip, quote_id, references };
        return super::china::pay(state, wallet_id, s.mutation, network, order).await;
    }
    idem::run(&state, s.mutation, move |tx, ctx| {
        let order = validate_payment(tx, &body, ctx.now)?;
        let w = load_wallet(tx, &wallet_id)?;
        let priced = price_payment(tx, &w, &order, body.quote_id.as_deref(), ctx.now)?;
        let out = post_payment(tx, ctx, &w, &journal_id, &body, &order, priced)?;
        Ok((StatusCode::CREATED, out))
    })
    .await
}

/// A payment request checked against its code and merchant: who is paid what.
struct Order {
    merchant: &'static MerchantSeed,
    /// The dynamic code paid, which no one may pay again.
    dynamic_code: Option<String>,
    /// The price, merchant's currency.
    base: i64,
    /// Tip or convenience fee, merchant's currency.
    extra: i64,
    /// The references the payer typed.
    references: BTreeMap<String, String>,
}

impl Order {
    fn total(&self) -> i64 {
        self.base + self.extra
    }
}

/// Re-detects the code and checks the request against it: route, merchant, references,
/// currency, amount and tip.
fn validate_payment(tx: &Transaction<'_>, body: &PaymentRequest, now: i64) -> Result<Order, ApiError> {
    let detection = codes::detect_merchant_code(&body.payload, now)?;
    let payload = body.payload.trim();
    if !detection.payable_routes().any(|r| r.scheme.as_str() == body.route) {
        let known: Vec<&str> = detection.payable_routes().map(|r| r.scheme.as_str()).collect();
        return Err(ApiError::RouteMismatch(format!(
            "{:?} is not a route of this code (routes: {})",
            body.route,
            known.join(", ")
        )));
    }
    // Which merchant: the static code itself, or a dynamic code the merchant created here.
    let static_hit: Option<String> =
        tx.query_row("SELECT id FROM merchants WHERE static_payload = ?1", [payload], |r| r.get(0)).optional()?;
    let (merchant_id, dynamic) = match static_hit {
        Some(id) => (id, None),
        None => {
            let row: Option<(String, String, i64, Option<String>)> = tx
                .query_row(
                    "SELECT id, merchant_id, amount, paid_by_journal FROM dynamic_codes WHERE payload = ?1",
                    [payload],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let (code_id, merchant_id, code_amount, paid) = row.ok_or(ApiError::UnknownMerchant)?;
            if paid.is_some() {
                return Err(ApiError::CodeAlreadyPaid);
            }
            (merchant_id, Some((code_id, code_amount)))
        }
    };
    let merchant = seed::merchant(&merchant_id).ok_or(ApiError::UnknownMerchant)?;
    let currency = merchant.currency;
    let references = body.references.clone().unwrap_or_default();
    for open in detection.references.iter().filter(|r| r.value.is_none()) {
        let kind = serde_json::to_value(open.kind)?.as_str().unwrap_or_default().to_owned();
        if references.get(&kind).is_none_or(|v| v.trim().is_empty() || v.chars().count() > 25) {
            return Err(ApiError::ReferenceRequired(kind));
        }
    }
    if detection.currency.map(|c| c.alpha()) != Some(currency) {
        return Err(ApiError::CurrencyMismatch("code currency differs from the merchant's".into()));
    }
    let base = match (&dynamic, &body.amount) {
        (Some((_, code_amount)), Some(a)) if a.minor != *code_amount || a.currency != currency => {
            return Err(ApiError::AmountMismatch(format!(
                "the code asks for {code_amount} {currency}, the request says {} {}",
                a.minor, a.currency
            )))
        }
        (Some((_, code_amount)), _) => *code_amount,
        (None, Some(a)) => {
            a.validate()?;
            if a.currency != currency {
                return Err(ApiError::CurrencyMismatch(format!("the merchant takes {currency}")));
            }
            a.minor
        }
        (None, None) => {
            return Err(ApiError::AmountMismatch("a static code needs the amount the payer entered".into()))
        }
    };
    let extra = tip_due(detection.tip, base, body.tip.as_ref(), currency)?;
    Ok(Order { merchant, dynamic_code: dynamic.map(|(id, _)| id), base, extra, references })
}

/// The tip or convenience fee the code's rule asks on `base`: the payer's tip where the code
/// prompts for one, the code's fixed fee, or its percentage rounded down to the minor unit.
fn tip_due(rule: Option<Tip>, base: i64, given: Option<&AmountIn>, currency: &str) -> Result<i64, ApiError> {
    Ok(match (rule, given) {
        (Some(Tip::Prompt), Some(t)) => {
            t.validate()?;
            if t.currency != currency {
                return Err(ApiError::CurrencyMismatch("tip must be in the merchant's currency".into()));
            }
            t.minor
        }
        (Some(Tip::Prompt) | None, None) => 0,
        (Some(Tip::Fixed { fee }), None) => fee.minor(),
        (Some(Tip::Percentage { hundredths }), None) => (i128::from(base) * i128::from(hundredths) / 10_000) as i64,
        (_, Some(_)) => return Err(ApiError::AmountMismatch("this code does not prompt for a tip".into())),
    })
}

/// How the wallet pays an order: from its balance at home, through an FX quote abroad.
struct Priced {
    /// What leaves the wallet, its currency.
    debit: i64,
    /// The FX fee, its currency.
    fee: i64,
    /// The quote executed, as shown.
    quote: Option<(String, api::Quote)>,
    /// The journal's legs.
    legs: Vec<Leg>,
}

/// Prices an order for the wallet and checks its KYC limits; a foreign payment takes its
/// quote (of this wallet, unused, unexpired, delivering exactly the total).
fn price_payment(
    tx: &Transaction<'_>,
    w: &WalletRow,
    order: &Order,
    quote_id: Option<&str>,
    now: i64,
) -> Result<Priced, ApiError> {
    let (total, currency) = (order.total(), order.merchant.currency);
    let merchant_account = format!("merchant:{}", order.merchant.id);
    if currency == w.currency {
        if quote_id.is_some() {
            return Err(ApiError::QuoteMismatch("a domestic payment takes no quote".into()));
        }
        check_limits(tx, w, total, total, now)?;
        let legs = vec![Leg::new(w.account_id.clone(), -total), Leg::new(merchant_account, total)];
        return Ok(Priced { debit: total, fee: 0, quote: None, legs });
    }
    let quote_id = quote_id.ok_or(ApiError::QuoteRequired)?;
    let q = take_quote(tx, quote_id, &w.id, "merchant_payment", now)?;
    if q.receive != total || q.receive_currency != currency {
        return Err(ApiError::QuoteMismatch(format!(
            "quote delivers {} {}, the payment is {total} {currency}",
            q.receive, q.receive_currency
        )));
    }
    let debit = q.send + q.fee;
    check_limits(tx, w, debit, debit, now)?;
    let legs = vec![
        Leg::new(w.account_id.clone(), -debit),
        Leg::new(seed::fee_account(&w.currency), q.fee),
        Leg::new(seed::fx_account(&w.currency), q.send),
        Leg::new(seed::fx_account(currency), -total),
        Leg::new(merchant_account, total),
    ];
    Ok(Priced { debit, fee: q.fee, quote: Some((quote_id.to_owned(), q.body)), legs })
}

/// Posts a priced order: the journal, the quote and dynamic code marked used, the answer and
/// the wallet's event.
fn post_payment(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    w: &WalletRow,
    journal_id: &str,
    body: &PaymentRequest,
    order: &Order,
    priced: Priced,
) -> Result<api::Payment, ApiError> {
    let (merchant, currency, total) = (order.merchant, order.merchant.currency, order.total());
    let meta = journal_meta::to_value(&PaymentMeta {
        merchant: merchant_ref(merchant),
        route: &body.route,
        amount: amount(order.base, currency),
        tip: amount(order.extra, currency),
        total: amount(total, currency),
        references: &order.references,
        description: format!("Payment to {}", merchant.name),
        quote: priced.quote.as_ref().map(|(_, shown)| shown),
    })?;
    ledger::post(tx, &ctx.journal(journal_id, "payment", &w.id, &meta), &priced.legs)?;
    if let Some((quote_id, _)) = &priced.quote {
        use_quote(tx, quote_id, journal_id)?;
    }
    if let Some(code_id) = &order.dynamic_code {
        tx.execute("UPDATE dynamic_codes SET paid_by_journal = ?2 WHERE id = ?1", params![code_id, journal_id])?;
    }
    let out = api::Payment {
        id: journal_id.to_owned(),
        kind: "payment".into(),
        status: "completed".into(),
        merchant: merchant_ref(merchant),
        route: body.route.clone(),
        amount: amount(order.base, currency),
        tip: amount(order.extra, currency),
        total: amount(total, currency),
        debited: amount(priced.debit, &w.currency),
        fee: amount(priced.fee, &w.currency),
        quote_id: body.quote_id.clone(),
        balance: amount(ledger::balance(tx, &w.account_id)?, &w.currency),
        created_at: ctx.now,
    };
    emit(tx, &w.id, EventData::PaymentCompleted(out.clone()), ctx.now)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yen(minor: i64) -> AmountIn {
        AmountIn { minor, currency: "JPY".into() }
    }

    #[test]
    fn tips_follow_the_codes_rule() {
        assert_eq!(tip_due(None, 1_000, None, "JPY").unwrap(), 0);
        assert_eq!(tip_due(Some(Tip::Prompt), 1_000, None, "JPY").unwrap(), 0);
        assert_eq!(tip_due(Some(Tip::Prompt), 1_000, Some(&yen(150)), "JPY").unwrap(), 150);
        // 3.50 % of ¥999 is ¥34.965: rounded down.
        assert_eq!(tip_due(Some(Tip::Percentage { hundredths: 350 }), 999, None, "JPY").unwrap(), 34);
        let fee = Money::from_minor(110, koban_core::money::Currency::from_alpha("JPY").unwrap());
        assert_eq!(tip_due(Some(Tip::Fixed { fee }), 2_000, None, "JPY").unwrap(), 110);
        let refused = tip_due(None, 1_000, Some(&yen(100)), "JPY").unwrap_err();
        assert_eq!(refused.kind().as_str(), "amount_mismatch");
        let wrong_currency = AmountIn { minor: 100, currency: "THB".into() };
        assert_eq!(
            tip_due(Some(Tip::Prompt), 1_000, Some(&wrong_currency), "JPY").unwrap_err().kind().as_str(),
            "currency_mismatch"
        );
    }
}
