//! Consumer-presented codes on the device: single-use keys provisioned while online, one
//! code per key, usable offline until the keys run out.
//!
//! A code is made in one store transaction that takes the next key and records its counter
//! as used; the transaction commits before the code is returned, so an app killed right
//! after showing a code can never show the same counter again. The key is unsealed into a
//! zeroizing buffer and dropped as soon as the cryptogram is computed.

use super::outbox::{no_context, Answer, IntentKind};
use super::types::read;
use super::{lock, Wallet, WalletError};
use crate::cpm::{QrMatrix, TokenCode};
use crate::crypto::{LimitedUseKey, CODE_LIFETIME_SECS};
use crate::net::api;
use crate::store::{self, Sealer};
use base64::Engine as _;
use ring::rand::{SecureRandom, SystemRandom};
use rusqlite::Transaction;
use serde_json::Value;

/// Keys asked for per batch.
pub const BATCH: u32 = 20;
/// Below this many keys left, [`Wallet::replenish_codes`] asks for a new batch.
pub const REPLENISH_BELOW: u32 = 5;
/// Seconds before expiry at which the app should show a fresh code.
pub const REFRESH_MARGIN_SECS: u64 = 10;
/// How long a shown code may still reach the host: its lifetime, an offline till's capture
/// window (10 minutes) and clock skew. Keys shown more recently are not given up to the host.
pub const SHOWN_HELD_SECS: i64 = CODE_LIFETIME_SECS as i64 + 10 * 60 + 30;

/// A code to show at the till.
#[derive(Debug, Clone)]
pub struct ConsumerCode {
    /// The QR text (EMVCo CPM, base64).
    pub qr_text: String,
    /// The same code for 1-D barcode tills, when made in numeric form.
    pub numeric: Option<String>,
    /// The QR module matrix to draw.
    pub matrix: QrMatrix,
    /// When the till stops accepting it, Unix seconds.
    pub expires_at: u64,
    /// When the app should replace it with a fresh one, Unix seconds.
    pub refresh_at: u64,
    /// Single-use keys left on the device after this one.
    pub codes_left: u32,
}

/// The host's provisioning answer without the keys, for the intent log.
pub(super) fn without_keys(v: &Value) -> Result<Value, WalletError> {
    let mut stored: api::Provisioned = read(v)?;
    for k in &mut stored.keys {
        k.key = None;
    }
    serde_json::to_value(&stored).map_err(|e| WalletError::Protocol(e.to_string()))
}

/// Seals every key of a provisioning answer into the store.
pub(super) fn store_keys(tx: &Transaction<'_>, sealer: &Sealer, a: &Answer<'_>) -> Result<(), WalletError> {
    let provisioned: api::Provisioned = a.read()?;
    for k in &provisioned.keys {
        let bytes = zeroize::Zeroizing::new(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(k.key.as_deref().unwrap_or_default())
                .map_err(|_| WalletError::Protocol("key encoding".into()))?,
        );
        LimitedUseKey::from_slice(&bytes)?;
        store::put_code_key(tx, sealer, &provisioned.token, k.counter, &bytes, k.expires_at, a.now)?;
    }
    Ok(())
}

impl Wallet {
    /// Live single-use keys left on this device.
    pub fn codes_left(&self) -> Result<u32, WalletError> {
        Ok(store::code_keys_left(lock(&self.store).conn(), self.host_now())?)
    }

    /// Asks the host for a batch of keys when fewer than [`REPLENISH_BELOW`] are left (online
    /// only). The host caps the live keys of a device, so the request also gives up the
    /// current token's keys this device no longer holds (shown long enough ago that no till
    /// can still present them); the host answers with as many as fit under its cap.
    pub async fn replenish_codes(&self) -> Result<u32, WalletError> {
        if self.codes_left()? < REPLENISH_BELOW {
            let now = self.host_now();
            let mut body = api::ProvisionRequest { count: BATCH, retire_before: None };
            {
                let s = lock(&self.store);
                if let Some(token) = store::current_token(s.conn())? {
                    let held = store::lowest_held(s.conn(), &token, now - SHOWN_HELD_SECS, now)?;
                    body.retire_before = Some(held.unwrap_or(u16::MAX));
                }
            }
            match self.submit(IntentKind::CpmKeys, "/v1/cpm/keys", &body, no_context()).await {
                // The device already holds as many live keys as the host allows (codes shown
                // in the last minutes may still reach a till): the keys left are still good.
                Err(WalletError::Refused { refusal: super::Refusal::LimitExceeded, .. }) => {}
                other => {
                    other?;
                }
            }
        }
        self.codes_left()
    }

    /// Makes the next QR code from the next single-use key; works offline.
    pub fn consumer_code(&self) -> Result<ConsumerCode, WalletError> {
        let mut un = [0u8; 4];
        SystemRandom::new().fill(&mut un).map_err(|_| WalletError::Crypto(crate::crypto::CryptoError::Rng))?;
        self.make_code(un, false)
    }

    /// Makes the next code in both forms: numeric codes carry no unpredictable number.
    pub fn consumer_code_numeric(&self) -> Result<ConsumerCode, WalletError> {
        self.make_code([0; 4], true)
    }

    fn make_code(&self, un: [u8; 4], numeric: bool) -> Result<ConsumerCode, WalletError> {
        // The host judges a code's age by its own clock: stamp it with the host's time as
        // last learned, so a phone clock set hours off still makes codes that work.
        let now = self.host_now();
        let (code, left) = {
            let mut s = lock(&self.store);
            let code = s.write(|tx, sealer| {
                let (token, counter, key) = store::take_code_key(tx, sealer, now)?.ok_or(WalletError::NoCodesLeft)?;
                let key = LimitedUseKey::from_slice(&key)?;
                // `key` (and the unsealed bytes) are zeroized when this closure returns.
                Ok::<_, WalletError>(TokenCode::generate(&key, &token, counter, now as u64, un)?)
            })?;
            (code, store::code_keys_left(s.conn(), now)?)
        };
        let qr_text = code.to_qr_text();
        Ok(ConsumerCode {
            matrix: QrMatrix::encode(&qr_text)?,
            numeric: if numeric { Some(code.to_numeric()?) } else { None },
            qr_text,
            expires_at: code.expires_at(),
            refresh_at: code.expires_at() - REFRESH_MARGIN_SECS.min(CODE_LIFETIME_SECS),
            codes_left: left,
        })
    }
}
