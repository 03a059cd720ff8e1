//! Money to people: P2P at home (by handle or receive code), and remittances abroad after
//! a quote; the people sent to are remembered. Before any send, [`Wallet::preview_send`]
//! shows the recipient as the host knows them, and for a friend whose wallet holds another
//! currency, the remittance quote the send becomes.

use rusqlite::Transaction;
use serde::Serialize;

use super::outbox::{context, no_context, Answer, IntentKind, ReportedBalance};
use super::requests::clean_handle;
use super::types::{money, read};
use super::{lock, positive, FxQuote, QuoteAmount, RemitDestination, RemitRecipient, SendTo, Wallet, WalletError};
use super::{Direction, Recipient, TransactionRecord};
use crate::emv::{Account, CrcCheck, MerchantCode, MpmView};
use crate::money::{Currency, Money};
use crate::net::api;
use crate::scheme::registry::KOBAN_P2P_GUID;
use crate::store;

/// A send as it will happen, shown before it does: the recipient as the host knows them and,
/// for a wallet in another currency, the remittance quote (rate, fee, arrival) it becomes.
/// Built only by [`Wallet::preview_send`]; [`Wallet::confirm_send`] sends exactly this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendPreview {
    /// Whom, as the payer gave it (a handle or the scanned code).
    pub to: SendTo,
    /// The recipient's handle, without `@`.
    pub handle: String,
    /// The recipient's display name.
    pub display_name: String,
    /// The recipient's home country.
    pub country: String,
    /// The currency the recipient's wallet holds.
    pub currency: Currency,
    /// The amount given: in the sender's currency, or for a remittance possibly in the
    /// recipient's (what is to arrive); the code's own when it names one.
    pub amount: Money,
    /// Whether a receive code fixed the amount (the payer could not choose it).
    pub amount_fixed: bool,
    /// What a receive code says the money is for.
    pub note: Option<String>,
    /// For a recipient in another currency: the quote the send goes through as a remittance.
    pub remittance: Option<FxQuote>,
}

impl SendPreview {
    /// What leaves the wallet: the amount at home, the quote's total (fee included) abroad.
    pub fn debit(&self) -> Money {
        self.remittance.as_ref().map_or(self.amount, |q| q.total)
    }
}

/// What a Koban receive code says: whose it is, and what it asks for.
struct ReceiveCodeParts {
    handle: String,
    amount: Option<Money>,
    note: Option<String>,
}

/// Reads a scanned receive code; refuses a damaged one and any other kind of code.
fn read_receive_code(code: &str) -> Result<ReceiveCodeParts, WalletError> {
    let not_receive = || WalletError::NotPayable("not a Koban receive code".into());
    let view = MpmView::parse(code.trim()).map_err(|_| not_receive())?;
    if view.crc() != &CrcCheck::Valid {
        return Err(WalletError::NotPayable("the receive code's checksum does not match".into()));
    }
    let c = MerchantCode::from_view(&view).ok_or_else(not_receive)?;
    let handle = c
        .accounts
        .iter()
        .find_map(|a| match a {
            Account::Template(t) if t.fields.first().is_some_and(|f| f.tag == 0 && f.value == KOBAN_P2P_GUID) => {
                t.fields.iter().find(|f| f.tag == 1).map(|f| f.value.clone())
            }
            _ => None,
        })
        .ok_or_else(not_receive)?;
    let note = c.additional_data.iter().find(|f| f.tag == 8).map(|f| f.value.clone());
    Ok(ReceiveCodeParts { handle, amount: c.amount, note })
}

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

    /// Shows a send before it happens: who the recipient is (name, country) as the host knows
    /// them and, for a wallet in another currency, the remittance quote it becomes (`amount` in
    /// the sender's currency is sent, in the recipient's it is what arrives). A receive code
    /// that names its amount is paid exactly that: another `amount` is refused. Nothing moves.
    pub async fn preview_send(&self, to: &SendTo, amount: Money) -> Result<SendPreview, WalletError> {
        let me = self.enrolled()?;
        positive(amount)?;
        let (handle, code) = match to {
            SendTo::Handle(h) => (clean_handle(h)?, None),
            SendTo::ReceiveCode(c) => {
                let parts = read_receive_code(c)?;
                (clean_handle(&parts.handle)?, Some(parts))
            }
        };
        let (fixed, note) = code.map_or((None, None), |c| (c.amount, c.note));
        if let Some(f) = fixed.filter(|f| *f != amount) {
            return Err(WalletError::InvalidInput(format!("the receive code asks for exactly {}", f.format())));
        }
        let who: api::RecipientInfo = self.get(&format!("/v1/recipients/{handle}")).await?;
        let currency = Currency::from_alpha(&who.currency)
            .ok_or_else(|| WalletError::Protocol(format!("unknown currency {}", who.currency)))?;
        if who.handle == me.handle {
            return Err(WalletError::InvalidInput("that is this wallet: send to someone else".into()));
        }
        let remittance = if currency == me.currency {
            if amount.currency() != me.currency {
                return Err(WalletError::InvalidInput(format!("@{} takes {}", who.handle, me.currency.alpha())));
            }
            None
        } else {
            let side = if amount.currency() == me.currency {
                QuoteAmount::Send(amount)
            } else if amount.currency() == currency {
                QuoteAmount::Receive(amount)
            } else {
                return Err(WalletError::InvalidInput(format!(
                    "give the amount in {} (sent) or {} (to arrive)",
                    me.currency.alpha(),
                    currency.alpha()
                )));
            };
            Some(self.quote_remittance(&who.country, side).await?)
        };
        Ok(SendPreview {
            to: to.clone(),
            handle: who.handle,
            display_name: who.display_name,
            country: who.country,
            currency,
            amount,
            amount_fixed: fixed.is_some(),
            note,
            remittance,
        })
    }

    /// Sends what [`Wallet::preview_send`] showed, exactly once: a transfer at home, or the
    /// remittance of its quote to the friend's wallet abroad (`purpose` as a remittance needs
    /// one, `gift` when none is given).
    pub async fn confirm_send(
        &self,
        preview: &SendPreview,
        message: Option<&str>,
        purpose: Option<&str>,
    ) -> Result<TransactionRecord, WalletError> {
        match &preview.remittance {
            None => self.send(&preview.to, preview.amount, message).await,
            Some(q) => {
                let recipient = RemitRecipient {
                    name: preview.display_name.clone(),
                    destination: RemitDestination::Handle(preview.handle.clone()),
                    relationship: Some("friend".into()),
                };
                self.remit(q, &recipient, purpose.unwrap_or("gift"), message).await
            }
        }
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
    let description = match &t.money_request_id {
        Some(_) => format!("Paid @{handle}'s request"),
        None => format!("Sent to @{handle}"),
    };
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
            description,
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
