//! Person-to-person transfers at home and cross-border remittances.

use crate::journal_meta::{self, RemittanceMeta, TransferMeta};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use koban_core::emv::{MerchantCode, MpmView};
use koban_core::money::Money;
use koban_core::net::api::{self, EventData};
use rusqlite::Transaction;
use serde::Deserialize;
use utoipa::ToSchema;

use super::common::{amount, check_limits, emit, load_wallet, wallet_by_handle, AmountIn, WalletRow};
use super::doc::IdempotencyKey;
use super::quotes::{take_quote, use_quote, QuoteRow};
use crate::auth::{Signed, SignedJson};
use crate::codes;
use crate::error::ApiError;
use crate::idem::{self, Ctx};
use crate::ledger::{self, Leg};
use crate::seed;
use crate::state::AppState;

/// Remittance purposes the host accepts (a regulator asks for one on every transfer abroad).
pub const PURPOSES: &[&str] = &["family_support", "education", "medical", "savings", "gift", "business"];

/// Who receives a domestic transfer: exactly one of `handle` and `receive_code`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Recipient {
    /// A handle, with or without `@`.
    handle: Option<String>,
    /// Or the recipient's receive code, as scanned.
    receive_code: Option<String>,
}

impl Recipient {
    /// The wallet paid, and the amount its receive code asks for, if it asks for one.
    fn resolve(&self, tx: &Transaction<'_>) -> Result<(WalletRow, Option<Money>), ApiError> {
        match (&self.handle, &self.receive_code) {
            (Some(h), None) => Ok((wallet_by_handle(tx, h)?, None)),
            (None, Some(code)) => {
                let to = wallet_by_handle(tx, &codes::handle_from_receive_code(code)?)?;
                Ok((to, code_amount(code)))
            }
            _ => Err(ApiError::BadRequest("give exactly one of handle and receive_code".into())),
        }
    }
}

/// The amount a receive code asks for (tag 54); `None` when
/// the payer chooses. The code's checksum was checked when its handle was read.
fn code_amount(code: &str) -> Option<Money> {
    MerchantCode::from_view(&MpmView::parse(code.trim()).ok()?)?.amount
}

/// `POST /v1/transfers`: money to another wallet in the same currency.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct TransferRequest {
    /// The recipient.
    to: Recipient,
    /// How much, in the wallet's currency.
    amount: AmountIn,
    /// Up to 140 characters for the recipient; no control or format characters.
    message: Option<String>,
}

/// Refuses a message with control or format characters: the recipient reads it in history,
/// where a bidi override or an invisible character would make it say something else.
pub(super) fn check_message(message: &str) -> Result<(), ApiError> {
    match koban_core::text::find_control_or_format(message) {
        Some(c) => Err(ApiError::BadRequest(format!(
            "message must not contain control or format characters (U+{:04X})",
            u32::from(c)
        ))),
        None => Ok(()),
    }
}

/// A wallet as the other side of a transfer or a money request sees it.
pub(super) fn party(w: &WalletRow) -> api::Party {
    api::Party { handle: w.handle.clone(), display_name: w.display_name.clone(), country: w.country.clone() }
}

/// Send money to another wallet in the same currency
#[utoipa::path(post, path = "/v1/transfers", tag = "transfers", operation_id = "transfer",
    request_body = TransferRequest, params(IdempotencyKey),
    responses((status = 201, description = "Sent", body = api::Transfer)),
    security(("signedDevice" = [])))]
pub async fn p2p(State(state): State<AppState>, s: SignedJson<TransferRequest>) -> Response {
    let journal_id = state.new_id("tx");
    let (wallet_id, body) = (s.wallet_id, s.body);
    idem::run(&state, s.mutation, move |tx, ctx| {
        Ok((StatusCode::CREATED, p2p_inner(tx, &wallet_id, &journal_id, body, ctx)?))
    })
    .await
}

fn p2p_inner(
    tx: &Transaction<'_>,
    wallet_id: &str,
    journal_id: &str,
    body: TransferRequest,
    ctx: &Ctx,
) -> Result<api::Transfer, ApiError> {
    body.amount.validate()?;
    let message = body.message.unwrap_or_default();
    if message.chars().count() > 140 {
        return Err(ApiError::BadRequest("message is limited to 140 characters".into()));
    }
    check_message(&message)?;
    let from = load_wallet(tx, wallet_id)?;
    let (to, asked) = body.to.resolve(tx)?;
    // A receive code that names its amount is paid exactly that: the payer cannot type another.
    if let Some(asked) = asked {
        if (asked.minor(), asked.currency().alpha()) != (body.amount.minor, body.amount.currency.as_str()) {
            return Err(ApiError::AmountMismatch(format!("the receive code asks for exactly {}", asked.format())));
        }
    }
    let order = TransferOrder { from: &from, to: &to, amount: &body.amount, message, money_request_id: None };
    post_transfer(tx, ctx, journal_id, order)
}

/// A transfer at home, checked and about to be posted.
pub(super) struct TransferOrder<'a> {
    /// The sender.
    pub from: &'a WalletRow,
    /// The recipient.
    pub to: &'a WalletRow,
    /// How much, validated.
    pub amount: &'a AmountIn,
    /// The message, checked (empty when none).
    pub message: String,
    /// The money request it pays, if any.
    pub money_request_id: Option<&'a str>,
}

/// Posts a transfer between two wallets of one currency within the sender's limits, with the
/// events of both sides: a plain send and the payment of a money request alike.
pub(super) fn post_transfer(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    journal_id: &str,
    order: TransferOrder<'_>,
) -> Result<api::Transfer, ApiError> {
    let TransferOrder { from, to, amount: sent, message, money_request_id } = order;
    if to.id == from.id {
        return Err(ApiError::BadRequest("cannot send to yourself".into()));
    }
    if to.currency != from.currency || sent.currency != from.currency {
        return Err(ApiError::CurrencyMismatch(format!(
            "domestic transfers move {} to a {} wallet; use a remittance across currencies",
            from.currency, from.currency
        )));
    }
    let x = sent.minor;
    check_limits(tx, from, x, x, ctx.now)?;
    let description = match money_request_id {
        Some(id) => format!("Transfer @{} -> @{} for money request {id}", from.handle, to.handle),
        None => format!("Transfer @{} -> @{}", from.handle, to.handle),
    };
    let meta =
        journal_meta::to_value(&TransferMeta { from: party(from), to: party(to), message: &message, description })?;
    let header = ctx.journal(journal_id, "p2p", &from.id, &meta);
    ledger::post(tx, &header, &[Leg::new(from.account_id.clone(), -x), Leg::new(to.account_id.clone(), x)])?;
    let out = api::Transfer {
        id: journal_id.to_owned(),
        kind: "p2p".into(),
        status: "completed".into(),
        from: party(from),
        to: party(to),
        amount: amount(x, &from.currency),
        message: message.clone(),
        balance: amount(ledger::balance(tx, &from.account_id)?, &from.currency),
        created_at: ctx.now,
        money_request_id: money_request_id.map(str::to_owned),
    };
    let received = api::TransferReceived {
        id: journal_id.to_owned(),
        kind: "p2p".into(),
        from: api::Counterparty {
            handle: from.handle.clone(),
            display_name: Some(from.display_name.clone()),
            name: None,
            country: from.country.clone(),
        },
        amount: amount(x, &from.currency),
        message: Some(message),
        purpose: None,
        money_request_id: money_request_id.map(str::to_owned),
    };
    emit(tx, &to.id, EventData::TransferReceived(received), ctx.now)?;
    emit(tx, &from.id, EventData::TransferSent(out.clone()), ctx.now)?;
    Ok(out)
}

/// Who a handle is, as a sender is shown before sending
///
/// Display name, country and currency: a wallet in another currency is sent a remittance
/// (quote it with `POST /v1/quotes`, send it with `POST /v1/remittances`).
#[utoipa::path(get, path = "/v1/recipients/{handle}", tag = "transfers", operation_id = "getRecipient",
    params(("handle" = String, Path, description = "A wallet's handle, with or without @")),
    responses((status = 200, description = "The recipient", body = api::RecipientInfo)),
    security(("signedDevice" = [])))]
pub async fn recipient(
    State(state): State<AppState>,
    Path(handle): Path<String>,
    // Only an enrolled device may look people up, and only so often.
    signed: Signed,
) -> Result<Json<api::RecipientInfo>, ApiError> {
    if !state.lookups.allow(&signed.wallet_id, state.clock.now(), crate::policy::RECIPIENT_LOOKUPS_PER_MINUTE) {
        return Err(ApiError::LimitExceeded(format!(
            "at most {} recipient lookups a minute",
            crate::policy::RECIPIENT_LOOKUPS_PER_MINUTE
        )));
    }
    state
        .with_db(move |conn| {
            let w = wallet_by_handle(conn, &handle)?;
            Ok(Json(api::RecipientInfo {
                handle: w.handle,
                display_name: w.display_name,
                country: w.country,
                currency: w.currency,
            }))
        })
        .await
}

/// An account a partner network pays out to.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct Payout {
    /// `bank_account`, `mobile_wallet` or `cash_pickup`.
    method: String,
    /// 4-34 letters and digits.
    account: String,
    /// Bank or wallet provider, e.g. `GCash`.
    provider: String,
}

/// Who receives a remittance: a name and exactly one of `handle` and `payout`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RemitRecipient {
    /// The recipient's name, 1-100 characters.
    name: String,
    /// A sandbox wallet in the destination country.
    handle: Option<String>,
    /// Or an account paid out by the partner network.
    payout: Option<Payout>,
    /// How the sender knows the recipient.
    relationship: Option<String>,
}

/// `POST /v1/remittances`: money abroad at a quote.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct RemittanceRequest {
    /// A `remittance` quote of this wallet, unused and unexpired.
    quote_id: String,
    /// The recipient.
    recipient: RemitRecipient,
    /// `family_support`, `education`, `medical`, `savings`, `gift` or `business`.
    purpose: String,
    /// A message for the recipient; no control or format characters.
    message: Option<String>,
}

/// Send money abroad at a quote
#[utoipa::path(post, path = "/v1/remittances", tag = "transfers", operation_id = "remit",
    request_body = RemittanceRequest, params(IdempotencyKey),
    responses((status = 201, description = "Sent", body = api::Remittance)),
    security(("signedDevice" = [])))]
pub async fn remit(State(state): State<AppState>, s: SignedJson<RemittanceRequest>) -> Response {
    let journal_id = state.new_id("tx");
    let (wallet_id, body) = (s.wallet_id, s.body);
    idem::run(&state, s.mutation, move |tx, ctx| {
        let from = load_wallet(tx, &wallet_id)?;
        let name = validate_remittance(&from, &body)?;
        let priced = price_remittance(tx, &from, &body, ctx.now)?;
        let to = deliver_to(tx, &body.recipient, &name, &priced)?;
        Ok((StatusCode::CREATED, post_remittance(tx, ctx, &from, &journal_id, &body, priced, to)?))
    })
    .await
}

/// The checks that need no quote: KYC tier, purpose, recipient name and message. Returns the
/// recipient's name, trimmed.
fn validate_remittance(from: &WalletRow, body: &RemittanceRequest) -> Result<String, ApiError> {
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
    Ok(name.to_owned())
}

/// A remittance priced by its quote.
struct PricedRemittance {
    quote: QuoteRow,
    /// Where the money goes.
    country: String,
    /// How long delivery takes, seconds.
    eta_secs: i64,
}

/// Takes the quote (this wallet's, unused, unexpired) and checks the KYC limits against it.
fn price_remittance(
    tx: &Transaction<'_>,
    from: &WalletRow,
    body: &RemittanceRequest,
    now: i64,
) -> Result<PricedRemittance, ApiError> {
    let quote = take_quote(tx, &body.quote_id, &from.id, "remittance", now)?;
    let country = quote.body.destination_country.clone().unwrap_or_default();
    let eta_secs = quote.body.delivery_estimate_secs.unwrap_or(0);
    check_limits(tx, from, quote.send, quote.send + quote.fee, now)?;
    Ok(PricedRemittance { quote, country, eta_secs })
}

/// Where a remittance is credited: a wallet in the destination country, or the partner
/// network that pays an account out.
struct Destination {
    account: String,
    wallet: Option<WalletRow>,
    recipient: api::RemittanceRecipient,
    status: &'static str,
    /// A partner payout's method and (unmasked) account, followed until it ends.
    payout: Option<(String, String)>,
}

fn deliver_to(
    tx: &Transaction<'_>,
    r: &RemitRecipient,
    name: &str,
    priced: &PricedRemittance,
) -> Result<Destination, ApiError> {
    let (q, country) = (&priced.quote, &priced.country);
    match (&r.handle, &r.payout) {
        (Some(h), None) => {
            let to = wallet_by_handle(tx, h)?;
            if &to.country != country || to.currency != q.receive_currency {
                return Err(ApiError::CurrencyMismatch(format!(
                    "@{} holds {} in {}, the quote pays {} in {country}",
                    to.handle, to.currency, to.country, q.receive_currency
                )));
            }
            let recipient = api::RemittanceRecipient {
                name: name.to_owned(),
                handle: Some(to.handle.clone()),
                payout: None,
                relationship: r.relationship.clone(),
            };
            Ok(Destination {
                account: to.account_id.clone(),
                wallet: Some(to),
                recipient,
                status: "credited",
                payout: None,
            })
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
            let recipient = api::RemittanceRecipient {
                name: name.to_owned(),
                handle: None,
                payout: Some(api::Payout { method: p.method.clone(), provider: p.provider.clone(), account: masked }),
                relationship: r.relationship.clone(),
            };
            let account = seed::partner_account(&q.receive_currency);
            Ok(Destination {
                account,
                wallet: None,
                recipient,
                status: "paid_out_to_partner",
                payout: Some((p.method.clone(), p.account.clone())),
            })
        }
        _ => Err(ApiError::BadRequest("recipient needs exactly one of handle and payout".into())),
    }
}

/// Posts a priced remittance: the journal through the FX positions, the quote marked used,
/// the answer, and the events of sender and (a wallet) recipient.
fn post_remittance(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    from: &WalletRow,
    journal_id: &str,
    body: &RemittanceRequest,
    priced: PricedRemittance,
    to: Destination,
) -> Result<api::Remittance, ApiError> {
    let PricedRemittance { quote: q, country, eta_secs } = priced;
    let sender =
        api::Sender { handle: from.handle.clone(), name: from.legal_name.clone(), country: from.country.clone() };
    let meta = journal_meta::to_value(&RemittanceMeta {
        from: &sender,
        recipient: &to.recipient,
        purpose: &body.purpose,
        message: body.message.as_deref(),
        destination_country: &country,
        quote: &q.body,
        status: to.status,
        description: format!("Remittance to {} ({country})", to.recipient.name),
    })?;
    let header = ctx.journal(journal_id, "remittance", &from.id, &meta);
    ledger::post(
        tx,
        &header,
        &[
            Leg::new(from.account_id.clone(), -(q.send + q.fee)),
            Leg::new(seed::fee_account(&from.currency), q.fee),
            Leg::new(seed::fx_account(&from.currency), q.send),
            Leg::new(seed::fx_account(&q.receive_currency), -q.receive),
            Leg::new(to.account.clone(), q.receive),
        ],
    )?;
    use_quote(tx, &body.quote_id, journal_id)?;
    let arrives = ctx.now + eta_secs;
    let out = api::Remittance {
        id: journal_id.to_owned(),
        kind: "remittance".into(),
        status: to.status.into(),
        sender: sender.clone(),
        recipient: to.recipient,
        purpose: body.purpose.clone(),
        destination_country: country,
        send: q.body.send.clone(),
        receive: q.body.receive.clone(),
        fee: q.body.fee.clone(),
        total: q.body.total.clone(),
        rate: q.body.rate.clone(),
        quote_id: body.quote_id.clone(),
        estimated_delivery_at: arrives,
        balance: amount(ledger::balance(tx, &from.account_id)?, &from.currency),
        created_at: ctx.now,
    };
    if let Some(wallet) = to.wallet {
        let received = api::TransferReceived {
            id: journal_id.to_owned(),
            kind: "remittance".into(),
            from: api::Counterparty {
                handle: sender.handle,
                display_name: None,
                name: sender.name,
                country: sender.country,
            },
            amount: q.body.receive.clone(),
            message: None,
            purpose: Some(body.purpose.clone()),
            money_request_id: None,
        };
        emit(tx, &wallet.id, EventData::TransferReceived(received), ctx.now)?;
    }
    if let Some((method, account)) = &to.payout {
        super::payouts::record(
            tx,
            &super::payouts::Payout {
                journal_id,
                wallet_id: &from.id,
                method,
                account,
                estimated_delivery_at: arrives,
                send: q.send,
                fee: q.fee,
                home_currency: &from.currency,
                receive: q.receive,
                receive_currency: &q.receive_currency,
            },
        )?;
    }
    let status = api::RemittanceStatus {
        id: journal_id.to_owned(),
        status: to.status.into(),
        estimated_delivery_at: arrives,
        pickup_reference: None,
        reason: None,
        returned: None,
    };
    emit(tx, &from.id, EventData::RemittanceStatus(status), ctx.now)?;
    Ok(out)
}
