//! A foreign shopper code (Alipay+, WeChat Pay, UnionPay) at a Koban merchant's terminal: the
//! host records the charge, then charges the code through its network as acquirer, and
//! settles the merchant in its own currency against a receivable from the network.
//!
//! Exactly once (ADR 0005 across the network boundary, ADR 0007): the intent row commits
//! first under a request id derived from the terminal's idempotency key; then the network is
//! called; the decision, the ledger and the terminal's stored answer commit together. A retry
//! before that finds the row and resumes it; a host restart resumes every pending row. The
//! driver is shared (`intent_first`); this file holds the charge's request, ledger and answer.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use koban_core::net::api;
use koban_partners::client::{AcquirerClient, CancelResult, ClientError, PayRequest, PaymentResult};
use koban_partners::{Amount, Network, PayFailure, PaymentStatus};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use super::common::{amount, merchant_ref, AmountIn};
use super::intent_first::{self, PartnerIntent, Refusals};
use crate::acquiring::{self, Acquirer, Ended, Flow, PaymentCalls};
use crate::error::{ApiError, OrRefusal};
use crate::idem::{Ctx, Mutation};
use crate::journal_meta;
use crate::ledger::{self, JournalHeader, Leg};
use crate::seed;
use crate::state::AppState;

/// The network that acquires `code`, when detection names it a foreign shopper code.
pub fn network_of(code: &str) -> Option<Network> {
    let detection = koban_core::scheme::detect(code).ok()?;
    if detection.presentment != koban_core::scheme::Presentment::Consumer {
        return None;
    }
    detection.schemes().into_iter().find_map(Network::for_scheme)
}

/// The journal meta of a captured foreign charge: the CNY side and the rate stay with it.
#[derive(Serialize)]
struct ForeignChargeMeta<'a> {
    merchant: api::MerchantRef,
    charge_id: &'a str,
    network: &'a str,
    payment_id: Option<&'a str>,
    customer_amount: Option<i64>,
    customer_currency: Option<&'a str>,
    rate: Option<&'a str>,
    description: String,
}

/// A foreign charge as recorded before its network was called.
struct Intent {
    /// The host's charge id.
    id: String,
    /// The network that acquires the code.
    network: Network,
    /// The network's idempotency key.
    request_id: String,
    /// The code as scanned.
    code: String,
    /// The merchant's amount.
    amount: i64,
    /// The merchant's currency.
    currency: String,
    /// The merchant.
    merchant_id: String,
    /// Its name, for the user's history at the network.
    merchant_name: String,
    /// Host time the intent was recorded; the deadline counts from it.
    created_at: i64,
}

/// Where a foreign charge ended.
enum Decision {
    /// The network charged its user; it owes the host the amount.
    Captured(PaymentResult),
    /// The network refused or failed it; nothing was taken.
    Refused(ApiError),
    /// The host cancelled it at the deadline; nothing was taken (or it was given back).
    Cancelled,
}

/// A foreign charge row.
struct Row {
    intent: Intent,
    scope: String,
    key: String,
    request_hash: String,
    status: String,
    refusal: Option<String>,
    journal_id: Option<String>,
    customer_amount: Option<i64>,
    customer_currency: Option<String>,
    rate: Option<String>,
}

impl Row {
    fn view(&self) -> api::Charge {
        let i = &self.intent;
        api::Charge {
            id: i.id.clone(),
            // The till's words: a charge cancelled at its deadline lapsed like an unapproved one.
            status: if self.status == "cancelled" { "expired".into() } else { self.status.clone() },
            merchant_id: i.merchant_id.clone(),
            amount: amount(i.amount, &i.currency),
            counter: 0,
            refusal: self.refusal.clone(),
            transaction_id: self.journal_id.clone(),
            approve_by: None,
            created_at: i.created_at,
            network: Some(i.network.id().to_owned()),
            customer_amount: match (self.customer_amount, &self.customer_currency) {
                (Some(v), Some(c)) => Some(amount(v, c)),
                _ => None,
            },
            rate: self.rate.clone(),
        }
    }
}

const COLUMNS: &str = "id, network, request_id, code, amount, currency, merchant_id, created_at, scope, idem_key,
    request_hash, status, refusal, journal_id, customer_amount, customer_currency, rate";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let network: String = r.get(1)?;
    let merchant_id: String = r.get(6)?;
    let merchant_name = seed::merchant(&merchant_id).map(|m| m.name.to_owned()).unwrap_or_default();
    Ok(Row {
        intent: Intent {
            id: r.get(0)?,
            network: Network::from_id(&network).unwrap_or(Network::AlipayPlus),
            request_id: r.get(2)?,
            code: r.get(3)?,
            amount: r.get(4)?,
            currency: r.get(5)?,
            merchant_id,
            merchant_name,
            created_at: r.get(7)?,
        },
        scope: r.get(8)?,
        key: r.get(9)?,
        request_hash: r.get(10)?,
        status: r.get(11)?,
        refusal: r.get(12)?,
        journal_id: r.get(13)?,
        customer_amount: r.get(14)?,
        customer_currency: r.get(15)?,
        rate: r.get(16)?,
    })
}

fn load(conn: &rusqlite::Connection, id: &str) -> Result<Option<Row>, ApiError> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM foreign_charges WHERE id = ?1"), [id], read_row).optional()?)
}

/// A foreign charge of `merchant_id` by id, for `GET /v1/terminal/charges/{id}`.
pub fn view(conn: &rusqlite::Connection, id: &str, merchant_id: &str) -> Result<Option<api::Charge>, ApiError> {
    Ok(load(conn, id)?.filter(|r| r.intent.merchant_id == merchant_id).map(|r| r.view()))
}

/// `POST /v1/terminal/charges` for a foreign code: record, charge at the network, settle.
pub async fn charge(
    state: AppState,
    terminal_id: String,
    merchant_id: String,
    m: Mutation,
    network: Network,
    amount_in: AmountIn,
    code: String,
) -> Response {
    let Some(acquirer) = state.acquirer.clone() else {
        let e = ApiError::InvalidPayload(format!(
            "this is a {} code and this host is not connected to the partner networks",
            network.name()
        ));
        return e.into_response();
    };
    let id = state.new_id("ch");
    intent_first::record_and_answer::<Row, _>(state, acquirer, m, Refusals::Answered, move |tx, m, now| {
        record(tx, &id, &terminal_id, &merchant_id, m, network, &amount_in, &code, now)
    })
    .await
}

/// Records the intent (the key has neither an answer nor a row yet). Returns the charge id.
#[allow(clippy::too_many_arguments)]
fn record(
    tx: &Transaction<'_>,
    id: &str,
    terminal_id: &str,
    merchant_id: &str,
    m: &Mutation,
    network: Network,
    amount_in: &AmountIn,
    code: &str,
    now: i64,
) -> Result<String, ApiError> {
    let merchant = seed::merchant(merchant_id).ok_or(ApiError::UnknownMerchant)?;
    amount_in.validate()?;
    if amount_in.currency != merchant.currency {
        return Err(ApiError::CurrencyMismatch(format!("{} takes {}", merchant.name, merchant.currency)));
    }
    tx.execute(
        "INSERT INTO foreign_charges (id, scope, idem_key, request_hash, merchant_id, terminal_id, network, request_id,
             code, amount, currency, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', ?12)",
        params![
            id,
            m.scope,
            m.key,
            m.request_hash,
            merchant.id,
            terminal_id,
            network.id(),
            acquiring::request_id(&m.scope, &m.key),
            code.trim(),
            amount_in.minor,
            merchant.currency,
            now
        ],
    )?;
    Ok(id.to_owned())
}

impl PartnerIntent for Row {
    const FLOW: Flow = Flow::Charge;
    const TABLE: &'static str = "foreign_charges";
    const NAME: &'static str = "foreign charge";
    const NOUN: &'static str = "charge";
    type Decision = Decision;
    type Answer = api::Charge;

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
        self.intent.network
    }

    /// Charges the code at its network: pay, inquiries, a cancel at the deadline.
    async fn call(&self, state: &AppState, acquirer: &Acquirer) -> Option<Decision> {
        let i = &self.intent;
        let charge = Charge {
            client: &acquirer.client,
            network: i.network,
            request: PayRequest {
                request_id: i.request_id.clone(),
                code: i.code.clone(),
                amount: Amount::new(i.amount, &i.currency),
                merchant_id: i.merchant_id.clone(),
                merchant_name: i.merchant_name.clone(),
                description: format!("Paid at {}", i.merchant_name),
            },
        };
        Some(match acquiring::drive(state, acquirer, Flow::Charge, &charge, i.created_at).await? {
            Ended::Success(p) => Decision::Captured(p),
            Ended::Failed(p) => Decision::Refused(failure(p.failure)),
            // A code the network cannot read.
            Ended::Refused(_, message) => {
                Decision::Refused(ApiError::InvalidPayload(format!("{}: {message}", i.network.name())))
            }
            Ended::Cancelled => Decision::Cancelled,
        })
    }

    fn decide(
        tx: &Transaction<'_>,
        ctx: &Ctx,
        id: &str,
        decision: Option<Decision>,
    ) -> Result<(StatusCode, OrRefusal<api::Charge>), ApiError> {
        decide(tx, ctx, id, decision)
    }
}

/// A charge of a shopper's code at its network, through the acquiring client.
struct Charge<'a> {
    client: &'a AcquirerClient,
    network: Network,
    request: PayRequest,
}

impl PaymentCalls for Charge<'_> {
    type Answer = PaymentResult;

    async fn pay(&self) -> Result<PaymentResult, ClientError> {
        self.client.pay(self.network, &self.request).await
    }

    async fn inquire(&self) -> Result<PaymentResult, ClientError> {
        self.client.inquire(self.network, &self.request.request_id).await
    }

    async fn cancel(&self) -> Result<CancelResult, ClientError> {
        self.client.cancel(self.network, &self.request.request_id).await
    }

    fn status(answer: &PaymentResult) -> PaymentStatus {
        answer.status
    }
}

/// The host's refusal for a network's failure.
fn failure(f: Option<PayFailure>) -> ApiError {
    match f {
        Some(PayFailure::InsufficientFunds) => ApiError::InsufficientFunds("the shopper's network wallet"),
        Some(PayFailure::ExpiredCode) => ApiError::CodeExpired,
        Some(PayFailure::UsedCode) => ApiError::CodeUsed,
        Some(PayFailure::UserTimeout) => ApiError::ChargeExpired,
        Some(PayFailure::InvalidCode) | None => ApiError::UnknownToken,
    }
}

/// Applies a decision: the ledger for a capture, the row's status, the answer.
fn decide(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    id: &str,
    decision: Option<Decision>,
) -> Result<(StatusCode, OrRefusal<api::Charge>), ApiError> {
    let mut row = load(tx, id)?.ok_or_else(|| ApiError::Internal("foreign charge vanished".into()))?;
    if row.status != "pending" {
        return Ok((StatusCode::OK, OrRefusal::Body(row.view())));
    }
    let Some(decision) = decision else {
        return Err(ApiError::Internal(format!("foreign charge {id} is pending without a decision")));
    };
    match decision {
        Decision::Captured(p) => {
            capture(tx, ctx, &mut row, &p)?;
            Ok((StatusCode::CREATED, OrRefusal::Body(row.view())))
        }
        Decision::Refused(e) => {
            tx.execute(
                "UPDATE foreign_charges SET status = 'refused', refusal = ?2, decided_at = ?3 WHERE id = ?1",
                params![id, e.kind().as_str(), ctx.now],
            )?;
            Ok(e.committed())
        }
        Decision::Cancelled => {
            let e = ApiError::ChargeExpired;
            tx.execute(
                "UPDATE foreign_charges SET status = 'cancelled', refusal = ?2, decided_at = ?3 WHERE id = ?1",
                params![id, e.kind().as_str(), ctx.now],
            )?;
            Ok(e.committed())
        }
    }
}

/// Settles a capture: the network owes the host, the merchant is owed, in the merchant's currency.
fn capture(tx: &Transaction<'_>, ctx: &Ctx, row: &mut Row, p: &PaymentResult) -> Result<(), ApiError> {
    let i = &row.intent;
    if let Some(a) = &p.amount {
        // The network charged another amount than asked: a bug on one side, never settled silently.
        if a.value != i.amount || a.currency != i.currency {
            return Err(ApiError::Internal(format!(
                "{} charged {} {}, not {} {}",
                i.network.name(),
                a.value,
                a.currency,
                i.amount,
                i.currency
            )));
        }
    }
    let merchant = seed::merchant(&i.merchant_id).ok_or(ApiError::UnknownMerchant)?;
    let journal_id = format!("tx_{}", i.id.trim_start_matches("ch_"));
    let customer = p.customer_amount.as_ref();
    let meta = journal_meta::to_value(&ForeignChargeMeta {
        merchant: merchant_ref(merchant),
        charge_id: &i.id,
        network: i.network.id(),
        payment_id: p.payment_id.as_deref(),
        customer_amount: customer.map(|c| c.value),
        customer_currency: customer.map(|c| c.currency.as_str()),
        rate: p.rate.as_deref(),
        description: format!("{} code charged at {}", i.network.name(), merchant.name),
    })?;
    let header = JournalHeader {
        id: &journal_id,
        kind: "foreign_charge",
        wallet_id: None,
        idempotency: Some(&ctx.idempotency),
        meta: &meta,
        now: ctx.now,
    };
    let receivable = format!("network:{}", i.network.id());
    ledger::post(
        tx,
        &header,
        &[Leg::new(receivable, -i.amount), Leg::new(format!("merchant:{}", merchant.id), i.amount)],
    )?;
    tx.execute(
        "UPDATE foreign_charges SET status = 'captured', journal_id = ?2, payment_id = ?3, customer_amount = ?4,
             customer_currency = ?5, rate = ?6, decided_at = ?7 WHERE id = ?1",
        params![
            i.id,
            journal_id,
            p.payment_id,
            customer.map(|c| c.value),
            customer.map(|c| c.currency.as_str()),
            p.rate,
            ctx.now
        ],
    )?;
    row.status = "captured".into();
    row.journal_id = Some(journal_id);
    row.customer_amount = customer.map(|c| c.value);
    row.customer_currency = customer.map(|c| c.currency.clone());
    row.rate.clone_from(&p.rate);
    Ok(())
}

/// Resumes every foreign charge left pending (a host stopped between pay and decision), then
/// every refund of one.
pub async fn recover(state: AppState) {
    let Some(acquirer) = state.acquirer.clone() else { return };
    intent_first::recover::<Row>(&state, &acquirer).await;
    super::foreign_refunds::recover(&state, &acquirer).await;
}
