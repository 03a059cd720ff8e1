//! Merchants, dynamic codes, FX quotes and paying a scanned merchant code.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use koban_core::emv::Tip;
use koban_core::money::Money;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Deserialize;
use serde_json::{json, Value};

use super::common::{amount, check_limits, emit, load_wallet, AmountIn, WalletRow};
use super::wallets::mutation;
use crate::auth::{Signed, TerminalSigned};
use crate::codes;
use crate::error::ApiError;
use crate::fx;
use crate::idem::{self, Mutation};
use crate::ledger::{self, Leg};
use crate::seed;
use crate::state::AppState;

/// FX margin on a foreign merchant payment, in basis points.
pub const MERCHANT_MARGIN_BPS: i128 = 150;
/// Fixed fee on a foreign merchant payment, in JPY (converted for other home currencies).
pub const MERCHANT_FEE_JPY: i64 = 50;
/// FX margin on a remittance, in basis points.
pub const REMITTANCE_MARGIN_BPS: i128 = 100;

/// `GET /v1/merchants`: the demo merchants and their static codes (no credentials: terminals
/// enrol their own keys).
pub async fn merchants(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state
        .with_db(|conn| {
            let mut stmt = conn.prepare(
                "SELECT id, name, city, country, currency, scheme, static_payload FROM merchants ORDER BY id",
            )?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(json!({
                        "id": r.get::<_, String>(0)?, "name": r.get::<_, String>(1)?, "city": r.get::<_, String>(2)?,
                        "country": r.get::<_, String>(3)?, "currency": r.get::<_, String>(4)?, "scheme": r.get::<_, String>(5)?,
                        "static_payload": r.get::<_, String>(6)?,
                    }))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Json(json!({ "merchants": rows })))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DynamicBody {
    amount: AmountIn,
    reference: Option<String>,
    /// `***` asks the payer to type the bill number.
    bill_number: Option<String>,
    tip: Option<TipIn>,
}

/// A tip or convenience-fee rule on the wire.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum TipIn {
    Prompt,
    Fixed { fee: AmountIn },
    Percentage { hundredths: u32 },
}

fn valid_reference(r: &str) -> bool {
    r == "***" || (!r.is_empty() && r.len() <= 25 && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// `POST /v1/merchants/{merchant_id}/dynamic-codes`: a one-payment code with an amount.
pub async fn dynamic_code(
    State(state): State<AppState>,
    Path(merchant_id): Path<String>,
    mr: TerminalSigned,
) -> Response {
    if merchant_id != mr.merchant_id {
        return ApiError::Forbidden.into_response();
    }
    let body: DynamicBody = match mr.req.json() {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let key = match mr.req.idempotency_key() {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let m = Mutation { scope: format!("merchant:{merchant_id}"), key, request_hash: mr.req.request_hash() };
    let code_id = state.new_id("dc");
    idem::run(&state, m, move |tx, ctx| {
        body.amount.validate()?;
        let seed = seed::merchant(&merchant_id).ok_or(ApiError::NotFound("merchant"))?;
        if body.amount.currency != seed.currency {
            return Err(ApiError::CurrencyMismatch(format!("merchant takes {}", seed.currency)));
        }
        let reference = body.reference.unwrap_or_else(|| code_id[3..15].to_ascii_uppercase());
        if !valid_reference(&reference) || !body.bill_number.as_deref().is_none_or(valid_reference) {
            return Err(ApiError::BadRequest("references must be 1-25 letters, digits or '-', or *** to ask the payer".into()));
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
        let parts = seed::DynamicParts { amount: Money::from_minor(body.amount.minor, currency), reference: reference.clone(), bill_number: body.bill_number, tip };
        let payload = seed::merchant_code(seed, Some(&parts)).map_err(|e| match e {
            ApiError::Internal(m) => ApiError::BadRequest(m),
            other => other,
        })?;
        tx.execute(
            "INSERT INTO dynamic_codes (id, merchant_id, payload, amount, currency, reference, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![code_id, merchant_id, payload, body.amount.minor, seed.currency, reference, ctx.now],
        )?;
        Ok((
            StatusCode::CREATED,
            json!({ "id": code_id, "merchant_id": merchant_id, "payload": payload, "amount": amount(body.amount.minor, seed.currency), "reference": reference }),
        ))
    })
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuoteBody {
    purpose: String,
    send: Option<AmountIn>,
    receive: Option<AmountIn>,
    /// For remittances: the destination country (its currency is the receive currency).
    destination_country: Option<String>,
}

/// `POST /v1/quotes`: an FX quote, executable once within [`fx::QUOTE_TTL_SECS`].
pub async fn create_quote(State(state): State<AppState>, s: Signed) -> Response {
    let body: QuoteBody = match s.req.json() {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let m = match mutation(&s) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let quote_id = state.new_id("q");
    let wallet_id = s.wallet_id.clone();
    idem::run(&state, m, move |tx, ctx| {
        let w = load_wallet(tx, &wallet_id)?;
        let q = make_quote(&w, &body, &quote_id, ctx.now)?;
        tx.execute(
            "INSERT INTO quotes (id, wallet_id, purpose, body, send_amount, send_currency, receive_amount, receive_currency, fee, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![quote_id, wallet_id, body.purpose, q.to_string(), q["send"]["minor"].as_i64(), w.currency,
                    q["receive"]["minor"].as_i64(), q["receive"]["currency"].as_str(), q["fee"]["minor"].as_i64(), q["expires_at"].as_i64()],
        )?;
        Ok((StatusCode::CREATED, q))
    })
    .await
}

fn make_quote(w: &WalletRow, body: &QuoteBody, id: &str, now: i64) -> Result<Value, ApiError> {
    let (margin, fee_jpy, receive_currency, destination, eta) = match body.purpose.as_str() {
        "merchant_payment" => {
            let r = body
                .receive
                .as_ref()
                .ok_or_else(|| ApiError::BadRequest("a merchant payment quote needs the receive amount".into()))?;
            if body.send.is_some() || body.destination_country.is_some() {
                return Err(ApiError::BadRequest("a merchant payment quote takes only the receive amount".into()));
            }
            (MERCHANT_MARGIN_BPS, MERCHANT_FEE_JPY, r.currency.clone(), None, None)
        }
        "remittance" => {
            let country = body
                .destination_country
                .as_deref()
                .ok_or_else(|| ApiError::BadRequest("destination_country is required".into()))?;
            let (_, cur, fee, eta) = seed::CORRIDORS
                .iter()
                .find(|(c, ..)| *c == country)
                .ok_or_else(|| ApiError::UnsupportedCorridor(format!("no remittance corridor to {country}")))?;
            if w.country != "JP" {
                return Err(ApiError::UnsupportedCorridor(format!("remittances are sent from JP, not {}", w.country)));
            }
            (REMITTANCE_MARGIN_BPS, *fee, (*cur).to_owned(), Some(country), Some(*eta))
        }
        other => return Err(ApiError::BadRequest(format!("unknown purpose {other:?}"))),
    };
    if receive_currency == w.currency {
        return Err(ApiError::BadRequest("no FX quote is needed in the wallet's own currency".into()));
    }
    let mid = fx::mid_rate(&w.currency, &receive_currency)?;
    let rate = fx::customer_rate(mid, margin);
    let (send, receive) = match (&body.send, &body.receive) {
        (Some(s), None) => {
            s.validate()?;
            if s.currency != w.currency {
                return Err(ApiError::CurrencyMismatch(format!("quotes are sent in the wallet's {}", w.currency)));
            }
            (s.minor, fx::convert_down(s.minor, &w.currency, &receive_currency, rate)?)
        }
        (None, Some(r)) => {
            r.validate()?;
            if r.currency != receive_currency {
                return Err(ApiError::CurrencyMismatch(format!("the corridor pays out {receive_currency}")));
            }
            (fx::convert_up(r.minor, &w.currency, &receive_currency, rate)?, r.minor)
        }
        _ => return Err(ApiError::BadRequest("give exactly one of send and receive".into())),
    };
    if receive <= 0 {
        return Err(ApiError::BadRequest("amount too small to deliver anything".into()));
    }
    let fee = fx::from_jpy(fee_jpy, &w.currency)?;
    Ok(json!({
        "id": id,
        "purpose": body.purpose,
        "send": amount(send, &w.currency),
        "receive": amount(receive, &receive_currency),
        "fee": amount(fee, &w.currency),
        "total": amount(send + fee, &w.currency),
        "mid_rate": fx::format_rate(mid),
        "rate": fx::format_rate(rate),
        "rate_scaled": rate as i64,
        "rate_scale": fx::RATE_SCALE as i64,
        "margin_bps": margin as i64,
        "destination_country": destination,
        "delivery_estimate_secs": eta,
        "created_at": now,
        "expires_at": now + fx::QUOTE_TTL_SECS,
    }))
}

/// `GET /v1/quotes/{quote_id}`.
pub async fn quote(
    State(state): State<AppState>,
    Path(quote_id): Path<String>,
    s: Signed,
) -> Result<Json<Value>, ApiError> {
    state
        .with_db(move |conn| {
            let (owner, body, used): (String, String, Option<String>) = conn
                .query_row("SELECT wallet_id, body, used_by_journal FROM quotes WHERE id = ?1", [&quote_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?
                .ok_or(ApiError::NotFound("quote"))?;
            super::common::own(&owner, &s.wallet_id)?;
            let mut q: Value = serde_json::from_str(&body)?;
            q["used_by"] = json!(used);
            Ok(Json(q))
        })
        .await
}

/// A quote row, checked for use by `wallet_id` for `purpose`.
pub struct QuoteRow {
    /// Send amount, sender's currency.
    pub send: i64,
    /// Receive amount.
    pub receive: i64,
    /// Receive currency.
    pub receive_currency: String,
    /// Fee, sender's currency.
    pub fee: i64,
    /// The quote as shown.
    pub body: Value,
}

/// Loads a quote and refuses one of another wallet, another purpose, expired or used.
pub fn take_quote(
    tx: &Transaction<'_>,
    quote_id: &str,
    wallet_id: &str,
    purpose: &str,
    now: i64,
) -> Result<QuoteRow, ApiError> {
    struct Stored {
        owner: String,
        purpose: String,
        expires_at: i64,
        used: Option<String>,
        quote: QuoteRow,
    }
    let stored = tx
        .query_row(
            "SELECT wallet_id, purpose, send_amount, receive_amount, receive_currency, fee, expires_at, used_by_journal, body FROM quotes WHERE id = ?1",
            [quote_id],
            |r| {
                Ok(Stored {
                    owner: r.get(0)?,
                    purpose: r.get(1)?,
                    expires_at: r.get(6)?,
                    used: r.get(7)?,
                    quote: QuoteRow {
                        send: r.get(2)?,
                        receive: r.get(3)?,
                        receive_currency: r.get(4)?,
                        fee: r.get(5)?,
                        body: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or(Value::Null),
                    },
                })
            },
        )
        .optional()?
        .ok_or(ApiError::NotFound("quote"))?;
    let Stored { owner, purpose: q_purpose, expires_at, used, quote } = stored;
    super::common::own(&owner, wallet_id)?;
    if q_purpose != purpose {
        return Err(ApiError::QuoteMismatch(format!("quote is for {q_purpose}, not {purpose}")));
    }
    if used.is_some() {
        return Err(ApiError::QuoteUsed);
    }
    if now > expires_at {
        return Err(ApiError::QuoteExpired);
    }
    Ok(quote)
}

/// Marks a quote executed by `journal_id`.
pub fn use_quote(tx: &Transaction<'_>, quote_id: &str, journal_id: &str) -> Result<(), ApiError> {
    tx.execute(
        "UPDATE quotes SET used_by_journal = ?2 WHERE id = ?1 AND used_by_journal IS NULL",
        params![quote_id, journal_id],
    )?;
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PayBody {
    payload: String,
    route: String,
    amount: Option<AmountIn>,
    tip: Option<AmountIn>,
    quote_id: Option<String>,
    /// Values the payer typed for references the code leaves open (`***`), by kind.
    references: Option<std::collections::BTreeMap<String, String>>,
}

/// `POST /v1/payments`: pays a scanned merchant code after re-detecting it.
pub async fn pay(State(state): State<AppState>, s: Signed) -> Response {
    let body: PayBody = match s.req.json() {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let m = match mutation(&s) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let journal_id = state.new_id("tx");
    let wallet_id = s.wallet_id.clone();
    idem::run(&state, m, move |tx, ctx| pay_inner(tx, &wallet_id, &journal_id, body, ctx)).await
}

fn pay_inner(
    tx: &Transaction<'_>,
    wallet_id: &str,
    journal_id: &str,
    body: PayBody,
    ctx: &idem::Ctx,
) -> Result<(StatusCode, Value), ApiError> {
    let detection = codes::detect_merchant_code(&body.payload, ctx.now)?;
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
    let typed = body.references.clone().unwrap_or_default();
    for open in detection.references.iter().filter(|r| r.value.is_none()) {
        let kind = serde_json::to_value(open.kind)?.as_str().unwrap_or_default().to_owned();
        if typed.get(&kind).is_none_or(|v| v.trim().is_empty() || v.chars().count() > 25) {
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
    // Tips and convenience fees follow the code's rule; percentages round down to the minor unit.
    let extra = match (detection.tip, &body.tip) {
        (Some(Tip::Prompt), Some(t)) => {
            t.validate()?;
            if t.currency != currency {
                return Err(ApiError::CurrencyMismatch("tip must be in the merchant's currency".into()));
            }
            t.minor
        }
        (Some(Tip::Prompt), None) | (None, None) => 0,
        (Some(Tip::Fixed { fee }), None) => fee.minor(),
        (Some(Tip::Percentage { hundredths }), None) => (i128::from(base) * i128::from(hundredths) / 10_000) as i64,
        (_, Some(_)) => return Err(ApiError::AmountMismatch("this code does not prompt for a tip".into())),
    };
    let total = base + extra;
    let w = load_wallet(tx, wallet_id)?;
    let merchant_account = format!("merchant:{merchant_id}");
    let mut meta = json!({
        "merchant": { "id": merchant_id, "name": merchant.name, "country": merchant.country },
        "route": body.route, "amount": amount(base, currency), "tip": amount(extra, currency), "total": amount(total, currency),
        "references": typed, "description": format!("Payment to {}", merchant.name),
    });
    let (debit, fee) = if currency == w.currency {
        if body.quote_id.is_some() {
            return Err(ApiError::QuoteMismatch("a domestic payment takes no quote".into()));
        }
        check_limits(tx, &w, total, total, ctx.now)?;
        let header = ctx.journal(journal_id, "payment", wallet_id, &meta);
        ledger::post(tx, &header, &[Leg::new(w.account_id.clone(), -total), Leg::new(merchant_account, total)])?;
        (total, 0)
    } else {
        let quote_id = body.quote_id.as_deref().ok_or(ApiError::QuoteRequired)?;
        let q = take_quote(tx, quote_id, wallet_id, "merchant_payment", ctx.now)?;
        if q.receive != total || q.receive_currency != currency {
            return Err(ApiError::QuoteMismatch(format!(
                "quote delivers {} {}, the payment is {total} {currency}",
                q.receive, q.receive_currency
            )));
        }
        check_limits(tx, &w, q.send + q.fee, q.send + q.fee, ctx.now)?;
        meta["quote"] = q.body.clone();
        let header = ctx.journal(journal_id, "payment", wallet_id, &meta);
        ledger::post(
            tx,
            &header,
            &[
                Leg::new(w.account_id.clone(), -(q.send + q.fee)),
                Leg::new(seed::fee_account(&w.currency), q.fee),
                Leg::new(seed::fx_account(&w.currency), q.send),
                Leg::new(seed::fx_account(currency), -total),
                Leg::new(merchant_account, total),
            ],
        )?;
        use_quote(tx, quote_id, journal_id)?;
        (q.send + q.fee, q.fee)
    };
    if let Some((code_id, _)) = dynamic {
        tx.execute("UPDATE dynamic_codes SET paid_by_journal = ?2 WHERE id = ?1", params![code_id, journal_id])?;
    }
    let out = json!({
        "id": journal_id, "kind": "payment", "status": "completed",
        "merchant": meta["merchant"], "route": body.route,
        "amount": amount(base, currency), "tip": amount(extra, currency), "total": amount(total, currency),
        "debited": amount(debit, &w.currency), "fee": amount(fee, &w.currency), "quote_id": body.quote_id,
        "balance": amount(ledger::balance(tx, &w.account_id)?, &w.currency), "created_at": ctx.now,
    });
    emit(tx, wallet_id, "payment_completed", &out, ctx.now)?;
    Ok((StatusCode::CREATED, out))
}
