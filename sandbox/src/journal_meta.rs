//! What each kind of journal records beside its legs: typed here, stored as JSON in
//! `journals.meta`, and shown to clients as a transaction's free-form `details`.

use std::collections::BTreeMap;

use koban_core::net::api;
use serde::Serialize;

use crate::error::ApiError;

/// A journal's meta as the ledger stores it.
pub fn to_value(meta: &impl Serialize) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(meta).map_err(|e| ApiError::Internal(format!("journal meta: {e}")))
}

/// A till charge captured.
#[derive(Serialize)]
pub struct ChargeMeta<'a> {
    /// Who was paid.
    pub merchant: api::MerchantRef,
    /// The charge.
    pub charge_id: &'a str,
    /// The code's counter.
    pub counter: i64,
    /// A sentence for people.
    pub description: String,
}

/// A merchant payment.
#[derive(Serialize)]
pub struct PaymentMeta<'a> {
    /// Who was paid.
    pub merchant: api::MerchantRef,
    /// The scheme paid through.
    pub route: &'a str,
    /// The price before tip or fee.
    pub amount: api::Amount,
    /// Tip or convenience fee.
    pub tip: api::Amount,
    /// What the merchant receives.
    pub total: api::Amount,
    /// References, as the code gave or the payer typed them.
    pub references: &'a BTreeMap<String, String>,
    /// A sentence for people.
    pub description: String,
    /// The FX quote of a payment abroad.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote: Option<&'a api::Quote>,
}

/// A transfer between two wallets at home.
#[derive(Serialize)]
pub struct TransferMeta<'a> {
    /// The sender.
    pub from: api::Party,
    /// The recipient.
    pub to: api::Party,
    /// The sender's message (empty when none).
    pub message: &'a str,
    /// A sentence for people.
    pub description: String,
}

/// A remittance abroad.
#[derive(Serialize)]
pub struct RemittanceMeta<'a> {
    /// The sender as the regulator asks for them.
    pub from: &'a api::Sender,
    /// The recipient.
    pub recipient: &'a api::RemittanceRecipient,
    /// The declared purpose.
    pub purpose: &'a str,
    /// The sender's message.
    pub message: Option<&'a str>,
    /// ISO 3166-1 alpha-2.
    pub destination_country: &'a str,
    /// The quote executed.
    pub quote: &'a api::Quote,
    /// credited | paid_out_to_partner.
    pub status: &'a str,
    /// A sentence for people.
    pub description: String,
}

/// Money moving between a bank account and a wallet (top-up), or a sandbox account opening.
#[derive(Serialize)]
pub struct BankMeta<'a> {
    /// The bank link.
    pub bank_link_id: &'a str,
    /// The bank's name, for a top-up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_name: Option<&'a str>,
    /// A sentence for people.
    pub description: String,
}
