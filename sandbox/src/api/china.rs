//! A wallet pays a merchant in China by the code the merchant shows (Alipay, WeChat Pay, or a
//! UnionPay EMV code) the way Alipay+ partner wallets do: the host, as the networks' partner
//! wallet (the "MPP"), decodes the code at its network, prices the yuan in the wallet's
//! currency with a quote the payer saw, holds the wallet's money, has the network pay the
//! merchant, and owes the network the yen the network settles at.
//!
//! Exactly once (ADR 0005 across the network boundary, ADR 0007): the row commits first, with
//! the wallet's money moved to a suspense account, under a request id derived from the wallet's
//! idempotency key; then the network is called (pay, inquiries with back-off, a cancel at the
//! deadline); then the decision — the money settled (fee, FX, the network payable) or given back
//! whole — and the wallet's stored answer commit together. A retry finds the row and resumes
//! it; a host restart resumes every pending row. Holding the money first means a payment the
//! network made can always be settled: nothing else can spend it meanwhile. The driver is
//! shared (`intent_first`); this file holds the decode, the hold, the settlement and the answer.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use koban_core::net::api::{self, EventData};
use koban_core::scheme::{self, Presentment, SchemeId};
use koban_partners::client::{CancelResult, ClientError, DecodedCode, MppClient, MppPayRequest, MppPaymentResult};
use koban_partners::error::RefusalKind;
use koban_partners::{Amount, Network, PayFailure, PaymentStatus};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::common::{amount, check_limits, emit, load_wallet, AmountIn};
use super::intent_first::{self, Found, PartnerIntent, Refusals};
use super::quotes::{take_quote, use_quote};
use crate::acquiring::{self, Acquirer, Ended, Flow, PaymentCalls};
use crate::auth::Signed;
use crate::error::{ApiError, OrRefusal};
use crate::idem::{self, Ctx, Mutation};
use crate::journal_meta::{self, PaymentMeta};
use crate::ledger::{self, JournalHeader, Leg};
use crate::seed;
use crate::state::AppState;

/// The currency the host settles with the networks in.
pub const SETTLEMENT_CURRENCY: &str = "JPY";

/// The network that serves a merchant code, when detection names it an Alipay, WeChat Pay or
/// UnionPay merchant code.
pub fn network_of(payload: &str) -> Option<Network> {
    let d = scheme::detect(payload).ok()?;
    if d.presentment != Presentment::Merchant {
        return None;
    }
    let network = d.payable_routes().find_map(|r| Network::for_scheme(r.scheme));
    network
}

/// The network a payment goes through: the route the wallet chose is one of the code's payable
/// routes and names a partner network.
pub fn network_for(payload: &str, route: &str) -> Option<Network> {
    let network = Network::for_scheme(SchemeId::from_id(route)?)?;
    let d = scheme::detect(payload).ok()?;
    (d.presentment == Presentment::Merchant && d.payable_routes().any(|r| r.scheme.as_str() == route))
        .then_some(network)
}

/// Whether a listed merchant is one of the networks' merchants in China, paid through them.
pub fn through_network(merchant_id: &str) -> bool {
    seed::cn_merchants().any(|m| m.id == merchant_id)
}

/// `POST /v1/merchant-codes/decode`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct MerchantCodeRequest {
    /// The scanned code, exactly.
    payload: String,
}

fn not_connected(network: Network) -> ApiError {
    ApiError::InvalidPayload(format!(
        "this is a {} merchant code and this host is not connected to the partner networks",
        network.name()
    ))
}

/// What a decode's failure means to the wallet.
fn decode_error(network: Network, e: ClientError) -> ApiError {
    match e {
        ClientError::Refused { kind: RefusalKind::NotFound, .. } => ApiError::UnknownMerchant,
        ClientError::Refused { message, .. } => ApiError::InvalidPayload(format!("{}: {message}", network.name())),
        ClientError::Unknown(m) | ClientError::Config(m) => {
            ApiError::Internal(format!("{} did not answer: {m}", network.name()))
        }
    }
}

/// Decodes a code at its network, asking again (a few times, briefly) when no answer came: a
/// decode changes nothing, so asking again is always safe.
async fn decode_at(acquirer: &Acquirer, network: Network, payload: &str) -> Result<DecodedCode, ApiError> {
    let mpp = MppClient::new(acquirer.client.clone());
    let mut wait = acquiring::FIRST_BACKOFF;
    let mut attempts = 0;
    loop {
        match mpp.decode(network, payload).await {
            Err(e) if e.is_unknown() && attempts < DECODE_RETRIES => {
                attempts += 1;
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            other => return other.map_err(|e| decode_error(network, e)),
        }
    }
}

/// Decodes asked again after no answer.
const DECODE_RETRIES: u32 = 3;

/// The host's id for a code it lists, else the network's merchant id.
fn merchant_id(conn: &rusqlite::Connection, payload: &str, decoded: &DecodedCode) -> Result<String, ApiError> {
    let listed: Option<String> =
        conn.query_row("SELECT id FROM merchants WHERE static_payload = ?1", [payload], |r| r.get(0)).optional()?;
    Ok(listed.unwrap_or_else(|| decoded.merchant_id.clone()))
}

/// Read a merchant code at its network
///
/// An Alipay, WeChat Pay or UnionPay merchant code of a merchant in China: its merchant,
/// currency and (an order code's) fixed amount, as the code's network decodes it. Moves no
/// money; refuses a code the network does not know (`unknown_merchant`).
#[utoipa::path(post, path = "/v1/merchant-codes/decode", tag = "payments", operation_id = "decodeMerchantCode",
    request_body = MerchantCodeRequest,
    responses((status = 200, description = "The merchant and what it is paid in", body = api::MerchantCodeInfo)),
    security(("signedDevice" = [])))]
pub async fn decode(State(state): State<AppState>, s: Signed) -> Result<Json<api::MerchantCodeInfo>, ApiError> {
    let body: MerchantCodeRequest = s.req.json()?;
    let payload = body.payload.trim().to_owned();
    let network = network_of(&payload)
        .ok_or_else(|| ApiError::InvalidPayload("not an Alipay, WeChat Pay or UnionPay merchant code".into()))?;
    let acquirer = state.acquirer.clone().ok_or_else(|| not_connected(network))?;
    let decoded = decode_at(&acquirer, network, &payload).await?;
    let info = state
        .with_db(move |conn| {
            Ok(api::MerchantCodeInfo {
                network: network.id().to_owned(),
                route: seed::cn_scheme(network).to_owned(),
                merchant: api::MerchantRef {
                    id: merchant_id(conn, &payload, &decoded)?,
                    name: decoded.merchant_name.clone(),
                    country: decoded.country.clone(),
                },
                city: decoded.city.clone(),
                currency: decoded.currency.clone(),
                amount: decoded.amount.as_ref().map(|a| amount(a.value, &a.currency)),
            })
        })
        .await?;
    Ok(Json(info))
}

/// What the wallet asked to pay (the fields of `POST /v1/payments`).
pub struct Order {
    /// The scanned code.
    pub payload: String,
    /// The route the wallet chose.
    pub route: String,
    /// The amount, in the merchant's currency.
    pub amount: Option<AmountIn>,
    /// A tip (these codes prompt for none).
    pub tip: Option<AmountIn>,
    /// The quote the payer saw.
    pub quote_id: Option<String>,
    /// References (these codes ask for none).
    pub references: Option<BTreeMap<String, String>>,
}

/// A payment abroad row.
struct Row {
    id: String,
    scope: String,
    key: String,
    request_hash: String,
    wallet_id: String,
    network: Network,
    request_id: String,
    payload: String,
    route: String,
    merchant: api::MerchantRef,
    amount: i64,
    currency: String,
    quote_id: String,
    send: i64,
    fee: i64,
    debit: i64,
    home_currency: String,
    journal_id: String,
    status: String,
    created_at: i64,
}

impl Row {
    fn suspense(&self) -> String {
        suspense_account(&self.home_currency)
    }

    /// The answer of a paid row: the usual payment, in the merchant's currency and the wallet's.
    fn payment(&self, balance: i64) -> api::Payment {
        api::Payment {
            id: self.journal_id.clone(),
            kind: "payment".into(),
            status: "completed".into(),
            merchant: self.merchant.clone(),
            route: self.route.clone(),
            amount: amount(self.amount, &self.currency),
            tip: amount(0, &self.currency),
            total: amount(self.amount, &self.currency),
            debited: amount(self.debit, &self.home_currency),
            fee: amount(self.fee, &self.home_currency),
            quote_id: Some(self.quote_id.clone()),
            balance: amount(balance, &self.home_currency),
            created_at: self.created_at,
        }
    }
}

const COLUMNS: &str = "id, scope, idem_key, request_hash, wallet_id, network, request_id, payload, route, merchant_id,
    merchant_name, merchant_country, amount, currency, quote_id, send, fee, debit, home_currency, journal_id, status,
    created_at";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let network: String = r.get(5)?;
    Ok(Row {
        id: r.get(0)?,
        scope: r.get(1)?,
        key: r.get(2)?,
        request_hash: r.get(3)?,
        wallet_id: r.get(4)?,
        network: Network::from_id(&network).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, "bad network".into())
        })?,
        request_id: r.get(6)?,
        payload: r.get(7)?,
        route: r.get(8)?,
        merchant: api::MerchantRef { id: r.get(9)?, name: r.get(10)?, country: r.get(11)? },
        amount: r.get(12)?,
        currency: r.get(13)?,
        quote_id: r.get(14)?,
        send: r.get(15)?,
        fee: r.get(16)?,
        debit: r.get(17)?,
        home_currency: r.get(18)?,
        journal_id: r.get(19)?,
        status: r.get(20)?,
        created_at: r.get(21)?,
    })
}

fn load(conn: &rusqlite::Connection, id: &str) -> Result<Option<Row>, ApiError> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM payments_abroad WHERE id = ?1"), [id], read_row).optional()?)
}

/// Where the wallet's money waits while its network pays the merchant.
fn suspense_account(currency: &str) -> String {
    format!("suspense:{currency}")
}

/// Stores a refusal given before anything was recorded, so a retry answers the same.
async fn refuse(state: &AppState, m: Mutation, e: ApiError) -> Response {
    idem::run(state, m, move |_, _| Err::<(StatusCode, ()), _>(e)).await
}

/// `POST /v1/payments` for an Alipay, WeChat Pay or UnionPay merchant code in China: decode it
/// at its network, record the payment with the wallet's money held, pay through the network,
/// settle. Answers the usual payment (the merchant's amount, the wallet's debit and fee).
pub async fn pay(state: AppState, wallet_id: String, m: Mutation, network: Network, order: Order) -> Response {
    let Some(acquirer) = state.acquirer.clone() else {
        return refuse(&state, m, not_connected(network)).await;
    };
    let probe = m.clone();
    match state.with_db(move |conn| intent_first::find::<Row>(conn, &probe)).await {
        Ok(Found::Answer(status, body)) => return idem::stored_response(status, body, true),
        Ok(Found::Row(id)) => return intent_first::answer::<Row>(state, acquirer, id).await,
        Ok(Found::Nothing) => {}
        Err(e) => return e.into_response(),
    }
    if order.tip.is_some() {
        return refuse(&state, m, ApiError::AmountMismatch("this code does not prompt for a tip".into())).await;
    }
    if order.references.as_ref().is_some_and(|r| !r.is_empty()) {
        return refuse(&state, m, ApiError::BadRequest("this code asks for no references".into())).await;
    }
    let Some(quote_id) = order.quote_id.clone() else {
        return refuse(&state, m, ApiError::QuoteRequired).await;
    };
    let payload = order.payload.trim().to_owned();
    let decoded = match decode_at(&acquirer, network, &payload).await {
        Ok(d) => d,
        Err(e) if e.is_final() => return refuse(&state, m, e).await,
        Err(e) => return e.into_response(),
    };
    let id = state.new_id("pa");
    let intent =
        Intent { id, wallet_id, network, payload, route: order.route, amount: order.amount, quote_id, decoded };
    intent_first::record_and_answer::<Row, _>(state, acquirer, m, Refusals::Stored, move |tx, m, now| {
        record(tx, m, &intent, now)
    })
    .await
}

/// What the intent records.
struct Intent {
    id: String,
    wallet_id: String,
    network: Network,
    payload: String,
    route: String,
    amount: Option<AmountIn>,
    quote_id: String,
    decoded: DecodedCode,
}

/// Checks the order against the code as its network decoded it and the quote the payer saw,
/// then records the row and holds the wallet's money (the key has neither an answer nor a row
/// yet). Returns the row id.
fn record(tx: &Transaction<'_>, m: &Mutation, i: &Intent, now: i64) -> Result<String, ApiError> {
    let w = load_wallet(tx, &i.wallet_id)?;
    let d = &i.decoded;
    let currency = d.currency.as_str();
    let value = match (&d.amount, &i.amount) {
        (Some(fixed), Some(a)) if a.minor != fixed.value || a.currency != fixed.currency => {
            return Err(ApiError::AmountMismatch(format!(
                "the code asks for {} {}, the request says {} {}",
                fixed.value, fixed.currency, a.minor, a.currency
            )))
        }
        (Some(fixed), _) => fixed.value,
        (None, Some(a)) => {
            a.validate()?;
            if a.currency != currency {
                return Err(ApiError::CurrencyMismatch(format!("the merchant takes {currency}")));
            }
            a.minor
        }
        (None, None) => return Err(ApiError::AmountMismatch("this code needs the amount the payer entered".into())),
    };
    if currency == w.currency {
        return Err(ApiError::InvalidPayload(format!(
            "a merchant in {currency} is paid at home, not through its network"
        )));
    }
    let q = take_quote(tx, &i.quote_id, &w.id, "merchant_payment", now)?;
    if q.receive != value || q.receive_currency != currency {
        return Err(ApiError::QuoteMismatch(format!(
            "quote delivers {} {}, the payment is {value} {currency}",
            q.receive, q.receive_currency
        )));
    }
    let debit = q.send + q.fee;
    check_limits(tx, &w, debit, debit, now)?;
    let merchant = api::MerchantRef {
        id: merchant_id(tx, &i.payload, d)?,
        name: d.merchant_name.clone(),
        country: d.country.clone(),
    };
    let journal_id = format!("tx_{}", i.id.trim_start_matches("pa_"));
    tx.execute(
        "INSERT OR IGNORE INTO accounts (id, kind, currency, balance, allow_negative, label) VALUES (?1, 'suspense', ?2, 0, 0, ?3)",
        params![suspense_account(&w.currency), w.currency, format!("Payments abroad in flight {}", w.currency)],
    )?;
    tx.execute(
        "INSERT INTO payments_abroad (id, scope, idem_key, request_hash, wallet_id, network, request_id, payload, route,
             merchant_id, merchant_name, merchant_country, amount, currency, quote_id, send, fee, debit, home_currency,
             journal_id, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, 'pending', ?21)",
        params![
            i.id,
            m.scope,
            m.key,
            m.request_hash,
            w.id,
            i.network.id(),
            acquiring::request_id(&m.scope, &m.key),
            i.payload,
            i.route,
            merchant.id,
            merchant.name,
            merchant.country,
            value,
            currency,
            i.quote_id,
            q.send,
            q.fee,
            debit,
            w.currency,
            journal_id,
            now
        ],
    )?;
    let no_refs = BTreeMap::new();
    let meta = journal_meta::to_value(&PaymentMeta {
        merchant: merchant.clone(),
        route: &i.route,
        amount: amount(value, currency),
        tip: amount(0, currency),
        total: amount(value, currency),
        references: &no_refs,
        description: format!("Payment to {} in {} through {}", merchant.name, merchant.country, i.network.name()),
        quote: Some(&q.body),
    })?;
    let idempotency = format!("{}:{}", m.scope, m.key);
    let header = JournalHeader {
        id: &journal_id,
        kind: "payment",
        wallet_id: Some(&w.id),
        idempotency: Some(&idempotency),
        meta: &meta,
        now,
    };
    ledger::post(
        tx,
        &header,
        &[Leg::new(w.account_id.clone(), -debit), Leg::new(suspense_account(&w.currency), debit)],
    )?;
    use_quote(tx, &i.quote_id, &journal_id)?;
    Ok(i.id.clone())
}

/// Where a payment abroad ended at its network.
enum Decision {
    /// The network paid the merchant; the host owes it the settlement.
    Paid(Box<MppPaymentResult>),
    /// The network refused or failed it; nothing was paid.
    Refused(ApiError),
    /// The host cancelled it at the deadline; nothing was paid (or it was reversed).
    Cancelled,
}

impl PartnerIntent for Row {
    const FLOW: Flow = Flow::PaymentAbroad;
    const TABLE: &'static str = "payments_abroad";
    const NAME: &'static str = "payment abroad";
    const NOUN: &'static str = "payment";
    type Decision = Decision;
    type Answer = api::Payment;

    fn load(conn: &rusqlite::Connection, id: &str) -> Result<Option<Self>, ApiError> {
        load(conn, id)
    }

    fn is_pending(&self) -> bool {
        self.status == "pending"
    }

    fn mutation(&self) -> Mutation {
        Mutation { scope: self.scope.clone(), key: self.key.clone(), request_hash: self.request_hash.clone() }
    }

    fn network(&self) -> Network {
        self.network
    }

    /// Has the network pay the merchant: pay, inquiries, a cancel at the deadline.
    async fn call(&self, state: &AppState, acquirer: &Acquirer) -> Option<Decision> {
        let payment = MppPayment {
            mpp: MppClient::new(acquirer.client.clone()),
            network: self.network,
            request: MppPayRequest {
                request_id: self.request_id.clone(),
                code: self.payload.clone(),
                amount: Amount::new(self.amount, &self.currency),
                settlement_currency: SETTLEMENT_CURRENCY.into(),
            },
        };
        Some(match acquiring::drive(state, acquirer, Flow::PaymentAbroad, &payment, self.created_at).await? {
            Ended::Success(p) => Decision::Paid(Box::new(p)),
            Ended::Failed(p) => Decision::Refused(failure(p.failure)),
            Ended::Refused(kind, message) => Decision::Refused(refusal(self.network, kind, message)),
            Ended::Cancelled => Decision::Cancelled,
        })
    }

    fn decide(
        tx: &Transaction<'_>,
        ctx: &Ctx,
        id: &str,
        decision: Option<Decision>,
    ) -> Result<(StatusCode, OrRefusal<api::Payment>), ApiError> {
        decide(tx, ctx, id, decision)
    }
}

/// A payment to a merchant at its network, through the partner wallet's client.
struct MppPayment {
    mpp: MppClient,
    network: Network,
    request: MppPayRequest,
}

impl PaymentCalls for MppPayment {
    type Answer = MppPaymentResult;

    async fn pay(&self) -> Result<MppPaymentResult, ClientError> {
        self.mpp.pay(self.network, &self.request).await
    }

    async fn inquire(&self) -> Result<MppPaymentResult, ClientError> {
        self.mpp.inquire(self.network, &self.request.request_id).await
    }

    async fn cancel(&self) -> Result<CancelResult, ClientError> {
        self.mpp.cancel(self.network, &self.request.request_id).await
    }

    fn status(answer: &MppPaymentResult) -> PaymentStatus {
        answer.status
    }
}

/// The wallet's refusal for a network's failure.
fn failure(f: Option<PayFailure>) -> ApiError {
    match f {
        Some(PayFailure::UsedCode) => ApiError::CodeAlreadyPaid,
        Some(PayFailure::ExpiredCode) => ApiError::CodeExpired,
        Some(PayFailure::UserTimeout) => ApiError::ChargeExpired,
        Some(PayFailure::InsufficientFunds) => ApiError::InsufficientFunds("the partner network's credit"),
        Some(PayFailure::InvalidCode) | None => ApiError::UnknownMerchant,
    }
}

/// The wallet's refusal for a network's refusal of the pay.
fn refusal(network: Network, kind: RefusalKind, message: String) -> ApiError {
    match kind {
        RefusalKind::NotFound => ApiError::UnknownMerchant,
        RefusalKind::CurrencyNotSupported => ApiError::CurrencyMismatch(format!("{}: {message}", network.name())),
        RefusalKind::BadRequest => ApiError::AmountMismatch(format!("{}: {message}", network.name())),
        _ => ApiError::InvalidPayload(format!("{}: {message}", network.name())),
    }
}

/// The settlement journal's meta: the network's side of the payment.
#[derive(Serialize)]
struct SettlementMeta<'a> {
    payment: &'a str,
    network: &'a str,
    payment_id: Option<&'a str>,
    merchant: &'a api::MerchantRef,
    amount: api::Amount,
    settlement: api::Amount,
    rate: Option<&'a str>,
    description: String,
}

/// The return journal's meta.
#[derive(Serialize)]
struct ReturnMeta<'a> {
    payment: &'a str,
    merchant: &'a api::MerchantRef,
    refusal: &'a str,
    description: String,
}

/// Applies a decision: the ledger, the row, the wallet's answer (and its event).
fn decide(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    id: &str,
    decision: Option<Decision>,
) -> Result<(StatusCode, OrRefusal<api::Payment>), ApiError> {
    let row = load(tx, id)?.ok_or_else(|| ApiError::Internal("payment abroad vanished".into()))?;
    let w = load_wallet(tx, &row.wallet_id)?;
    if row.status == "paid" {
        return Ok((StatusCode::CREATED, OrRefusal::Body(row.payment(ledger::balance(tx, &w.account_id)?))));
    }
    if row.status != "pending" {
        return Err(ApiError::Internal(format!("payment abroad {id} was decided without an answer")));
    }
    match decision {
        Some(Decision::Paid(p)) => {
            settle_paid(tx, ctx, &row, &p)?;
            let out = row.payment(ledger::balance(tx, &w.account_id)?);
            emit(tx, &w.id, EventData::PaymentCompleted(out.clone()), ctx.now)?;
            Ok((StatusCode::CREATED, OrRefusal::Body(out)))
        }
        Some(Decision::Refused(e)) => give_back(tx, ctx, &row, "refused", e),
        Some(Decision::Cancelled) => give_back(tx, ctx, &row, "cancelled", ApiError::ChargeExpired),
        None => Err(ApiError::Internal(format!("payment abroad {id} is pending without a decision"))),
    }
}

/// The network paid the merchant: the held money becomes the fee, the FX conversion and what
/// the host owes the network.
fn settle_paid(tx: &Transaction<'_>, ctx: &Ctx, row: &Row, p: &MppPaymentResult) -> Result<(), ApiError> {
    if let Some(a) = &p.amount {
        // The network paid another amount than asked: a bug on one side, never settled silently.
        if a.value != row.amount || a.currency != row.currency {
            return Err(ApiError::Internal(format!(
                "{} paid {a}, not {} {}",
                row.network.name(),
                row.amount,
                row.currency
            )));
        }
    }
    let settlement = p
        .settlement
        .as_ref()
        .filter(|s| s.currency == SETTLEMENT_CURRENCY && s.value > 0)
        .ok_or_else(|| ApiError::Internal(format!("{} paid without a settlement in yen", row.network.name())))?;
    let mut legs = vec![Leg::new(row.suspense(), -row.debit), Leg::new(seed::fee_account(&row.home_currency), row.fee)];
    if row.home_currency == SETTLEMENT_CURRENCY {
        legs.push(Leg::new(seed::fx_account(SETTLEMENT_CURRENCY), row.send - settlement.value));
    } else {
        legs.push(Leg::new(seed::fx_account(&row.home_currency), row.send));
        legs.push(Leg::new(seed::fx_account(SETTLEMENT_CURRENCY), -settlement.value));
    }
    legs.push(Leg::new(seed::network_payable(row.network), settlement.value));
    let meta = journal_meta::to_value(&SettlementMeta {
        payment: &row.journal_id,
        network: row.network.id(),
        payment_id: p.payment_id.as_deref(),
        merchant: &row.merchant,
        amount: amount(row.amount, &row.currency),
        settlement: amount(settlement.value, &settlement.currency),
        rate: p.rate.as_deref(),
        description: format!("{} paid {} for a Koban wallet", row.network.name(), row.merchant.name),
    })?;
    let journal_id = format!("{}_settle", row.journal_id);
    let idempotency = format!("{}/settle", ctx.idempotency);
    let header = JournalHeader {
        id: &journal_id,
        kind: "payment_settlement",
        wallet_id: None,
        idempotency: Some(&idempotency),
        meta: &meta,
        now: ctx.now,
    };
    ledger::post(tx, &header, &legs)?;
    tx.execute(
        "UPDATE payments_abroad SET status = 'paid', settle_journal_id = ?2, payment_id = ?3, settlement_amount = ?4,
             settlement_currency = ?5, network_rate = ?6, decided_at = ?7 WHERE id = ?1",
        params![row.id, journal_id, p.payment_id, settlement.value, settlement.currency, p.rate, ctx.now],
    )?;
    Ok(())
}

/// Nothing was paid: the held money goes back to the wallet whole, the quote is free again,
/// and the refusal is the wallet's answer.
fn give_back(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    row: &Row,
    status: &str,
    e: ApiError,
) -> Result<(StatusCode, OrRefusal<api::Payment>), ApiError> {
    let w = load_wallet(tx, &row.wallet_id)?;
    let meta = journal_meta::to_value(&ReturnMeta {
        payment: &row.journal_id,
        merchant: &row.merchant,
        refusal: e.kind().as_str(),
        description: format!("Payment to {} not made: {e}", row.merchant.name),
    })?;
    let journal_id = format!("{}_return", row.journal_id);
    let idempotency = format!("{}/return", ctx.idempotency);
    let header = JournalHeader {
        id: &journal_id,
        kind: "payment_return",
        wallet_id: Some(&w.id),
        idempotency: Some(&idempotency),
        meta: &meta,
        now: ctx.now,
    };
    ledger::post(tx, &header, &[Leg::new(row.suspense(), -row.debit), Leg::new(w.account_id.clone(), row.debit)])?;
    tx.execute(
        "UPDATE payments_abroad SET status = ?2, refusal = ?3, return_journal_id = ?4, decided_at = ?5 WHERE id = ?1",
        params![row.id, status, e.kind().as_str(), journal_id, ctx.now],
    )?;
    tx.execute(
        "UPDATE quotes SET used_by_journal = NULL WHERE id = ?1 AND used_by_journal = ?2",
        params![row.quote_id, row.journal_id],
    )?;
    Ok(e.committed())
}

/// Resumes every payment abroad left pending (a host stopped between pay and decision).
pub async fn recover(state: &AppState) {
    let Some(acquirer) = state.acquirer.clone() else { return };
    intent_first::recover::<Row>(state, &acquirer).await;
}
