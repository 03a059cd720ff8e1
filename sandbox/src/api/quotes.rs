//! FX quotes: made for a merchant payment abroad or a remittance, executable once before
//! they expire, taken by the payment or remittance that uses them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use koban_core::net::api;
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Deserialize;
use utoipa::ToSchema;

use super::common::{amount, check_limits, load_wallet, wallet_limits, AmountIn, WalletRow};
use super::doc::IdempotencyKey;
use crate::auth::{Signed, SignedJson};
use crate::error::ApiError;
use crate::fx;
use crate::idem;
use crate::pricing::{self, FeeRule};
use crate::state::AppState;

/// `POST /v1/quotes`: give exactly one of `send` and `receive`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct QuoteRequest {
    /// `merchant_payment` (receive amount only) or `remittance`.
    purpose: String,
    /// What leaves the wallet, in its currency.
    send: Option<AmountIn>,
    /// What arrives, in the foreign currency.
    receive: Option<AmountIn>,
    /// For remittances: the destination country (its currency is the receive currency).
    destination_country: Option<String>,
}

/// Create an FX quote, executable once within its lifetime
#[utoipa::path(post, path = "/v1/quotes", tag = "fx", operation_id = "createQuote",
    request_body = QuoteRequest, params(IdempotencyKey),
    responses((status = 201, description = "The quote", body = api::Quote)),
    security(("signedDevice" = [])))]
pub async fn create_quote(State(state): State<AppState>, s: SignedJson<QuoteRequest>) -> Response {
    let quote_id = state.new_id("q");
    let (wallet_id, body) = (s.wallet_id, s.body);
    idem::run(&state, s.mutation, move |tx, ctx| {
        let w = load_wallet(tx, &wallet_id)?;
        let q = make_quote(&w, &body, &quote_id, ctx.now)?;
        refuse_in_advance(tx, &w, &q, ctx.now)?;
        tx.execute(
            "INSERT INTO quotes (id, wallet_id, purpose, body, send_amount, send_currency, receive_amount,
                                 receive_currency, fee, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                quote_id,
                wallet_id,
                body.purpose,
                idem::to_json(&q)?,
                q.send.minor,
                w.currency,
                q.receive.minor,
                q.receive.currency,
                q.fee.minor,
                q.expires_at
            ],
        )?;
        Ok((StatusCode::CREATED, q))
    })
    .await
}

fn make_quote(w: &WalletRow, body: &QuoteRequest, id: &str, now: i64) -> Result<api::Quote, ApiError> {
    let (margin, rule, receive_currency, destination, eta): (i128, FeeRule, String, Option<&str>, Option<i64>) =
        match body.purpose.as_str() {
            "merchant_payment" => {
                let r = body
                    .receive
                    .as_ref()
                    .ok_or_else(|| ApiError::BadRequest("a merchant payment quote needs the receive amount".into()))?;
                if body.send.is_some() || body.destination_country.is_some() {
                    return Err(ApiError::BadRequest("a merchant payment quote takes only the receive amount".into()));
                }
                (pricing::MERCHANT_MARGIN_BPS, pricing::MERCHANT_PAYMENT, r.currency.clone(), None, None)
            }
            "remittance" => {
                let country = body
                    .destination_country
                    .as_deref()
                    .ok_or_else(|| ApiError::BadRequest("destination_country is required".into()))?;
                let c = pricing::corridor_between(&w.country, country)?;
                (pricing::REMITTANCE_MARGIN_BPS, c.fee, c.currency.to_owned(), Some(c.to), Some(c.eta_secs))
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
    let fee = rule.fee(send, &w.currency)?;
    Ok(api::Quote {
        id: id.to_owned(),
        purpose: body.purpose.clone(),
        send: amount(send, &w.currency),
        receive: amount(receive, &receive_currency),
        fee: amount(fee, &w.currency),
        total: amount(send + fee, &w.currency),
        mid_rate: fx::format_rate(mid),
        rate: fx::format_rate(rate),
        rate_scaled: rate as i64,
        rate_scale: fx::RATE_SCALE as i64,
        margin_bps: margin as i64,
        destination_country: destination.map(str::to_owned),
        delivery_estimate_secs: eta,
        created_at: now,
        expires_at: now + fx::QUOTE_TTL_SECS,
        used_by: None,
        fee_rule: Some(rule.view(&w.currency)?),
    })
}

/// What the host would refuse at execution and knows now, refused before the shopper
/// confirms: an unverified wallet's remittance, and amounts over the wallet's limits.
fn refuse_in_advance(tx: &Transaction<'_>, w: &WalletRow, q: &api::Quote, now: i64) -> Result<(), ApiError> {
    if q.purpose == "remittance" && !wallet_limits(&w.tier, &w.currency)?.can_remit {
        return Err(ApiError::KycRequired("verify your identity before sending money abroad".into()));
    }
    check_limits(tx, w, q.send.minor, q.total.minor, now)
}

/// An FX quote of this wallet, with the transaction that used it
#[utoipa::path(get, path = "/v1/quotes/{quote_id}", tag = "fx", operation_id = "getQuote",
    params(("quote_id" = String, Path, description = "A quote of this wallet")),
    responses((status = 200, description = "The quote", body = api::Quote)),
    security(("signedDevice" = [])))]
pub async fn quote(
    State(state): State<AppState>,
    Path(quote_id): Path<String>,
    s: Signed,
) -> Result<Json<api::Quote>, ApiError> {
    state
        .with_db(move |conn| {
            let (owner, body, used): (String, String, Option<String>) = conn
                .query_row("SELECT wallet_id, body, used_by_journal FROM quotes WHERE id = ?1", [&quote_id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?
                .ok_or(ApiError::NotFound("quote"))?;
            super::common::own(&owner, &s.wallet_id)?;
            let mut q: api::Quote =
                serde_json::from_str(&body).map_err(|e| ApiError::Internal(format!("quote: {e}")))?;
            q.used_by = used;
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
    pub body: api::Quote,
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
        send: i64,
        receive: i64,
        receive_currency: String,
        fee: i64,
        body: String,
    }
    let stored = tx
        .query_row(
            "SELECT wallet_id, purpose, send_amount, receive_amount, receive_currency, fee, expires_at,
                    used_by_journal, body
             FROM quotes WHERE id = ?1",
            [quote_id],
            |r| {
                Ok(Stored {
                    owner: r.get(0)?,
                    purpose: r.get(1)?,
                    send: r.get(2)?,
                    receive: r.get(3)?,
                    receive_currency: r.get(4)?,
                    fee: r.get(5)?,
                    expires_at: r.get(6)?,
                    used: r.get(7)?,
                    body: r.get(8)?,
                })
            },
        )
        .optional()?
        .ok_or(ApiError::NotFound("quote"))?;
    super::common::own(&stored.owner, wallet_id)?;
    if stored.purpose != purpose {
        return Err(ApiError::QuoteMismatch(format!("quote is for {}, not {purpose}", stored.purpose)));
    }
    if stored.used.is_some() {
        return Err(ApiError::QuoteUsed);
    }
    if now > stored.expires_at {
        return Err(ApiError::QuoteExpired);
    }
    let body = serde_json::from_str(&stored.body).map_err(|e| ApiError::Internal(format!("stored quote: {e}")))?;
    Ok(QuoteRow {
        send: stored.send,
        receive: stored.receive,
        receive_currency: stored.receive_currency,
        fee: stored.fee,
        body,
    })
}

/// Marks a quote executed by `journal_id`.
pub fn use_quote(tx: &Transaction<'_>, quote_id: &str, journal_id: &str) -> Result<(), ApiError> {
    tx.execute(
        "UPDATE quotes SET used_by_journal = ?2 WHERE id = ?1 AND used_by_journal IS NULL",
        params![quote_id, journal_id],
    )?;
    Ok(())
}
