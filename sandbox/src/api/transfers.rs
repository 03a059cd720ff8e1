//! Person-to-person transfers at home and cross-border remittances.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rusqlite::Transaction;
use serde::Deserialize;
use serde_json::{json, Value};

use super::common::{amount, check_limits, emit, load_wallet, wallet_by_handle, AmountIn, WalletRow};
use super::payments::{take_quote, use_quote};
use super::wallets::mutation;
use crate::auth::Signed;
use crate::codes;
use crate::error::ApiError;
use crate::idem::{self, Ctx};
use crate::ledger::{self, Leg};
use crate::seed;
use crate::state::AppState;

/// Remittance purposes the host accepts (a regulator asks for one on every transfer abroad).
pub const PURPOSES: &[&str] = &["family_support", "education", "medical", "savings", "gift", "business"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Recipient {
    handle: Option<String>,
    receive_code: Option<String>,
}

impl Recipient {
    fn resolve(&self, tx: &Transaction<'_>) -> Result<WalletRow, ApiError> {
        match (&self.handle, &self.receive_code) {
            (Some(h), None) => wallet_by_handle(tx, h),
            (None, Some(code)) => wallet_by_handle(tx, &codes::handle_from_receive_code(code)?),
            _ => Err(ApiError::BadRequest("give exactly one of handle and receive_code".into())),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct P2pBody {
    to: Recipient,
    amount: AmountIn,
    message: Option<String>,
}

/// Refuses a message with control or format characters: the recipient reads it in history,
/// where a bidi override or an invisible character would make it say something else.
fn check_message(message: &str) -> Result<(), ApiError> {
    match koban_core::text::find_control_or_format(message) {
        Some(c) => Err(ApiError::BadRequest(format!(
            "message must not contain control or format characters (U+{:04X})",
            u32::from(c)
        ))),
        None => Ok(()),
    }
}

fn party(w: &WalletRow) -> Value {
    json!({ "handle": w.handle, "display_name": w.display_name, "country": w.country })
}

/// `POST /v1/transfers`: sends money to another wallet in the same currency.
pub async fn p2p(State(state): State<AppState>, s: Signed) -> Response {
    let body: P2pBody = match s.req.json() {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let m = match mutation(&s) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let journal_id = state.new_id("tx");
    let wallet_id = s.wallet_id.clone();
    idem::run(&state, m, move |tx, ctx| p2p_inner(tx, &wallet_id, &journal_id, body, ctx)).await
}

fn p2p_inner(
    tx: &Transaction<'_>,
    wallet_id: &str,
    journal_id: &str,
    body: P2pBody,
    ctx: &Ctx,
) -> Result<(StatusCode, Value), ApiError> {
    body.amount.validate()?;
    let message = body.message.unwrap_or_default();
    if message.chars().count() > 140 {
        return Err(ApiError::BadRequest("message is limited to 140 characters".into()));
    }
    check_message(&message)?;
    let from = load_wallet(tx, wallet_id)?;
    let to = body.to.resolve(tx)?;
    if to.id == from.id {
        return Err(ApiError::BadRequest("cannot send to yourself".into()));
    }
    if to.currency != from.currency || body.amount.currency != from.currency {
        return Err(ApiError::CurrencyMismatch(format!(
            "domestic transfers move {} to a {} wallet; use a remittance across currencies",
            from.currency, from.currency
        )));
    }
    let x = body.amount.minor;
    check_limits(tx, &from, x, x, ctx.now)?;
    let meta = json!({ "from": party(&from), "to": party(&to), "message": message,
                       "description": format!("Transfer @{} -> @{}", from.handle, to.handle) });
    let header = ctx.journal(journal_id, "p2p", wallet_id, &meta);
    ledger::post(tx, &header, &[Leg::new(from.account_id.clone(), -x), Leg::new(to.account_id.clone(), x)])?;
    let out = json!({
        "id": journal_id, "kind": "p2p", "status": "completed",
        "from": party(&from), "to": party(&to), "amount": amount(x, &from.currency), "message": message,
        "balance": amount(ledger::balance(tx, &from.account_id)?, &from.currency), "created_at": ctx.now,
    });
    emit(
        tx,
        &to.id,
        "transfer_received",
        &json!({ "id": journal_id, "kind": "p2p", "from": party(&from), "amount": amount(x, &from.currency), "message": message }),
        ctx.now,
    )?;
    emit(tx, wallet_id, "transfer_sent", &out, ctx.now)?;
    Ok((StatusCode::CREATED, out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Payout {
    method: String,
    account: String,
    provider: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemitRecipient {
    name: String,
    /// A sandbox wallet in the destination country.
    handle: Option<String>,
    /// Or an account paid out by the partner network.
    payout: Option<Payout>,
    relationship: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemitBody {
    quote_id: String,
    recipient: RemitRecipient,
    purpose: String,
    message: Option<String>,
}

/// `POST /v1/remittances`: sends money abroad at a quote.
pub async fn remit(State(state): State<AppState>, s: Signed) -> Response {
    let body: RemitBody = match s.req.json() {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let m = match mutation(&s) {
        Ok(m) => m,
        Err(e) => return e.into_response(),
    };
    let journal_id = state.new_id("tx");
    let wallet_id = s.wallet_id.clone();
    idem::run(&state, m, move |tx, ctx| remit_inner(tx, &wallet_id, &journal_id, body, ctx)).await
}

fn remit_inner(
    tx: &Transaction<'_>,
    wallet_id: &str,
    journal_id: &str,
    body: RemitBody,
    ctx: &Ctx,
) -> Result<(StatusCode, Value), ApiError> {
    let from = load_wallet(tx, wallet_id)?;
    let limits = super::common::wallet_limits(&from.tier, &from.currency)?;
    if !limits.can_remit {
        return Err(ApiError::KycRequired("verify your identity before sending money abroad".into()));
    }
    if !PURPOSES.contains(&body.purpose.as_str()) {
        return Err(ApiError::BadRequest(format!("purpose must be one of {}", PURPOSES.join(", "))));
    }
    let name = body.recipient.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::BadRequest("recipient name is required".into()));
    }
    check_message(body.message.as_deref().unwrap_or_default())?;
    let q = take_quote(tx, &body.quote_id, wallet_id, "remittance", ctx.now)?;
    let country = q.body["destination_country"].as_str().unwrap_or_default().to_owned();
    let eta_secs = q.body["delivery_estimate_secs"].as_i64().unwrap_or(0);
    check_limits(tx, &from, q.send, q.send + q.fee, ctx.now)?;
    let (credit_account, recipient_wallet, recipient_json, status) = match (
        &body.recipient.handle,
        &body.recipient.payout,
    ) {
        (Some(h), None) => {
            let to = wallet_by_handle(tx, h)?;
            if to.country != country || to.currency != q.receive_currency {
                return Err(ApiError::CurrencyMismatch(format!(
                    "@{} holds {} in {}, the quote pays {} in {country}",
                    to.handle, to.currency, to.country, q.receive_currency
                )));
            }
            (
                to.account_id.clone(),
                Some(to.clone()),
                json!({ "name": name, "handle": to.handle, "relationship": body.recipient.relationship }),
                "credited",
            )
        }
        (None, Some(p)) => {
            if !["bank_account", "mobile_wallet", "cash_pickup"].contains(&p.method.as_str())
                || !(4..=34).contains(&p.account.len())
                || !p.account.bytes().all(|b| b.is_ascii_alphanumeric())
                || p.provider.trim().is_empty()
            {
                return Err(ApiError::BadRequest(
                    "payout needs method (bank_account, mobile_wallet, cash_pickup), provider and account".into(),
                ));
            }
            let masked = format!("****{}", &p.account[p.account.len() - 4..]);
            (
                seed::partner_account(&q.receive_currency),
                None,
                json!({ "name": name, "payout": { "method": p.method, "provider": p.provider, "account": masked }, "relationship": body.recipient.relationship }),
                "paid_out_to_partner",
            )
        }
        _ => return Err(ApiError::BadRequest("recipient needs exactly one of handle and payout".into())),
    };
    let sender = json!({ "handle": from.handle, "name": from.legal_name, "country": from.country });
    let meta = json!({
        "from": sender, "recipient": recipient_json, "purpose": body.purpose, "message": body.message,
        "destination_country": country, "quote": q.body, "status": status,
        "description": format!("Remittance to {name} ({country})"),
    });
    let header = ctx.journal(journal_id, "remittance", wallet_id, &meta);
    ledger::post(
        tx,
        &header,
        &[
            Leg::new(from.account_id.clone(), -(q.send + q.fee)),
            Leg::new(seed::fee_account(&from.currency), q.fee),
            Leg::new(seed::fx_account(&from.currency), q.send),
            Leg::new(seed::fx_account(&q.receive_currency), -q.receive),
            Leg::new(credit_account, q.receive),
        ],
    )?;
    use_quote(tx, &body.quote_id, journal_id)?;
    let out = json!({
        "id": journal_id, "kind": "remittance", "status": status,
        "sender": sender, "recipient": recipient_json, "purpose": body.purpose, "destination_country": country,
        "send": q.body["send"], "receive": q.body["receive"], "fee": q.body["fee"], "total": q.body["total"], "rate": q.body["rate"],
        "quote_id": body.quote_id, "estimated_delivery_at": ctx.now + eta_secs,
        "balance": amount(ledger::balance(tx, &from.account_id)?, &from.currency), "created_at": ctx.now,
    });
    if let Some(to) = recipient_wallet {
        emit(
            tx,
            &to.id,
            "transfer_received",
            &json!({ "id": journal_id, "kind": "remittance", "from": sender, "amount": q.body["receive"], "purpose": body.purpose }),
            ctx.now,
        )?;
    }
    emit(
        tx,
        wallet_id,
        "remittance_status",
        &json!({ "id": journal_id, "status": status, "estimated_delivery_at": ctx.now + eta_secs }),
        ctx.now,
    )?;
    Ok((StatusCode::CREATED, out))
}
