//! What the host's event feed tells the wallet, read into typed facts and applied to the
//! store in the sync's one transaction: money received, till charges (captured or waiting
//! for approval) and codes the host revoked.

use rusqlite::Transaction;
use serde_json::Value;

use super::types::{money, text};
use super::WalletError;
use super::{ChargeRequest, Direction, TransactionRecord};
use crate::store::{self, StoreError};

/// One event of the feed, read.
pub(super) enum Heard {
    /// Another wallet sent money (P2P or remittance).
    Received(TransactionRecord),
    /// A till captured a charge of one of this wallet's codes.
    Charged(TransactionRecord),
    /// A till charge above the no-confirmation limit waits for the shopper.
    ChargeRequest(ChargeRequest),
    /// The host revoked a token's keys (wrong cryptograms, a revoked device).
    CodesRevoked(String),
    /// Nothing the wallet keeps.
    Ignored,
}

/// Reads one event (`{seq, kind, data, created_at}`).
pub(super) fn read(e: &Value, now: i64) -> Result<Heard, WalletError> {
    let d = &e["data"];
    let at = e["created_at"].as_i64().unwrap_or(now);
    Ok(match e["kind"].as_str().unwrap_or_default() {
        "transfer_received" => {
            let from = &d["from"];
            let who =
                from["handle"].as_str().map(|h| format!("@{h}")).or_else(|| from["name"].as_str().map(str::to_owned));
            Heard::Received(TransactionRecord {
                id: text(d, "id")?,
                kind: d["kind"].as_str().unwrap_or("p2p").to_owned(),
                direction: Direction::In,
                amount: money(&d["amount"])?,
                description: format!("Received from {}", who.as_deref().unwrap_or("a friend")),
                counterparty: who,
                intent_key: None,
                created_at: at,
                details: d.clone(),
            })
        }
        "consumer_code_charged" => {
            let name = d["merchant"]["name"].as_str().unwrap_or("a shop").to_owned();
            Heard::Charged(TransactionRecord {
                id: text(d, "id")?,
                kind: "cpm_charge".into(),
                direction: Direction::Out,
                amount: money(&d["amount"])?,
                description: format!("Paid at {name} with your code"),
                counterparty: Some(name),
                intent_key: None,
                created_at: at,
                details: d.clone(),
            })
        }
        "charge_approval_requested" => Heard::ChargeRequest(ChargeRequest {
            id: text(d, "id")?,
            merchant_name: d["merchant"]["name"].as_str().unwrap_or("a shop").to_owned(),
            merchant_country: d["merchant"]["country"].as_str().map(str::to_owned),
            amount: money(&d["amount"])?,
            approve_by: d["approve_by"].as_i64().ok_or_else(|| WalletError::Protocol("approve_by".into()))?,
            status: "pending".into(),
            created_at: at,
        }),
        "consumer_codes_revoked" => Heard::CodesRevoked(text(d, "token")?),
        _ => Heard::Ignored,
    })
}

/// What applying a batch of events changed.
#[derive(Default)]
pub(super) struct Applied {
    /// Money received, new to the history.
    pub received: Vec<TransactionRecord>,
    /// Till charges new to the history.
    pub charged: Vec<TransactionRecord>,
    /// Charges now waiting for approval.
    pub charge_requests: Vec<ChargeRequest>,
    /// Keys dropped because the host revoked their token.
    pub keys_dropped: usize,
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
            Heard::Ignored => {}
        }
    }
    Ok(())
}
