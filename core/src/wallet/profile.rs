//! Who the wallet is: enrolment (the device key and the host's wallet), identity
//! verification, the balance with its limits, and the receive code others pay.

use std::sync::Arc;

use rusqlite::Transaction;

use super::outbox::{no_context, Answer, IntentKind, ReportedBalance};
use super::types::{money, read};
use super::{lock, now_secs, Balance, Enrolment, Identity, Wallet, WalletError, WalletProfile};
use super::{CLOCK_OFFSET, DEVICE_KEY_PLATFORM, DEVICE_KEY_SECRET};
use crate::crypto::{new_nonce, DeviceKey};
use crate::money::{Currency, Money};
use crate::net::api;
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
                let k = self.new_device_key()?;
                *lock(&self.device) = Some(k.clone());
                k
            }
        };
        let body = api::EnrolRequest {
            public_key: key.public_key_b64(),
            country: e.country.clone(),
            handle: handle.to_owned(),
            display_name: display_name.to_owned(),
        };
        self.submit(IntentKind::Enrol, "/v1/devices", &body, no_context()).await?;
        self.enrolled()
    }

    /// Makes this device's signing key: in the platform when it holds keys (recorded by alias
    /// and public key), else in software, sealed in the store.
    fn new_device_key(&self) -> Result<Arc<DeviceKey>, WalletError> {
        if let Some(keys) = &self.platform_keys {
            // A fresh alias per wallet: two wallets in one app must not share a device key.
            let alias = format!("koban-device-{}", new_nonce()?);
            if let Some(k) = DeviceKey::on_platform(keys.clone(), &alias)? {
                let record = format!("{alias}\n{}", crate::crypto::hex::encode(k.public_key()));
                lock(&self.store).write(|tx, s| store::put_secret(tx, s, DEVICE_KEY_PLATFORM, record.as_bytes()))?;
                return Ok(Arc::new(k));
            }
        }
        let k = DeviceKey::generate()?;
        let pkcs8 = k.pkcs8().ok_or(WalletError::Protocol("a software key without its document".into()))?;
        lock(&self.store).write(|tx, s| store::put_secret(tx, s, DEVICE_KEY_SECRET, pkcs8))?;
        Ok(Arc::new(k))
    }

    /// Verifies the wallet holder's identity (raises limits, allows remittances).
    pub async fn verify_identity(&self, id: &Identity) -> Result<Balance, WalletError> {
        let w = self.enrolled()?;
        let body = api::KycRequest {
            legal_name: id.legal_name.clone(),
            date_of_birth: id.date_of_birth.clone(),
            document_number: id.document_number.clone(),
        };
        let v = self.submit(IntentKind::Kyc, &format!("/v1/wallets/{}/kyc", w.wallet_id), &body, no_context()).await?;
        Balance::from_api(&read(&v)?)
    }

    /// The host's balance, tier and limits (cached for [`Wallet::cached_balance`]).
    pub async fn balance(&self) -> Result<Balance, WalletError> {
        let w = self.enrolled()?;
        let v: api::Wallet = self.get(&format!("/v1/wallets/{}", w.wallet_id)).await?;
        let b = Balance::from_api(&v)?;
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
        let code: api::ReceiveCode = self.get(&format!("/v1/wallets/{}/receive-code", w.wallet_id)).await?;
        Ok(code.payload)
    }
}

/// Reconciles an enrolment: the host's wallet becomes this device's profile. Its balance is
/// as of no time at all, so any later answer's balance replaces it.
pub(super) fn enrolled(tx: &Transaction<'_>, a: &Answer<'_>) -> Result<ReportedBalance, WalletError> {
    let e: api::Enrolment = a.read()?;
    let w = e.wallet;
    let currency = Currency::from_alpha(&w.currency).ok_or_else(|| WalletError::Protocol("wallet currency".into()))?;
    store::put_wallet(
        tx,
        &WalletProfile {
            wallet_id: w.id,
            device_id: e.device_id,
            handle: w.handle,
            display_name: w.display_name,
            country: w.country,
            currency,
            tier: w.tier,
            enrolled_at: a.now,
        },
    )?;
    Ok(Some((money(&w.balance)?, 0)))
}

/// Reconciles a verified identity: the profile takes the host's new tier, and the answer's
/// balance (the wallet record, which has no time of its own) is as of now.
pub(super) fn verified(
    tx: &Transaction<'_>,
    a: &Answer<'_>,
    current: Option<&WalletProfile>,
) -> Result<ReportedBalance, WalletError> {
    let w: api::Wallet = a.read()?;
    if let Some(p) = current {
        store::put_wallet(tx, &WalletProfile { tier: w.tier.clone(), ..p.clone() })?;
    }
    Ok(Some((money(&w.balance)?, a.now)))
}
