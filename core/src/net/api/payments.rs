//! Merchants and dynamic codes, FX quotes, merchant payments, transfers and remittances.

use super::*;

// ---------- merchants and dynamic codes ----------

/// A demo merchant and its static code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Merchant {
    /// Merchant id.
    pub id: String,
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
    /// Country.
    pub country: String,
    /// Currency it takes.
    pub currency: String,
    /// Scheme id of its code, e.g. `jpqr`, `promptpay`.
    pub scheme: String,
    /// Its static (reusable) code.
    pub static_payload: String,
}

/// `GET /v1/merchants`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Merchants {
    /// Every demo merchant, by id.
    pub merchants: Vec<Merchant>,
}

/// A tip or convenience-fee rule for a dynamic code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TipRule {
    /// The payer is asked for a tip.
    Prompt,
    /// A fixed convenience fee.
    Fixed {
        /// The fee, in the merchant's currency.
        fee: Amount,
    },
    /// A percentage convenience fee, rounded down to the minor unit.
    Percentage {
        /// Hundredths of a percent, 1-9999.
        hundredths: u32,
    },
}

/// `POST /v1/merchants/{merchant_id}/dynamic-codes` (a terminal): a one-payment code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DynamicCodeRequest {
    /// The amount, in the merchant's currency.
    pub amount: Amount,
    /// Reference label (62/05); generated when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Bill number (62/01); `***` asks the payer to type it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bill_number: Option<String>,
    /// Tip or convenience-fee rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tip: Option<TipRule>,
}

/// A dynamic code made for a terminal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DynamicCode {
    /// Code id.
    pub id: String,
    /// Its merchant.
    pub merchant_id: String,
    /// The EMV payload to show.
    pub payload: String,
    /// The amount it asks for.
    pub amount: Amount,
    /// Its reference label.
    pub reference: String,
}

// ---------- FX quotes ----------

/// `POST /v1/quotes`: an FX quote. Give exactly one of `send` and `receive`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteRequest {
    /// `merchant_payment` (receive amount only) or `remittance`.
    pub purpose: String,
    /// What leaves the wallet, in its currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send: Option<Amount>,
    /// What arrives, in the foreign currency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receive: Option<Amount>,
    /// For remittances: the destination country (its currency is the receive currency).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_country: Option<String>,
}

/// An FX quote, executable once before `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quote {
    /// Quote id.
    pub id: String,
    /// `merchant_payment` or `remittance`.
    #[cfg_attr(feature = "openapi", schema(schema_with = doc::quote_purpose))]
    pub purpose: String,
    /// What leaves the wallet before the fee.
    pub send: Amount,
    /// What arrives.
    pub receive: Amount,
    /// The fee, in the wallet's currency.
    pub fee: Amount,
    /// `send` plus `fee`.
    pub total: Amount,
    /// Mid-market rate, a decimal with ten fractional digits.
    pub mid_rate: String,
    /// Customer rate: mid less the margin, rounded down.
    pub rate: String,
    /// `rate` times `rate_scale`.
    pub rate_scaled: i64,
    /// 10^10.
    pub rate_scale: i64,
    /// Margin below the mid rate, basis points.
    pub margin_bps: i64,
    /// Remittances: where the money goes.
    pub destination_country: Option<String>,
    /// Remittances: how long delivery takes, seconds.
    pub delivery_estimate_secs: Option<i64>,
    /// Host time.
    pub created_at: i64,
    /// Host time after which it cannot be executed.
    pub expires_at: i64,
    /// The transaction that executed it; null while unused.
    pub used_by: Option<String>,
    /// The rule `fee` was computed by, in the wallet's currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_rule: Option<FeeRule>,
}

/// A fee rule: a percentage of what is sent, at least `min`, at most `max`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeRule {
    /// Percentage of the send amount, basis points (rounded up to the minor unit).
    pub percent_bps: i64,
    /// The least fee.
    pub min: Amount,
    /// The most fee.
    pub max: Amount,
}

impl FeeRule {
    /// The fee on sending `send_minor`, in the rule's currency: the percentage rounded up to
    /// the minor unit, then held between `min` and `max` (the host's own formula). `None` on
    /// overflow.
    pub fn fee_on(&self, send_minor: i64) -> Option<i64> {
        const BPS: i128 = 10_000;
        let pct = (i128::from(send_minor.max(0)) * i128::from(self.percent_bps) + BPS - 1) / BPS;
        Some(i64::try_from(pct).ok()?.clamp(self.min.minor, self.max.minor.max(self.min.minor)))
    }
}

/// `GET /v1/pricing`: what the host charges a wallet of one home country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceList {
    /// The wallet currency fees are shown in.
    pub currency: String,
    /// Paying a merchant abroad.
    pub merchant_payment: MerchantPaymentPrice,
    /// Withdrawing to a linked bank.
    pub withdrawal: WithdrawalPrice,
    /// Remittance corridors from the home country.
    pub corridors: Vec<CorridorPrice>,
}

/// The price of withdrawing to a linked bank, and the most one withdrawal may take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawalPrice {
    /// The fee rule.
    pub fee: FeeRule,
    /// The most one withdrawal may take out.
    pub max: Amount,
}

/// The price of paying a merchant abroad.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MerchantPaymentPrice {
    /// The fee rule.
    pub fee: FeeRule,
    /// FX margin below the mid rate, basis points.
    pub margin_bps: i64,
}

/// The price of one remittance corridor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorridorPrice {
    /// Sending wallet's country.
    pub from_country: String,
    /// Destination country.
    pub to_country: String,
    /// Payout currency.
    pub currency: String,
    /// The fee rule.
    pub fee: FeeRule,
    /// FX margin below the mid rate, basis points.
    pub margin_bps: i64,
    /// Typical delivery time, seconds.
    pub delivery_estimate_secs: i64,
}

// ---------- payments ----------

/// `POST /v1/payments`: pays a scanned merchant code. Static codes need `amount`; dynamic
/// codes carry it (a differing amount is refused). A tip is accepted only when the code
/// prompts for one. Cross-border payments need a quote whose receive amount is the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRequest {
    /// The scanned code, exactly.
    pub payload: String,
    /// Scheme id the client chose among the detected routes.
    pub route: String,
    /// What the payer entered (static codes) or the code's amount.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Amount>,
    /// The payer's tip, when the code prompts for one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tip: Option<Amount>,
    /// The FX quote of a foreign payment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quote_id: Option<String>,
    /// Values the payer typed for references the code leaves open (`***`), by kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub references: Option<BTreeMap<String, String>>,
}

/// A completed merchant payment (also the data of a `payment_completed` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    /// Transaction id.
    pub id: String,
    /// `payment`.
    pub kind: String,
    /// `completed`.
    pub status: String,
    /// Who was paid.
    pub merchant: MerchantRef,
    /// The scheme paid through.
    pub route: String,
    /// The price, merchant's currency.
    pub amount: Amount,
    /// Tip or convenience fee, merchant's currency.
    pub tip: Amount,
    /// `amount` plus `tip`: what the merchant got.
    pub total: Amount,
    /// What left the wallet, its currency.
    pub debited: Amount,
    /// FX fee, wallet's currency (zero at home).
    pub fee: Amount,
    /// The FX quote executed, if any.
    pub quote_id: Option<String>,
    /// Wallet balance after it.
    pub balance: Amount,
    /// Host time.
    pub created_at: i64,
}

// ---------- transfers and remittances ----------

/// Who receives a domestic transfer: exactly one of the two.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientRef {
    /// A handle, with or without `@`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// Or the recipient's receive code, as scanned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receive_code: Option<String>,
}

/// `POST /v1/transfers`: sends money to another wallet in the same currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferRequest {
    /// The recipient.
    pub to: RecipientRef,
    /// How much, in the wallet's currency.
    pub amount: Amount,
    /// Up to 140 characters for the recipient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A completed domestic transfer (also the data of a `transfer_sent` event).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Transfer {
    /// Transaction id.
    pub id: String,
    /// `p2p`.
    pub kind: String,
    /// `completed`.
    pub status: String,
    /// The sender.
    pub from: Party,
    /// The recipient.
    pub to: Party,
    /// Amount moved.
    pub amount: Amount,
    /// The message (empty when none).
    pub message: String,
    /// Sender's balance after it.
    pub balance: Amount,
    /// Host time.
    pub created_at: i64,
    /// The money request this transfer paid, if it paid one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub money_request_id: Option<String>,
}

/// An account a partner network pays a remittance out to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payout {
    /// `bank_account`, `mobile_wallet` or `cash_pickup`.
    pub method: String,
    /// Bank or wallet provider, e.g. `GCash`.
    pub provider: String,
    /// Account number: 4-34 letters and digits in a request, masked (`****1234`) in answers.
    pub account: String,
}

/// Who receives a remittance: a name, and exactly one of `handle` and `payout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemittanceRecipientRequest {
    /// The recipient's name.
    pub name: String,
    /// A wallet in the destination country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// Or an account a partner network pays out to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout: Option<Payout>,
    /// How the sender knows the recipient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
}

/// `POST /v1/remittances`: sends money abroad at a quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemittanceRequest {
    /// A `remittance` quote of this wallet, unused and unexpired.
    pub quote_id: String,
    /// The recipient.
    pub recipient: RemittanceRecipientRequest,
    /// `family_support`, `education`, `medical`, `savings`, `gift` or `business`.
    pub purpose: String,
    /// A message for the recipient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The sender of a remittance as the answer and the recipient's event name them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sender {
    /// Handle, without `@`.
    pub handle: String,
    /// Legal name (remitters are verified).
    pub name: Option<String>,
    /// Country.
    pub country: String,
}

/// The recipient of a remittance as the answer names it (a payout account masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemittanceRecipient {
    /// The recipient's name.
    pub name: String,
    /// The wallet credited, when paid to a wallet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// The partner payout, when paid out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payout: Option<Payout>,
    /// How the sender knows the recipient.
    pub relationship: Option<String>,
}

/// A remittance sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Remittance {
    /// Transaction id.
    pub id: String,
    /// `remittance`.
    pub kind: String,
    /// `credited` (a wallet) or `paid_out_to_partner`.
    #[cfg_attr(feature = "openapi", schema(schema_with = doc::remittance_status))]
    pub status: String,
    /// The sender.
    pub sender: Sender,
    /// The recipient.
    pub recipient: RemittanceRecipient,
    /// Purpose given.
    pub purpose: String,
    /// Destination country.
    pub destination_country: String,
    /// From the quote: what left the wallet before the fee.
    pub send: Amount,
    /// From the quote: what arrives.
    pub receive: Amount,
    /// From the quote: the fee.
    pub fee: Amount,
    /// From the quote: `send` plus `fee`.
    pub total: Amount,
    /// From the quote: the customer rate.
    pub rate: String,
    /// The quote executed.
    pub quote_id: String,
    /// Host time by which it should arrive.
    pub estimated_delivery_at: i64,
    /// Sender's balance after it.
    pub balance: Amount,
    /// Host time.
    pub created_at: i64,
}
