//! Money to people: P2P at home (by handle or receive code), and remittances abroad after
//! a quote; the people sent to are remembered.

use rusqlite::Transaction;
use serde_json::json;

use super::outbox::{Answer, IntentKind};
use super::types::{money, money_json, text};
use super::{lock, positive, FxQuote, QuoteAmount, RemitDestination, RemitRecipient, SendTo, Wallet, WalletError};
use super::{Direction, Recipient, TransactionRecord};
use crate::money::Money;
use crate::store;

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
            SendTo::Handle(h) => json!({ "handle": h.trim_start_matches('@') }),
            SendTo::ReceiveCode(c) => json!({ "receive_code": c.trim() }),
        };
        let mut body = json!({ "to": to, "amount": money_json(amount) });
        if let Some(m) = message {
            body["message"] = json!(m);
        }
        let v = self.submit(IntentKind::P2p, "/v1/transfers", &body, json!({})).await?;
        self.transaction(&text(&v, "id")?)
    }

    /// Quotes a remittance to `destination_country`: rate, fee, total and arrival estimate.
    pub async fn quote_remittance(
        &self,
        destination_country: &str,
        amount: QuoteAmount,
    ) -> Result<FxQuote, WalletError> {
        self.enrolled()?;
        let mut body = json!({ "purpose": "remittance", "destination_country": destination_country });
        match amount {
            QuoteAmount::Send(m) => body["send"] = money_json(m),
            QuoteAmount::Receive(m) => body["receive"] = money_json(m),
        }
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
        let mut r = json!({ "name": recipient.name });
        match &recipient.destination {
            RemitDestination::Handle(h) => r["handle"] = json!(h.trim_start_matches('@')),
            RemitDestination::Payout { method, provider, account } => {
                r["payout"] = json!({ "method": method, "provider": provider, "account": account })
            }
        }
        if let Some(rel) = &recipient.relationship {
            r["relationship"] = json!(rel);
        }
        let mut body = json!({ "quote_id": quote.id, "recipient": r, "purpose": purpose });
        if let Some(m) = message {
            body["message"] = json!(m);
        }
        let context = json!({ "shown_total": money_json(quote.total), "shown_receive": money_json(quote.receive), "rate": quote.rate });
        let v = self.submit(IntentKind::Remittance, "/v1/remittances", &body, context).await?;
        self.transaction(&text(&v, "id")?)
    }

    /// People this wallet has sent to, most recent first (local).
    pub fn recipients(&self) -> Result<Vec<Recipient>, WalletError> {
        Ok(store::recipients(lock(&self.store).conn())?)
    }
}

/// Reconciles a P2P transfer: the recipient is remembered and the transfer enters history.
pub(super) fn sent(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<(), WalletError> {
    let to = &a.v["to"];
    let handle = text(to, "handle")?;
    store::put_recipient(
        tx,
        &Recipient {
            handle: handle.clone(),
            display_name: text(to, "display_name")?,
            country: text(to, "country")?,
            last_used_at: a.created_at,
        },
    )?;
    store::insert_transaction(
        tx,
        &a.record(
            "p2p",
            Direction::Out,
            money(&a.v["amount"])?,
            Some(format!("@{handle}")),
            format!("Sent to @{handle}"),
        ),
    )?;
    Ok(())
}

/// Reconciles a remittance into the history: the total that left, and what arrives.
pub(super) fn remitted(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<(), WalletError> {
    let v = a.v;
    let name = v["recipient"]["name"].as_str().unwrap_or("recipient").to_owned();
    let description = format!("Remittance to {name}: {} arrives", money(&v["receive"])?.format());
    store::insert_transaction(
        tx,
        &a.record("remittance", Direction::Out, money(&v["total"])?, Some(name), description),
    )?;
    Ok(())
}
