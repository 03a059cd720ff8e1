//! Remittances abroad: a quote with rate and fee shown first, then the transfer to a wallet or
//! a partner payout.

use super::*;

/// What an FX quote is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum QuotePurpose {
    /// Paying a merchant abroad.
    MerchantPayment,
    /// Sending money abroad.
    Remittance,
}

/// Why money is sent abroad, as regulators ask senders to declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum RemittancePurpose {
    /// Supporting family.
    FamilySupport,
    /// School or university fees.
    Education,
    /// Medical costs.
    Medical,
    /// Savings.
    Savings,
    /// A gift.
    Gift,
    /// Business.
    Business,
}

impl RemittancePurpose {
    /// The host's spelling.
    pub(crate) fn host_name(self) -> &'static str {
        match self {
            RemittancePurpose::FamilySupport => "family_support",
            RemittancePurpose::Education => "education",
            RemittancePurpose::Medical => "medical",
            RemittancePurpose::Savings => "savings",
            RemittancePurpose::Gift => "gift",
            RemittancePurpose::Business => "business",
        }
    }
}

/// An FX quote: what leaves the wallet (home currency) and what arrives, at which rate, until when.
///
/// An object, not a record: the app reads it and hands it back to [`Wallet::remit`] (or, inside a
/// [`PaymentQuote`], to [`Wallet::confirm_payment`]) but cannot alter what the payer was shown.
#[derive(Debug, PartialEq, Eq, uniffi::Object)]
#[uniffi::export(Debug, Eq)]
pub struct FxQuote(pub(crate) core::FxQuote);

#[uniffi::export]
impl FxQuote {
    /// Quote id.
    pub fn id(&self) -> String {
        self.0.id.clone()
    }

    /// What the quote is for.
    pub fn purpose(&self) -> QuotePurpose {
        if self.0.purpose == "remittance" {
            QuotePurpose::Remittance
        } else {
            QuotePurpose::MerchantPayment
        }
    }

    /// Converted amount, home currency.
    pub fn send(&self) -> Money {
        self.0.send.into()
    }

    /// Amount delivered, foreign currency.
    pub fn receive(&self) -> Money {
        self.0.receive.into()
    }

    /// Fee, home currency.
    pub fn fee(&self) -> Money {
        self.0.fee.into()
    }

    /// Debited from the wallet: send plus fee.
    pub fn total(&self) -> Money {
        self.0.total.into()
    }

    /// Customer rate, foreign units per home unit, as a decimal string.
    pub fn rate(&self) -> String {
        self.0.rate.clone()
    }

    /// Mid-market rate, for showing the margin.
    pub fn mid_rate(&self) -> String {
        self.0.mid_rate.clone()
    }

    /// Margin over mid-market, basis points.
    pub fn margin_bps(&self) -> i64 {
        self.0.margin_bps
    }

    /// Destination country of a remittance.
    pub fn destination_country(&self) -> Option<String> {
        self.0.destination_country.clone()
    }

    /// Delivery estimate of a remittance, seconds.
    pub fn delivery_estimate_secs(&self) -> Option<i64> {
        self.0.delivery_estimate_secs
    }

    /// Host time after which the quote cannot be used.
    pub fn expires_at(&self) -> SystemTime {
        time::at(self.0.expires_at)
    }
}

/// Which side of a remittance quote is fixed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum QuoteAmount {
    /// The amount to send, home currency.
    Send { amount: Money },
    /// The amount to arrive, destination currency.
    Receive { amount: Money },
}

/// How a remittance is paid out. Prints without the account in Kotlin and Swift too.
#[derive(Clone, PartialEq, Eq, uniffi::Enum)]
#[uniffi::export(Debug, Display)]
pub enum RemitDestination {
    /// A Koban wallet in the destination country.
    Handle { handle: String },
    /// An account at a partner: method `bank_account`, `mobile_wallet` or `cash_pickup`.
    Payout { method: String, provider: String, account: String },
}

impl std::fmt::Debug for RemitDestination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        core::RemitDestination::from(self).fmt(f)
    }
}

impl From<&RemitDestination> for core::RemitDestination {
    fn from(d: &RemitDestination) -> Self {
        match d {
            RemitDestination::Handle { handle } => core::RemitDestination::Handle(handle.clone()),
            RemitDestination::Payout { method, provider, account } => core::RemitDestination::Payout {
                method: method.clone(),
                provider: provider.clone(),
                account: account.clone(),
            },
        }
    }
}

/// Who receives a remittance. Prints without name or account in Kotlin and Swift too.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct RemitRecipient {
    /// Full name.
    pub name: String,
    /// Where the money goes.
    pub destination: RemitDestination,
    /// Relationship to the sender, if asked.
    #[uniffi(default = None)]
    pub relationship: Option<String>,
}

impl std::fmt::Debug for RemitRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemitRecipient")
            .field("name", &"<redacted>")
            .field("destination", &self.destination)
            .finish_non_exhaustive()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Quotes a remittance to `destination_country`: rate, fee, total and arrival estimate.
    pub async fn quote_remittance(
        &self,
        destination_country: String,
        amount: QuoteAmount,
    ) -> Result<Arc<FxQuote>, WalletError> {
        let amount = match &amount {
            QuoteAmount::Send { amount } => core::QuoteAmount::Send(CoreMoney::from(amount)),
            QuoteAmount::Receive { amount } => core::QuoteAmount::Receive(CoreMoney::from(amount)),
        };
        self.done(
            "quote_remittance",
            self.off(move |core| async move { core.quote_remittance(&destination_country, amount).await }).await,
        )
        .map(|q| Arc::new(FxQuote(q)))
    }

    /// Sends a remittance quoted by [`Wallet::quote_remittance`], exactly once.
    #[uniffi::method(default(message = None))]
    pub async fn remit(
        &self,
        quote: Arc<FxQuote>,
        recipient: RemitRecipient,
        purpose: RemittancePurpose,
        message: Option<String>,
    ) -> Result<WalletTransaction, WalletError> {
        let r = core::RemitRecipient {
            name: recipient.name,
            destination: (&recipient.destination).into(),
            relationship: recipient.relationship,
        };
        self.done(
            "remit",
            self.off(
                move |core| async move { core.remit(&quote.0, &r, purpose.host_name(), message.as_deref()).await },
            )
            .await,
        )
        .map(Into::into)
    }
}
