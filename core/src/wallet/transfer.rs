//! Money to people: P2P at home (by handle or receive code), and remittances abroad after
//! a quote; the people sent to are remembered.

use rusqlite::Transaction;
use serde::Serialize;

use super::outbox::{context, no_context, Answer, IntentKind, ReportedBalance};
use super::types::{money, read};
use super::{lock, positive, FxQuote, QuoteAmount, RemitDestination, RemitRecipient, SendTo, Wallet, WalletError};
use super::{Direction, Recipient, TransactionRecord};
use crate::money::Money;
use crate::net::api;
use crate::store;

/// What the sender was shown, kept with the remittance's intent and in its history entry.
#[derive(Serialize)]
struct RemittanceShown {
    shown_total: api::Amount,
    shown_receive: api::Amount,
    rate: String,
}

impl Wallet {
    /// Sends money to another wallet at home.
    pub async fn send(
        &self,
        to: &SendTo,
        amount: Money,
        message: Option<&str>,
    ) -> Result<TransactionRecord, WalletError> {
        self.enrolled()?;
        positive(amount)?;
        let to = match to {
            SendTo::Handle(h) => {
                api::RecipientRef { handle: Some(h.trim_start_matches('@').to_owned()), receive_code: None }
            }
            SendTo::ReceiveCode(c) => api::RecipientRef { handle: None, receive_code: Some(c.trim().to_owned()) },
        };
        let body = api::TransferRequest { to, amount: amount.into(), message: message.map(str::to_owned) };
        let v = self.submit(IntentKind::P2p, "/v1/transfers", &body, no_context()).await?;
        self.transaction(&read::<api::Transfer>(&v)?.id)
    }

    /// Quotes a remittance to `destination_country`: rate, fee, total and arrival estimate.
    pub async fn quote_remittance(
        &self,
        destination_country: &str,
        amount: QuoteAmount,
    ) -> Result<FxQuote, WalletError> {
        self.enrolled()?;
        let (send, receive) = match amount {
            QuoteAmount::Send(m) => (Some(m.into()), None),
            QuoteAmount::Receive(m) => (None, Some(m.into())),
        };
        let body = api::QuoteRequest {
            purpose: "remittance".into(),
            send,
            receive,
            destination_country: Some(destination_country.to_owned()),
        };
        self.fx_quote(&body).await
    }

    /// Sends a quoted remittance.
    pub async fn remit(
        &self,
        quote: &FxQuote,
        recipient: &RemitRecipient,
        purpose: &str,
        message: Option<&str>,
    ) -> Result<TransactionRecord, WalletError> {
        self.enrolled()?;
        let (handle, payout) = match &recipient.destination {
            RemitDestination::Handle(h) => (Some(h.trim_start_matches('@').to_owned()), None),
            RemitDestination::Payout { method, provider, account } => (
                None,
                Some(api::Payout { method: method.clone(), provider: provider.clone(), account: account.clone() }),
            ),
        };
        let body = api::RemittanceRequest {
            quote_id: quote.id.clone(),
            recipient: api::RemittanceRecipientRequest {
                name: recipient.name.clone(),
                handle,
                payout,
                relationship: recipient.relationship.clone(),
            },
            purpose: purpose.to_owned(),
            message: message.map(str::to_owned),
        };
        let shown = RemittanceShown {
            shown_total: quote.total.into(),
            shown_receive: quote.receive.into(),
            rate: quote.rate.clone(),
        };
        let v = self.submit(IntentKind::Remittance, "/v1/remittances", &body, context(&shown)?).await?;
        self.transaction(&read::<api::Remittance>(&v)?.id)
    }

    /// People this wallet has sent to, most recent first (local).
    pub fn recipients(&self) -> Result<Vec<Recipient>, WalletError> {
        Ok(store::recipients(lock(&self.store).conn())?)
    }
}

/// Reconciles a P2P transfer: the recipient is remembered and the transfer enters history.
pub(super) fn sent(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<ReportedBalance, WalletError> {
    let t: api::Transfer = a.read()?;
    let handle = t.to.handle;
    store::put_recipient(
        tx,
        &Recipient {
            handle: handle.clone(),
            display_name: t.to.display_name,
            country: t.to.country,
            last_used_at: t.created_at,
        },
    )?;
    store::insert_transaction(
        tx,
        &TransactionRecord {
            id: t.id,
            kind: "p2p".into(),
            direction: Direction::Out,
            amount: money(&t.amount)?,
            counterparty: Some(format!("@{handle}")),
            description: format!("Sent to @{handle}"),
            intent_key: a.key(),
            created_at: t.created_at,
            details: a.details(),
        },
    )?;
    Ok(Some((money(&t.balance)?, t.created_at)))
}

/// Reconciles a remittance into the history: the total that left, and what arrives.
pub(super) fn remitted(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<ReportedBalance, WalletError> {
    let r: api::Remittance = a.read()?;
    let name = r.recipient.name;
    store::insert_transaction(
        tx,
        &TransactionRecord {
            id: r.id,
            kind: "remittance".into(),
            direction: Direction::Out,
            amount: money(&r.total)?,
            // "…: ₱11,434.50 arrives" read as a sentence cut off; say who receives what.
            description: format!("Remittance to {name}, who receives {}", money(&r.receive)?.format()),
            counterparty: Some(name),
            intent_key: a.key(),
            created_at: r.created_at,
            details: a.details(),
        },
    )?;
    Ok(Some((money(&r.balance)?, r.created_at)))
}
