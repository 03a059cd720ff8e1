//! Consumer-presented codes shown at tills, their keys, and till charges waiting for the
//! shopper's approval.

use super::*;

/// Where a till charge waiting for the shopper stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ChargeRequestStatus {
    /// Waiting for the shopper's answer.
    Pending,
    /// The shopper approved it; it was captured.
    Approved,
    /// The shopper declined it; nothing moved.
    Declined,
    /// Not answered in time; nothing moved.
    Expired,
    /// The host refused it (funds, limits); nothing moved.
    Refused,
    /// A state this library does not know yet (a newer host).
    Unknown,
}

impl ChargeRequestStatus {
    /// The host's spelling read; an unknown one is [`ChargeRequestStatus::Unknown`].
    pub(crate) fn from_host(s: &str) -> ChargeRequestStatus {
        match s {
            "pending" => ChargeRequestStatus::Pending,
            "approved" => ChargeRequestStatus::Approved,
            "declined" => ChargeRequestStatus::Declined,
            "expired" => ChargeRequestStatus::Expired,
            "refused" => ChargeRequestStatus::Refused,
            _ => ChargeRequestStatus::Unknown,
        }
    }
}

/// A till charge above the no-confirmation limit, waiting for the shopper to approve or decline it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChargeRequest {
    /// The host's charge id, for [`Wallet::approve_charge`] and [`Wallet::decline_charge`].
    pub id: String,
    /// The merchant whose till asks.
    pub merchant_name: String,
    /// The merchant's country (ISO 3166-1 alpha-2), when the host names it.
    pub merchant_country: Option<String>,
    /// The amount the till asks for.
    pub amount: Money,
    /// The host refuses an answer after this (host clock).
    pub approve_by: SystemTime,
    /// Waiting, or how it ended.
    pub status: ChargeRequestStatus,
    /// When the till asked, Unix seconds (host clock).
    pub created_at: SystemTime,
}

impl From<store::ChargeRequest> for ChargeRequest {
    fn from(c: store::ChargeRequest) -> Self {
        ChargeRequest {
            id: c.id,
            merchant_name: c.merchant_name,
            merchant_country: c.merchant_country,
            amount: c.amount.into(),
            approve_by: time::at(c.approve_by),
            status: ChargeRequestStatus::from_host(&c.status),
            created_at: time::at(c.created_at),
        }
    }
}

/// A consumer-presented code to show at the till: made offline from a single-use key.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConsumerCode {
    /// The QR text (EMVCo consumer-presented payload, base64).
    pub qr_text: String,
    /// The same code as digits for 1-D barcode tills, when asked for.
    pub numeric: Option<String>,
    /// The QR module matrix to draw.
    pub matrix: QrMatrix,
    /// When the till stops accepting it.
    pub expires_at: SystemTime,
    /// When to replace it with a fresh code.
    pub refresh_at: SystemTime,
    /// Single-use keys left on the device after this one.
    pub codes_left: i32,
}

impl From<core::ConsumerCode> for ConsumerCode {
    fn from(c: core::ConsumerCode) -> Self {
        ConsumerCode {
            qr_text: c.qr_text,
            numeric: c.numeric,
            matrix: c.matrix.into(),
            expires_at: time::at(signed64(c.expires_at)),
            refresh_at: time::at(signed64(c.refresh_at)),
            codes_left: signed(c.codes_left),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Approves a waiting till charge: the host captures it exactly once and it enters the history.
    pub async fn approve_charge(&self, id: String) -> Result<WalletTransaction, WalletError> {
        self.done("approve_charge", self.off(move |core| async move { core.approve_charge(&id).await }).await)
            .map(Into::into)
    }

    /// Declines a waiting till charge: no money moves (the code stays used).
    pub async fn decline_charge(&self, id: String) -> Result<(), WalletError> {
        self.done("decline_charge", self.off(move |core| async move { core.decline_charge(&id).await }).await)
    }

    /// Sets the amount above which till charges wait for approval (zero: every charge; at most
    /// the host's default); returns the balance record with the new limit.
    pub async fn set_no_confirm_limit(&self, limit: Money) -> Result<Balance, WalletError> {
        let limit = CoreMoney::from(&limit);
        self.done(
            "set_no_confirm_limit",
            self.off(move |core| async move { core.set_no_confirm_limit(limit).await }).await,
        )
        .map(Into::into)
    }

    /// Tops up the consumer-code keys when few are left (online); returns how many are left.
    pub async fn replenish_codes(&self) -> Result<i32, WalletError> {
        self.done("replenish_codes", self.off(move |core| async move { core.replenish_codes().await }).await)
            .map(signed)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Till charges waiting for approval, oldest first (local; [`Wallet::sync`] and
    /// [`Wallet::listen`] bring new ones in).
    pub async fn charge_requests(&self) -> Result<Vec<ChargeRequest>, WalletError> {
        Ok(self.off(move |core| async move { core.charge_requests() }).await?.into_iter().map(Into::into).collect())
    }

    /// Consumer codes that can still be made offline.
    pub async fn codes_left(&self) -> Result<i32, WalletError> {
        Ok(signed(self.off(move |core| async move { core.codes_left() }).await?))
    }

    /// The next consumer code as a QR code (offline; uses up one single-use key).
    pub async fn consumer_code(&self) -> Result<ConsumerCode, WalletError> {
        self.done("consumer_code", self.off(move |core| async move { core.consumer_code() }).await).map(Into::into)
    }

    /// The next consumer code as a QR code and 36 digits for barcode tills (offline; uses up one key).
    pub async fn consumer_code_numeric(&self) -> Result<ConsumerCode, WalletError> {
        self.done("consumer_code_numeric", self.off(move |core| async move { core.consumer_code_numeric() }).await)
            .map(Into::into)
    }
}
