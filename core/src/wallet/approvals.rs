//! Till charges above the shopper's no-confirmation limit: the host asks the phone (an event
//! heard by `sync`), and the shopper approves or declines within the host's window. Approving
//! is a money-moving intent like any other: exactly once across crashes and retries.

use rusqlite::Transaction;
use serde_json::json;

use super::outbox::{Answer, IntentKind};
use super::types::{money, money_json, text};
use super::{lock, Balance, Refusal, Wallet, WalletError};
use super::{ChargeRequest, Direction, TransactionRecord};
use crate::money::Money;
use crate::store;

impl Wallet {
    /// Till charges waiting for this shopper's approval (local; `sync` brings new ones in).
    pub fn charge_requests(&self) -> Result<Vec<ChargeRequest>, WalletError> {
        Ok(store::charge_requests(lock(&self.store).conn(), self.host_now())?)
    }

    fn charge_request(&self, id: &str) -> Result<ChargeRequest, WalletError> {
        store::charge_requests(lock(&self.store).conn(), i64::MIN)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| WalletError::InvalidInput(format!("no charge {id} is waiting for approval")))
    }

    /// Approves a waiting till charge: the host captures it once, and it enters the history.
    pub async fn approve_charge(&self, id: &str) -> Result<TransactionRecord, WalletError> {
        self.enrolled()?;
        let request = self.charge_request(id)?;
        let context = json!({ "merchant_name": request.merchant_name, "amount": money_json(request.amount) });
        let answer =
            self.submit(IntentKind::ChargeApprove, &format!("/v1/charges/{id}/approve"), &json!({}), context).await;
        let v = self.settle_request(id, answer)?;
        self.transaction(&text(&v, "transaction_id")?)
    }

    /// Declines a waiting till charge: no money moves, and the code stays used.
    pub async fn decline_charge(&self, id: &str) -> Result<(), WalletError> {
        self.enrolled()?;
        self.charge_request(id)?;
        let answer =
            self.submit(IntentKind::ChargeDecline, &format!("/v1/charges/{id}/decline"), &json!({}), json!({})).await;
        self.settle_request(id, answer).map(|_| ())
    }

    /// Records a refusal of an answer (a lapsed or already decided charge); an applied answer
    /// is recorded by the outbox's reconcile, also when it is resolved after a crash.
    fn settle_request(
        &self,
        id: &str,
        answer: Result<serde_json::Value, WalletError>,
    ) -> Result<serde_json::Value, WalletError> {
        let status: &str = match &answer {
            Ok(_) => return answer,
            Err(WalletError::Refused { refusal: Refusal::Other(kind), .. }) if kind == "charge_expired" => "expired",
            Err(WalletError::Refused { refusal: Refusal::Other(kind), .. }) if kind == "charge_not_pending" => {
                "decided"
            }
            Err(WalletError::Refused { refusal: Refusal::NotFound, .. }) => "unknown",
            Err(WalletError::Refused { .. }) => "refused",
            // Unknown outcomes stay pending: the intent is resolved before anything else.
            Err(_) => return answer,
        };
        lock(&self.store).write(|tx, _| store::set_charge_request_status(tx, id, status))?;
        answer
    }

    /// Sets the ceiling above which till charges wait for approval (at most the host's default).
    pub async fn set_no_confirm_limit(&self, limit: Money) -> Result<Balance, WalletError> {
        let w = self.enrolled()?;
        if limit.minor() < 0 {
            return Err(WalletError::InvalidInput("the limit cannot be negative".into()));
        }
        let v = self
            .post_idempotent(
                &format!("/v1/wallets/{}/no-confirm-limit", w.wallet_id),
                &json!({ "limit": money_json(limit) }),
            )
            .await?;
        Balance::from_json(&v)
    }
}

/// Reconciles an approval: the charge enters the history and is no longer waiting.
pub(super) fn approved(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<(), WalletError> {
    store::insert_transaction(tx, &approved_record(a.v, &a.intent.context, &a.intent.key, a.now)?)?;
    store::set_charge_request_status(tx, &text(a.v, "id")?, "captured")?;
    Ok(())
}

/// Reconciles a decline: the charge is no longer waiting.
pub(super) fn declined(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<(), WalletError> {
    store::set_charge_request_status(tx, &text(a.v, "id")?, "declined")?;
    Ok(())
}

/// The history entry of an approved charge (the same id as the host's charge event, so the
/// event heard later adds nothing).
fn approved_record(
    v: &serde_json::Value,
    context: &serde_json::Value,
    intent_key: &str,
    now: i64,
) -> Result<TransactionRecord, WalletError> {
    let name = context["merchant_name"].as_str().unwrap_or("a shop").to_owned();
    Ok(TransactionRecord {
        id: text(v, "transaction_id")?,
        kind: "cpm_charge".into(),
        direction: Direction::Out,
        amount: money(&v["amount"])?,
        description: format!("Paid at {name} with your code (approved)"),
        counterparty: Some(name),
        intent_key: Some(intent_key.to_owned()),
        created_at: v["created_at"].as_i64().unwrap_or(now),
        details: json!({ "host": v, "context": context }),
    })
}
