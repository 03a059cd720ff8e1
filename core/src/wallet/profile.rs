//! Who the wallet is: enrolment (the device key and the host's wallet), identity
//! verification, the balance with its limits, and the receive code others pay.

use std::sync::Arc;

use rusqlite::Transaction;
use serde_json::json;

use super::outbox::{Answer, IntentKind};
use super::types::{money, text};
use super::{lock, now_secs, Balance, Enrolment, Identity, Wallet, WalletError, WalletProfile};
use super::{CLOCK_OFFSET, DEVICE_KEY_SECRET};
use crate::crypto::DeviceKey;
use crate::money::{Currency, Money};
use crate::store;

impl Wallet {
    /// Enrols this device: creates its key (sealed in the store) and a wallet at the host.
    pub async fn enrol(&self, e: &Enrolment) -> Result<WalletProfile, WalletError> {
        if self.profile()?.is_some() {
            return Err(WalletError::AlreadyEnrolled);
        }
        // Others see both when they pay: refuse bidi overrides and invisible characters here,
        // before a key is made or an intent committed.
        let handle = crate::text::check_display_text(e.handle.trim().trim_start_matches('@'), 24)
            .map_err(|err| WalletError::InvalidInput(format!("handle {err}")))?;
        let display_name = crate::text::check_display_text(&e.display_name, 60)
            .map_err(|err| WalletError::InvalidInput(format!("display name {err}")))?;
        let key = match self.device() {
            Ok(k) => k,
            Err(_) => {
                let k = DeviceKey::generate()?;
                lock(&self.store).write(|tx, s| store::put_secret(tx, s, DEVICE_KEY_SECRET, k.pkcs8()))?;
                let k = Arc::new(k);
                *lock(&self.device) = Some(k.clone());
                k
            }
        };
        let body = json!({ "public_key": key.public_key_b64(), "country": e.country, "handle": handle, "display_name": display_name });
        self.submit(IntentKind::Enrol, "/v1/devices", &body, json!({})).await?;
        self.enrolled()
    }

    /// Verifies the wallet holder's identity (raises limits, allows remittances).
    pub async fn verify_identity(&self, id: &Identity) -> Result<Balance, WalletError> {
        let w = self.enrolled()?;
        let body = json!({ "legal_name": id.legal_name, "date_of_birth": id.date_of_birth, "document_number": id.document_number });
        let v = self.submit(IntentKind::Kyc, &format!("/v1/wallets/{}/kyc", w.wallet_id), &body, json!({})).await?;
        Balance::from_json(&v)
    }

    /// The host's balance, tier and limits (cached for [`Wallet::cached_balance`]).
    pub async fn balance(&self) -> Result<Balance, WalletError> {
        let w = self.enrolled()?;
        let v = self.get(&format!("/v1/wallets/{}", w.wallet_id)).await?;
        let b = Balance::from_json(&v)?;
        let now = now_secs();
        let offset = self.client.clock_offset_secs();
        lock(&self.store).write(|tx, _| {
            store::put_current_balance(tx, b.available, now)?;
            store::put_sync_value(tx, CLOCK_OFFSET, offset)?;
            if b.tier != w.tier {
                store::put_wallet(tx, &WalletProfile { tier: b.tier.clone(), ..w.clone() })?;
            }
            Ok::<_, WalletError>(())
        })?;
        Ok(b)
    }

    /// The last balance the host reported, and when (host time); no network.
    pub fn cached_balance(&self) -> Result<Option<(Money, i64)>, WalletError> {
        let w = self.enrolled()?;
        Ok(store::balance(lock(&self.store).conn(), w.currency)?)
    }

    /// This wallet's receive code: an EMV person-to-person code a friend scans to pay.
    pub async fn receive_code(&self) -> Result<String, WalletError> {
        let w = self.enrolled()?;
        let v = self.get(&format!("/v1/wallets/{}/receive-code", w.wallet_id)).await?;
        text(&v, "payload")
    }
}

/// Reconciles an enrolment: the host's wallet becomes this device's profile.
pub(super) fn enrolled(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<(), WalletError> {
    let v = a.v;
    let w = &v["wallet"];
    let currency =
        Currency::from_alpha(&text(w, "currency")?).ok_or_else(|| WalletError::Protocol("wallet currency".into()))?;
    store::put_wallet(
        tx,
        &WalletProfile {
            wallet_id: text(w, "id")?,
            device_id: text(v, "device_id")?,
            handle: text(w, "handle")?,
            display_name: text(w, "display_name")?,
            country: text(w, "country")?,
            currency,
            tier: text(w, "tier")?,
            enrolled_at: a.now,
        },
    )?;
    store::put_balance(tx, money(&w["balance"])?, 0)?;
    Ok(())
}

/// Reconciles a verified identity: the profile takes the host's new tier.
pub(super) fn verified(
    tx: &Transaction<'_>,
    a: &Answer<'_>,
    current: Option<&WalletProfile>,
) -> Result<(), WalletError> {
    if let Some(p) = current {
        store::put_wallet(tx, &WalletProfile { tier: text(a.v, "tier")?, ..p.clone() })?;
    }
    Ok(())
}
