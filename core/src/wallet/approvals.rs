//! Till charges above the shopper's no-confirmation limit: the host asks the phone (an event
//! heard by `sync`), and the shopper approves or declines within the host's window. Approving
//! is a money-moving intent like any other: exactly once across crashes and retries.

use rusqlite::Transaction;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::outbox::{context, no_context, Answer, IntentKind, ReportedBalance};
use super::types::{money, read};
use super::{lock, Balance, Refusal, Wallet, WalletError};
use super::{ChargeRequest, Direction, TransactionRecord};
use crate::money::Money;
use crate::net::api;
use crate::store;

/// Approving and declining carry no body: the charge's id is in the path.
#[derive(Serialize)]
struct NoBody {}

/// What the shopper was shown when approving, for the history entry's counterparty.
#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct ApprovalShown {
    merchant_name: Option<String>,
    amount: Option<api::Amount>,
}

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
        let shown = ApprovalShown { merchant_name: Some(request.merchant_name), amount: Some(request.amount.into()) };
        let path = format!("/v1/charges/{id}/approve");
        let answer = self.submit(IntentKind::ChargeApprove, &path, &NoBody {}, context(&shown)?).await;
        let charge: api::Charge = read(&self.settle_request(id, answer)?)?;
        self.transaction(&captured(&charge)?)
    }

    /// Declines a waiting till charge: no money moves, and the code stays used.
    pub async fn decline_charge(&self, id: &str) -> Result<(), WalletError> {
        self.enrolled()?;
        self.charge_request(id)?;
        let path = format!("/v1/charges/{id}/decline");
        let answer = self.submit(IntentKind::ChargeDecline, &path, &NoBody {}, no_context()).await;
        self.settle_request(id, answer).map(|_| ())
    }

    /// Records a refusal of an answer (a lapsed or already decided charge); an applied answer
    /// is recorded by the outbox's reconcile, also when it is resolved after a crash.
    fn settle_request(&self, id: &str, answer: Result<Value, WalletError>) -> Result<Value, WalletError> {
        let status: &str = match &answer {
            Ok(_) => return answer,
            Err(WalletError::Refused { refusal: Refusal::ChargeExpired, .. }) => "expired",
            Err(WalletError::Refused { refusal: Refusal::ChargeNotPending, .. }) => "decided",
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
        let body = api::NoConfirmLimitRequest { limit: limit.into() };
        let v = self.post_idempotent(&format!("/v1/wallets/{}/no-confirm-limit", w.wallet_id), &body).await?;
        Balance::from_api(&read(&v)?)
    }
}

/// The history transaction of a captured charge.
fn captured(charge: &api::Charge) -> Result<String, WalletError> {
    charge.transaction_id.clone().ok_or_else(|| WalletError::Protocol("approved charge without a transaction".into()))
}

/// Reconciles an approval: the charge enters the history (under the same id as the host's
/// charge event, so the event heard later adds nothing) and is no longer waiting.
pub(super) fn approved(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<ReportedBalance, WalletError> {
    let charge: api::Charge = a.read()?;
    let shown: ApprovalShown = a.context()?;
    let name = shown.merchant_name.unwrap_or_else(|| "a shop".to_owned());
    store::insert_transaction(
        tx,
        &TransactionRecord {
            id: captured(&charge)?,
            kind: "cpm_charge".into(),
            direction: Direction::Out,
            amount: money(&charge.amount)?,
            description: format!("Paid at {name} with your code (approved)"),
            counterparty: Some(name),
            intent_key: a.key(),
            created_at: charge.created_at,
            details: a.details(),
        },
    )?;
    store::set_charge_request_status(tx, &charge.id, "captured")?;
    Ok(None)
}

/// Reconciles a decline: the charge is no longer waiting.
pub(super) fn declined(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<ReportedBalance, WalletError> {
    let charge: api::Charge = a.read()?;
    store::set_charge_request_status(tx, &charge.id, "declined")?;
    Ok(None)
}
