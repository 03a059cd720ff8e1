//! What the host's event feed tells the wallet, read into typed facts and applied to the
//! store in the sync's one transaction: money received (transfers and merchants' refunds),
//! till charges (captured or waiting for approval) and codes the host revoked.

use rusqlite::Transaction;

use super::types::money;
use super::WalletError;
use super::{ChargeRequest, Direction, MoneyRequest, TransactionRecord};
use crate::net::api::{self, Event, EventData};
use crate::store::{self, StoreError};

/// One event of the feed, read.
pub(super) enum Heard {
    /// Another wallet sent money (P2P or remittance), or a merchant refunded.
    Received(TransactionRecord),
    /// A till captured a charge of one of this wallet's codes.
    Charged(TransactionRecord),
    /// A till charge above the no-confirmation limit waits for the shopper.
    ChargeRequest(ChargeRequest),
    /// The host revoked a token's keys (wrong cryptograms, a revoked device).
    CodesRevoked(String),
    /// A friend asks this wallet for money, or a request this wallet made was answered.
    MoneyRequest(MoneyRequest),
    /// A remittance sent through a partner ended: delivered, or failed and given back.
    RemittanceEnded {
        /// The remittance's transaction.
        id: String,
        /// What the host now says of it (status, pickup reference, reason).
        update: serde_json::Map<String, serde_json::Value>,
        /// The money given back, a history entry of its own.
        returned: Option<TransactionRecord>,
    },
    /// Nothing the wallet keeps.
    Ignored,
}

/// Reads one event of the feed; kinds the wallet keeps nothing of are ignored.
pub(super) fn read(e: &Event) -> Result<Heard, WalletError> {
    // The history keeps the event's data as the host's record of it.
    let details = || e.data.to_value().map_err(|err| WalletError::Protocol(err.to_string()));
    Ok(match &e.data {
        EventData::TransferReceived(d) => {
            let who = format!("@{}", d.from.handle);
            Heard::Received(TransactionRecord {
                id: d.id.clone(),
                kind: d.kind.clone(),
                direction: Direction::In,
                amount: money(&d.amount)?,
                description: format!("Received from {who}"),
                counterparty: Some(who),
                intent_key: None,
                created_at: e.created_at,
                details: details()?,
            })
        }
        // A refund is money in, linked to the payment it gives back by `details`'
        // `original_transaction_id` (see `TransactionRecord::refund_of`).
        EventData::RefundReceived(d) => Heard::Received(TransactionRecord {
            id: d.id.clone(),
            kind: d.kind.clone(),
            direction: Direction::In,
            amount: money(&d.amount)?,
            description: format!("Refund from {}", d.merchant.name),
            counterparty: Some(d.merchant.name.clone()),
            intent_key: None,
            created_at: e.created_at,
            details: details()?,
        }),
        EventData::ConsumerCodeCharged(d) => Heard::Charged(TransactionRecord {
            id: d.id.clone(),
            kind: "cpm_charge".into(),
            direction: Direction::Out,
            amount: money(&d.amount)?,
            description: format!("Paid at {} with your code", d.merchant.name),
            counterparty: Some(d.merchant.name.clone()),
            intent_key: None,
            created_at: e.created_at,
            details: details()?,
        }),
        EventData::ChargeApprovalRequested(d) => Heard::ChargeRequest(ChargeRequest {
            id: d.id.clone(),
            merchant_name: d.merchant.name.clone(),
            merchant_country: Some(d.merchant.country.clone()),
            amount: money(&d.amount)?,
            approve_by: d.approve_by,
            status: "pending".into(),
            created_at: e.created_at,
        }),
        EventData::ConsumerCodesRevoked(d) => Heard::CodesRevoked(d.token.clone()),
        EventData::MoneyRequestReceived(r) => Heard::MoneyRequest(MoneyRequest::heard(r.clone(), true)?),
        EventData::MoneyRequestAnswered(r) => Heard::MoneyRequest(MoneyRequest::heard(r.clone(), false)?),
        // The status the remittance was sent with is in its answer already; only endings change it.
        EventData::RemittanceStatus(d) if d.status == "delivered" || d.status == "failed" => {
            let mut update = serde_json::Map::new();
            update.insert("status".into(), d.status.clone().into());
            if let Some(r) = &d.pickup_reference {
                update.insert("pickup_reference".into(), r.clone().into());
            }
            if let Some(r) = &d.reason {
                update.insert("failure_reason".into(), r.clone().into());
            }
            let returned = match &d.returned {
                None => None,
                Some(r) => Some(TransactionRecord {
                    id: r.transaction_id.clone(),
                    kind: "remittance_return".into(),
                    direction: Direction::In,
                    amount: money(&r.amount)?,
                    description: "Remittance returned: the payout failed".into(),
                    counterparty: None,
                    intent_key: None,
                    created_at: e.created_at,
                    details: serde_json::to_value(ReturnDetails {
                        original_transaction_id: &d.id,
                        reason: d.reason.as_deref(),
                        amount: &r.amount,
                        balance: &r.balance,
                    })
                    .map_err(|e| WalletError::Protocol(e.to_string()))?,
                }),
            };
            Heard::RemittanceEnded { id: d.id.clone(), update, returned }
        }
        _ => Heard::Ignored,
    })
}

/// What a returned remittance's history entry keeps: the remittance it gives back and why.
#[derive(serde::Serialize)]
struct ReturnDetails<'a> {
    original_transaction_id: &'a str,
    reason: Option<&'a str>,
    amount: &'a api::Amount,
    balance: &'a api::Amount,
}

/// What applying a batch of events changed.
#[derive(Default)]
pub(super) struct Applied {
    /// Money received (transfers, refunds), new to the history.
    pub received: Vec<TransactionRecord>,
    /// Till charges new to the history.
    pub charged: Vec<TransactionRecord>,
    /// Charges now waiting for approval.
    pub charge_requests: Vec<ChargeRequest>,
    /// Keys dropped because the host revoked their token.
    pub keys_dropped: usize,
    /// Money requests received, and requests of this wallet answered.
    pub money_requests: Vec<MoneyRequest>,
}

/// Applies read events to the store in `tx`; events seen before change nothing.
pub(super) fn apply(tx: &Transaction<'_>, heard: Vec<Heard>, out: &mut Applied) -> Result<(), StoreError> {
    for h in heard {
        match h {
            Heard::Received(t) => {
                if store::insert_transaction(tx, &t)? {
                    out.received.push(t);
                }
            }
            Heard::Charged(t) => {
                if store::insert_transaction(tx, &t)? {
                    out.charged.push(t);
                }
            }
            Heard::ChargeRequest(c) => {
                store::put_charge_request(tx, &c)?;
                out.charge_requests.push(c);
            }
            Heard::CodesRevoked(token) => out.keys_dropped += store::drop_token_keys(tx, &token)?,
            // The host keeps requests (`Wallet::money_requests` reads them): only report them.
            Heard::MoneyRequest(r) => out.money_requests.push(r),
            Heard::RemittanceEnded { id, update, returned } => {
                store::update_transaction_record(tx, &id, &update)?;
                if let Some(t) = returned {
                    if store::insert_transaction(tx, &t)? {
                        out.received.push(t);
                    }
                }
            }
            Heard::Ignored => {}
        }
    }
    Ok(())
}
