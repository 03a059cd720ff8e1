//! The enrolled wallet: enrolment, identity check, balance and limits, and the profile and
//! balance kept on the device.

use super::*;

/// A wallet's KYC tier: what it may do (remit, higher limits) follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Tier {
    /// Not identity-checked: domestic payments and transfers within low limits.
    Unverified,
    /// Identity-checked: higher limits and remittances.
    Verified,
    /// A tier this library does not know yet (a newer host); treat as unverified.
    Unknown,
}

impl Tier {
    /// The host's spelling read; an unknown one is [`Tier::Unknown`].
    pub(crate) fn from_host(s: &str) -> Tier {
        match s {
            "unverified" => Tier::Unverified,
            "verified" => Tier::Verified,
            _ => Tier::Unknown,
        }
    }
}

/// The enrolled wallet as this device knows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletProfile {
    /// The host's wallet id.
    pub wallet_id: String,
    /// The holder's handle (without `@`).
    pub handle: String,
    /// Name shown to others.
    pub display_name: String,
    /// Home country (JP, TH, …).
    pub country: String,
    /// Home currency.
    pub currency: CurrencyCode,
    /// KYC tier.
    pub tier: Tier,
    /// When this device enrolled.
    pub enrolled_at: SystemTime,
}

impl From<core::WalletProfile> for WalletProfile {
    fn from(w: core::WalletProfile) -> Self {
        WalletProfile {
            wallet_id: w.wallet_id,
            handle: w.handle,
            display_name: w.display_name,
            country: w.country,
            currency: w.currency.into(),
            tier: Tier::from_host(&w.tier),
            enrolled_at: time::at(w.enrolled_at),
        }
    }
}

/// What the host reports about the wallet: balance, tier and limits.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Balance {
    /// Money available to spend.
    pub available: Money,
    /// KYC tier.
    pub tier: Tier,
    /// Largest single transfer.
    pub per_transfer_limit: Money,
    /// Monthly cap on outgoing transfers.
    pub monthly_limit: Money,
    /// Used of the monthly cap.
    pub used_this_month: Money,
    /// Whether remittances abroad are allowed.
    pub can_remit: bool,
    /// Till charges of this wallet's codes above this wait for approval on the phone.
    pub no_confirm_limit: Money,
}

impl From<core::Balance> for Balance {
    fn from(b: core::Balance) -> Self {
        Balance {
            available: b.available.into(),
            tier: Tier::from_host(&b.tier),
            per_transfer_limit: b.per_transfer_limit.into(),
            monthly_limit: b.monthly_limit.into(),
            used_this_month: b.used_this_month.into(),
            can_remit: b.can_remit,
            no_confirm_limit: b.no_confirm_limit.into(),
        }
    }
}

/// The last balance the host reported, for showing offline.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CachedBalance {
    /// The balance.
    pub available: Money,
    /// Host time of that balance.
    pub as_of: SystemTime,
}

/// Enrolment details.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Enrolment {
    /// Home country (JP, TH, …).
    pub country: String,
    /// Handle to claim.
    pub handle: String,
    /// Name shown to others.
    pub display_name: String,
}

/// Identity details for KYC. Prints redacted in Kotlin and Swift too (exported `Debug`/`Display`).
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Debug, Display)]
pub struct Identity {
    /// Legal name.
    pub legal_name: String,
    /// Date of birth, YYYY-MM-DD.
    pub date_of_birth: String,
    /// Identity document number.
    pub document_number: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity(<redacted>)")
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Enrols this device: creates its key (kept sealed on the device) and a wallet at the host.
    pub async fn enrol(&self, enrolment: Enrolment) -> Result<WalletProfile, WalletError> {
        let e = core::Enrolment {
            country: enrolment.country,
            handle: enrolment.handle,
            display_name: enrolment.display_name,
        };
        self.done("enrol", self.off(move |core| async move { core.enrol(&e).await }).await).map(Into::into)
    }

    /// Verifies the holder's identity (raises limits, allows remittances); returns the new limits.
    pub async fn verify_identity(&self, identity: Identity) -> Result<Balance, WalletError> {
        let id = core::Identity {
            legal_name: identity.legal_name,
            date_of_birth: identity.date_of_birth,
            document_number: identity.document_number,
        };
        self.done("verify_identity", self.off(move |core| async move { core.verify_identity(&id).await }).await)
            .map(Into::into)
    }

    /// The host's balance, tier and limits (also cached for [`Wallet::cached_balance`]).
    pub async fn balance(&self) -> Result<Balance, WalletError> {
        self.done("balance", self.off(move |core| async move { core.balance().await }).await).map(Into::into)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// The enrolled wallet, or `None` before [`Wallet::enrol`] (local).
    pub async fn profile(&self) -> Result<Option<WalletProfile>, WalletError> {
        Ok(self.off(move |core| async move { core.profile() }).await?.map(Into::into))
    }

    /// The last balance the host reported, and when (local, for offline screens).
    pub async fn cached_balance(&self) -> Result<Option<CachedBalance>, WalletError> {
        let cached = self.off(move |core| async move { core.cached_balance() }).await?;
        Ok(cached.map(|(m, as_of)| CachedBalance { available: m.into(), as_of: time::at(as_of) }))
    }
}
