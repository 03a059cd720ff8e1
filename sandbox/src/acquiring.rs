//! The host as acquirer of foreign shopper codes: drives a recorded foreign charge to a
//! definite state at its network (pay, inquiries with back-off, cancel at the deadline).
//!
//! The charge row (the intent) is committed before anything is sent, under a request id the
//! network treats as its idempotency key, so every step here may be repeated: a second pay
//! with the same id answers from the payment's state, and a cancel of an id the network never
//! saw claims it. What this module decides is written by `api::foreign` in one transaction
//! with the terminal's stored answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use koban_partners::client::{AcquirerClient, ClientError, PayRequest, PaymentResult};
use koban_partners::{AcquirerKey, Amount, Network, PayFailure, PaymentStatus};

use crate::error::ApiError;
use crate::state::AppState;

/// How long a foreign charge may wait for its network (a "user paying" state included)
/// before the host cancels it: the till's client gives up after 10 s, and the answer it waits
/// for must be definite, so the host decides within that.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(8);

/// First wait between inquiries; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// Longest wait between inquiries.
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// Cancels tried before the charge is left pending for the next request or restart.
const CANCEL_ATTEMPTS: u32 = 8;

/// Where the partner networks are and who the host is to them.
#[derive(Clone)]
pub struct AcquirerConfig {
    /// The networks' base URL, e.g. `http://127.0.0.1:49152`.
    pub url: String,
    /// The host's acquirer key (`koban=<hex>`).
    pub key: AcquirerKey,
    /// How long a charge may wait for its network before it is cancelled.
    pub deadline: Duration,
}

impl std::fmt::Debug for AcquirerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AcquirerConfig")
            .field("url", &self.url)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

/// The host's acquiring side: the client and its deadline.
#[derive(Debug, Clone)]
pub struct Acquirer {
    /// Signed calls to the networks.
    pub client: AcquirerClient,
    /// Seconds a charge may wait before it is cancelled.
    pub deadline_secs: i64,
}

impl Acquirer {
    /// Builds the client for `config`.
    pub fn new(config: &AcquirerConfig) -> Result<Self, String> {
        let client = AcquirerClient::new(&config.url, config.key.clone()).map_err(|e| e.to_string())?;
        let deadline_secs = i64::try_from(config.deadline.as_secs()).unwrap_or(i64::MAX).max(1);
        Ok(Self { client, deadline_secs })
    }
}

/// A foreign charge as recorded before its network was called.
#[derive(Debug, Clone)]
pub struct Intent {
    /// The host's charge id.
    pub id: String,
    /// The network that acquires the code.
    pub network: Network,
    /// The network's idempotency key.
    pub request_id: String,
    /// The code as scanned.
    pub code: String,
    /// The merchant's amount.
    pub amount: i64,
    /// The merchant's currency.
    pub currency: String,
    /// The merchant.
    pub merchant_id: String,
    /// Its name, for the user's history at the network.
    pub merchant_name: String,
    /// Host time the intent was recorded; the deadline counts from it.
    pub created_at: i64,
}

/// Where a foreign charge ended.
#[derive(Debug)]
pub enum Decision {
    /// The network charged its user; it owes the host the amount.
    Captured(PaymentResult),
    /// The network refused or failed it; nothing was taken.
    Refused(ApiError),
    /// The host cancelled it at the deadline; nothing was taken (or it was given back).
    Cancelled,
}

/// The request id a terminal's idempotency key names at the network: the same key always
/// names the same payment, so a retried till request can never open a second one.
pub fn request_id(scope: &str, key: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, format!("{scope}\n{key}").as_bytes());
    // 32 hex characters: within every network's limit (WeChat Pay allows 32).
    koban_core::crypto::hex::encode(&digest.as_ref()[..16])
}

/// One driver per foreign charge at a time in this process: a retried till request and a
/// recovery must not both decide (one could cancel what the other just captured).
pub async fn lock(charge_id: &str) -> tokio::sync::OwnedMutexGuard<()> {
    static LOCKS: OnceLock<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>> = OnceLock::new();
    let m = {
        let mut locks = LOCKS.get_or_init(Mutex::default).lock().unwrap_or_else(|p| p.into_inner());
        // Forget locks nobody holds or waits for, so the map stays as small as the traffic.
        locks.retain(|_, l| Arc::strong_count(l) > 1);
        locks.entry(charge_id.to_owned()).or_default().clone()
    };
    m.lock_owned().await
}

/// Drives `intent` at its network until a definite state. `None`: the network could not be
/// reached even to cancel; the charge stays pending and the next request or restart resumes.
pub async fn drive(state: &AppState, acquirer: &Acquirer, intent: &Intent) -> Option<Decision> {
    let request = PayRequest {
        request_id: intent.request_id.clone(),
        code: intent.code.clone(),
        amount: Amount::new(intent.amount, &intent.currency),
        merchant_id: intent.merchant_id.clone(),
        merchant_name: intent.merchant_name.clone(),
        description: format!("Paid at {}", intent.merchant_name),
    };
    let deadline = intent.created_at + acquirer.deadline_secs;
    let mut wait = FIRST_BACKOFF;
    // Until the network has answered the pay, the pay is what we send again (the same request
    // id answers from the payment's state); after that, inquiries move "user paying" on.
    let mut answered = false;
    while state.clock.now() < deadline {
        let r = if answered {
            acquirer.client.inquire(intent.network, &intent.request_id).await
        } else {
            acquirer.client.pay(intent.network, &request).await
        };
        match r {
            Ok(p) => match p.status {
                PaymentStatus::Success => return Some(Decision::Captured(p)),
                PaymentStatus::Failed => return Some(Decision::Refused(failure(p.failure))),
                PaymentStatus::Cancelled => return Some(Decision::Cancelled),
                PaymentStatus::Processing => answered = true,
            },
            // The network refused the pay itself (a code it cannot read): definite, nothing taken.
            Err(ClientError::Refused { message, .. }) if !answered => {
                return Some(Decision::Refused(ApiError::InvalidPayload(format!(
                    "{}: {message}",
                    intent.network.name()
                ))))
            }
            // An inquiry refused (the payment unknown there after all): send the pay again.
            Err(ClientError::Refused { .. }) => answered = false,
            Err(ClientError::Unknown(_) | ClientError::Config(_)) => {}
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_BACKOFF);
    }
    cancel(acquirer, intent).await
}

/// Cancels at the deadline: whatever the network took goes back, and a pay still on its way
/// under this request id is never charged.
async fn cancel(acquirer: &Acquirer, intent: &Intent) -> Option<Decision> {
    let mut wait = FIRST_BACKOFF;
    for _ in 0..CANCEL_ATTEMPTS {
        match acquirer.client.cancel(intent.network, &intent.request_id).await {
            Ok(_) => return Some(Decision::Cancelled),
            // A payment that already failed cannot be cancelled: ask what became of it.
            Err(ClientError::Refused { .. }) => {
                if let Ok(p) = acquirer.client.inquire(intent.network, &intent.request_id).await {
                    match p.status {
                        PaymentStatus::Failed => return Some(Decision::Refused(failure(p.failure))),
                        PaymentStatus::Cancelled => return Some(Decision::Cancelled),
                        PaymentStatus::Success | PaymentStatus::Processing => {}
                    }
                }
            }
            Err(_) => {}
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_BACKOFF);
    }
    None
}

/// The host's refusal for a network's failure.
fn failure(f: Option<PayFailure>) -> ApiError {
    match f {
        Some(PayFailure::InsufficientFunds) => ApiError::InsufficientFunds("the shopper's network wallet"),
        Some(PayFailure::ExpiredCode) => ApiError::CodeExpired,
        Some(PayFailure::UsedCode) => ApiError::CodeUsed,
        Some(PayFailure::UserTimeout) => ApiError::ChargeExpired,
        Some(PayFailure::InvalidCode) | None => ApiError::UnknownToken,
    }
}
