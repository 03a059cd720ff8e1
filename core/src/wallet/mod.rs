//! The wallet engine: enrolment, banks, top-up, merchant payments at home and abroad, P2P,
//! remittances, receive codes, history and sync — every money-moving call exactly once.
//!
//! Exactly once: a mutating call first commits an intent (idempotency key and exact body) to
//! the store, then sends, then reconciles the host's answer into history in one local
//! transaction. Pending intents are resolved with the host — by resending the same bytes
//! under the same key, which the host answers with the original outcome — on open, and
//! before anything new is sent. Dropping a call's future at any point leaves either nothing
//! or a committed pending intent behind, never half a write.

mod approvals;
pub mod codes;
mod error;
mod events;
mod types;

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::crypto::{new_nonce, DeviceKey};
use crate::emv::Tip;
use crate::money::{Currency, Money};
use crate::net::{Client, HttpTransport, NetError, ReqwestTransport, RESIGN_LIMIT};
use crate::scheme::{self, CrcStatus, Presentment};
use crate::store::{
    self, Direction, HistoryCursor, Intent, IntentState, KeyStore, Store, TransactionRecord, WalletRecord,
};

pub use codes::ConsumerCode;
#[cfg(any(test, feature = "failpoints"))]
pub use error::FailPoint;
pub use error::{Refusal, WalletError};
pub use store::WalletRecord as WalletProfile;
pub use types::{
    Balance, Bank, BankAccount, Enrolment, FxQuote, HistoryPage, Identity, PaymentQuote, PaymentRequest, QuoteAmount,
    RemitDestination, RemitRecipient, SendTo, SyncReport,
};

use types::{money, money_json, text};

const DEVICE_KEY_SECRET: &str = "device_key";
const EVENTS_CURSOR: &str = "events_after";
/// The host's clock minus this device's, as last learned: kept so codes made offline after a
/// restart still carry the host's time.
const CLOCK_OFFSET: &str = "host_clock_offset";

/// How the wallet reaches its host.
#[derive(Clone)]
pub struct WalletConfig {
    /// Base URL of the host, e.g. `https://wallet.example` or `http://127.0.0.1:8080`.
    pub host_url: String,
    /// Limit on one request, connect to last byte.
    pub timeout: Duration,
    /// Sends of one request before its outcome is reported unknown.
    pub max_attempts: u32,
    /// The app's HTTP stack; `None` uses reqwest with rustls.
    pub transport: Option<Arc<dyn HttpTransport>>,
}

impl WalletConfig {
    /// Defaults for `host_url`: 15 s timeout, 3 attempts, reqwest.
    pub fn new(host_url: impl Into<String>) -> WalletConfig {
        WalletConfig { host_url: host_url.into(), timeout: Duration::from_secs(15), max_attempts: 3, transport: None }
    }
}

impl std::fmt::Debug for WalletConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalletConfig")
            .field("host_url", &self.host_url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// A wallet on this device.
pub struct Wallet {
    store: Mutex<Store>,
    client: Client,
    max_attempts: u32,
    timeout: Duration,
    device: Mutex<Option<Arc<DeviceKey>>>,
    // Held from resolving pending intents to reconciling the new one, so nothing new is sent
    // while an older outcome is unknown. A tokio mutex: it is held across awaits.
    outbox: tokio::sync::Mutex<()>,
    #[cfg(any(test, feature = "failpoints"))]
    failpoint: Mutex<Option<FailPoint>>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet").field("client", &self.client).finish_non_exhaustive()
    }
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn new_key() -> Result<String, WalletError> {
    Ok(format!("i-{}", new_nonce()?))
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave the store half-written (SQLite rolls the
    // transaction back), so the poisoned value is still good.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// How the resolution of one pending intent ended.
enum Resolved {
    Applied(Value),
    Refused(WalletError),
}

impl Wallet {
    /// Opens the wallet database at `path` (creating it), and resolves any pending intents
    /// with the host; whatever stops that (no network, a refusal, a clock far off) leaves them
    /// pending, to be resolved before the next money-moving call. Fails only for local
    /// problems: the store or the key store.
    pub async fn open(
        path: impl AsRef<Path>,
        keystore: &dyn KeyStore,
        config: WalletConfig,
    ) -> Result<Wallet, WalletError> {
        let store = Store::open(path, keystore)?;
        let device =
            store.secret(DEVICE_KEY_SECRET)?.map(|pkcs8| DeviceKey::from_pkcs8(&pkcs8)).transpose()?.map(Arc::new);
        let transport: Arc<dyn HttpTransport> = match config.transport {
            Some(t) => t,
            None => {
                Arc::new(ReqwestTransport::new(config.timeout).map_err(|e| WalletError::Unavailable(e.to_string()))?)
            }
        };
        let wallet = Wallet {
            store: Mutex::new(store),
            client: Client::new(&config.host_url, transport),
            max_attempts: config.max_attempts.max(1),
            timeout: config.timeout,
            device: Mutex::new(device),
            outbox: tokio::sync::Mutex::new(()),
            #[cfg(any(test, feature = "failpoints"))]
            failpoint: Mutex::new(None),
        };
        if let Some(offset) = store::sync_value(lock(&wallet.store).conn(), CLOCK_OFFSET)? {
            wallet.client.set_clock_offset_secs(offset);
        }
        let has_pending = wallet.pending_count()? > 0;
        if has_pending {
            let _guard = wallet.outbox.lock().await;
            // Never fail open over a pending intent: the shopper would lose her offline codes
            // and history to a flaky network or a refusal. Each failure leaves the intent
            // pending (a refusal that is final has already been recorded), and the next
            // money-moving call resolves it first and reports what still stands in the way.
            let _ = wallet.resolve_pending_locked().await;
        }
        Ok(wallet)
    }

    /// Arms a one-shot crash point (tests only).
    #[cfg(any(test, feature = "failpoints"))]
    pub fn arm_failpoint(&self, point: Option<FailPoint>) {
        *lock(&self.failpoint) = point;
    }

    #[cfg(any(test, feature = "failpoints"))]
    fn fail(&self, point: FailPoint) -> Result<(), WalletError> {
        let mut armed = lock(&self.failpoint);
        if *armed == Some(point) {
            *armed = None;
            return Err(WalletError::Crashed(point));
        }
        Ok(())
    }

    /// The host's clock as this wallet last learned it: codes are stamped with it, and the
    /// approval window of a till charge is the host's.
    pub(super) fn host_now(&self) -> i64 {
        now_secs() + self.client.clock_offset_secs()
    }

    fn device(&self) -> Result<Arc<DeviceKey>, WalletError> {
        lock(&self.device).clone().ok_or(WalletError::NotEnrolled)
    }

    /// The enrolled wallet, if any (local, no network).
    pub fn profile(&self) -> Result<Option<WalletProfile>, WalletError> {
        Ok(store::wallet(lock(&self.store).conn())?)
    }

    fn enrolled(&self) -> Result<WalletRecord, WalletError> {
        self.profile()?.ok_or(WalletError::NotEnrolled)
    }

    /// Stores a secret sealed under the wallet's data key (e.g. consumer-code keys).
    pub fn put_secret(&self, name: &str, secret: &[u8]) -> Result<(), WalletError> {
        Ok(lock(&self.store).write(|tx, s| store::put_secret(tx, s, name, secret))?)
    }

    /// Reads a sealed secret.
    pub fn secret(&self, name: &str) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, WalletError> {
        Ok(lock(&self.store).secret(name)?)
    }

    /// Deletes a sealed secret; true if it existed.
    pub fn delete_secret(&self, name: &str) -> Result<bool, WalletError> {
        Ok(lock(&self.store).write(|tx, _| store::delete_secret(tx, name))?)
    }

    // ---- reads -------------------------------------------------------------------------

    async fn get(&self, path: &str) -> Result<Value, WalletError> {
        let key = self.device()?;
        let mut last = String::new();
        let (mut attempts, mut resigned) = (0, 0);
        while attempts < self.max_attempts {
            // Every send is signed afresh: new time (with the host's clock), new nonce.
            match self.client.get(&key, path).await {
                Err(NetError::Unknown(m)) => {
                    attempts += 1;
                    last = m;
                }
                Err(e) if e.fixed_by_resigning() && resigned < RESIGN_LIMIT => resigned += 1,
                other => return other.map_err(WalletError::from_net_read),
            }
        }
        Err(WalletError::Unavailable(last))
    }

    /// A POST that moves no money (a quote): retried under one key, so retries return the
    /// same result.
    async fn post_idempotent(&self, path: &str, body: &Value) -> Result<Value, WalletError> {
        let key = self.device()?;
        let bytes = serde_json::to_vec(body).map_err(|e| WalletError::Protocol(e.to_string()))?;
        let idem = new_key()?;
        let mut last = String::new();
        let (mut attempts, mut resigned) = (0, 0);
        while attempts < self.max_attempts {
            match self.client.post(&key, path, &bytes, &idem).await {
                Err(NetError::Unknown(m)) => {
                    attempts += 1;
                    last = m;
                }
                Err(e) if e.fixed_by_resigning() && resigned < RESIGN_LIMIT => resigned += 1,
                other => return other.map_err(WalletError::from_net_read),
            }
        }
        Err(WalletError::Unavailable(last))
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
                store::put_wallet(tx, &WalletRecord { tier: b.tier.clone(), ..w.clone() })?;
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

    /// The banks the host can link.
    pub async fn banks(&self) -> Result<Vec<Bank>, WalletError> {
        let v = self.get("/v1/banks").await?;
        let list = v["banks"].as_array().ok_or_else(|| WalletError::Protocol("banks".into()))?;
        list.iter()
            .map(|b| Ok(Bank { id: text(b, "id")?, name: text(b, "name")?, currency: text(b, "currency")? }))
            .collect()
    }

    /// Linked bank accounts (local).
    pub fn bank_links(&self) -> Result<Vec<store::BankLink>, WalletError> {
        Ok(store::bank_links(lock(&self.store).conn())?)
    }

    /// People this wallet has sent to, most recent first (local).
    pub fn recipients(&self) -> Result<Vec<store::Recipient>, WalletError> {
        Ok(store::recipients(lock(&self.store).conn())?)
    }

    /// This wallet's receive code: an EMV person-to-person code a friend scans to pay.
    pub async fn receive_code(&self) -> Result<String, WalletError> {
        let w = self.enrolled()?;
        let v = self.get(&format!("/v1/wallets/{}/receive-code", w.wallet_id)).await?;
        text(&v, "payload")
    }

    /// A page of history, newest first (local; `sync` brings in what others sent).
    pub fn history(&self, limit: u32, cursor: Option<&str>) -> Result<HistoryPage, WalletError> {
        let after = cursor
            .map(|c| HistoryCursor::decode(c).ok_or_else(|| WalletError::InvalidInput("bad history cursor".into())))
            .transpose()?;
        let (items, next) = store::history_page(lock(&self.store).conn(), limit, after)?;
        Ok(HistoryPage { items, next_cursor: next.map(|c| c.encode()) })
    }

    /// Number of intents whose outcome is still unknown.
    pub fn pending_count(&self) -> Result<usize, WalletError> {
        let s = lock(&self.store);
        Ok(store::pending_intents(s.conn(), s.sealer())?.len())
    }

    // ---- the outbox --------------------------------------------------------------------

    /// Resolves every pending intent with the host (see the module docs).
    pub async fn resolve_pending(&self) -> Result<(), WalletError> {
        let _guard = self.outbox.lock().await;
        self.resolve_pending_locked().await
    }

    async fn resolve_pending_locked(&self) -> Result<(), WalletError> {
        let pending = {
            let s = lock(&self.store);
            store::pending_intents(s.conn(), s.sealer())?
        };
        for intent in pending {
            // A refusal of an older intent is recorded and is not this call's failure.
            self.send_intent(&intent).await?;
        }
        Ok(())
    }

    /// Commits an intent, then sends it; the whole money-moving path.
    async fn submit(&self, kind: &str, path: &str, body: &Value, context: Value) -> Result<Value, WalletError> {
        let _guard = self.outbox.lock().await;
        self.resolve_pending_locked().await?;
        let intent = Intent {
            key: new_key()?,
            kind: kind.to_owned(),
            path: path.to_owned(),
            body: serde_json::to_vec(body).map_err(|e| WalletError::Protocol(e.to_string()))?,
            context,
            state: IntentState::Pending,
            outcome: None,
            created_at: now_secs(),
        };
        lock(&self.store).write(|tx, s| store::insert_intent(tx, s, &intent))?;
        #[cfg(any(test, feature = "failpoints"))]
        self.fail(FailPoint::BeforeSend)?;
        match self.send_intent(&intent).await? {
            Resolved::Applied(v) => Ok(v),
            Resolved::Refused(e) => Err(e),
        }
    }

    /// Sends (or resends) a committed intent until the host gives a final answer, and
    /// reconciles that answer; `OutcomeUnknown` if it never does.
    async fn send_intent(&self, intent: &Intent) -> Result<Resolved, WalletError> {
        let key = self.device()?;
        let mut reason = String::new();
        let (mut attempts, mut resigned) = (0, 0);
        while attempts < self.max_attempts {
            // Every send is signed afresh (the host's time as last learned, a new nonce); the
            // bytes and the idempotency key never change.
            let answer = self.client.post(&key, &intent.path, &intent.body, &intent.key).await;
            #[cfg(any(test, feature = "failpoints"))]
            self.fail(FailPoint::AfterSend)?;
            match answer {
                Ok(v) => {
                    #[cfg(any(test, feature = "failpoints"))]
                    self.fail(FailPoint::AfterResponse)?;
                    self.reconcile(intent, &v)?;
                    return Ok(Resolved::Applied(v));
                }
                Err(e) if e.fixed_by_resigning() && resigned < RESIGN_LIMIT => {
                    // The signature's time fell outside the host's window (a resend long after
                    // the first send, a phone clock far off) or a proxy repeated the request:
                    // this send applied nothing, so send again at once, re-signed. Not counted
                    // as an attempt: the network did answer.
                    resigned += 1;
                }
                Err(NetError::Refused { kind, message, status }) => {
                    let refusal = Refusal::from_kind(&kind);
                    if refusal.is_pre_idempotency() {
                        // Says nothing about an earlier send: keep the intent pending.
                        return Err(WalletError::Refused { refusal, message });
                    }
                    #[cfg(any(test, feature = "failpoints"))]
                    self.fail(FailPoint::AfterResponse)?;
                    let outcome = json!({ "status": status, "error": { "kind": kind, "message": message } });
                    let now = now_secs();
                    lock(&self.store)
                        .write(|tx, _| store::finish_intent(tx, &intent.key, IntentState::Refused, &outcome, now))?;
                    return Ok(Resolved::Refused(WalletError::Refused { refusal, message }));
                }
                Err(NetError::Unknown(m) | NetError::Protocol(m)) => {
                    attempts += 1;
                    reason = m;
                }
                Err(NetError::Crypto(e)) => return Err(e.into()),
            }
        }
        Err(WalletError::OutcomeUnknown { intent: intent.key.clone(), reason })
    }

    /// Writes the host's success answer for `intent` into the store, in one transaction.
    fn reconcile(&self, intent: &Intent, v: &Value) -> Result<(), WalletError> {
        let now = now_secs();
        let offset = self.client.clock_offset_secs();
        let profile = self.profile()?;
        lock(&self.store).write(|tx, sealer| {
            // Provisioned keys are sealed into their own table; the stored outcome keeps none.
            let stored = if intent.kind == codes::PROVISION_KIND { codes::without_keys(v) } else { v.clone() };
            store::finish_intent(tx, &intent.key, IntentState::Done, &stored, now)?;
            let created_at = v["created_at"].as_i64().unwrap_or(now);
            let record =
                |kind: &str, direction, amount, counterparty: Option<String>, description: String| TransactionRecord {
                    id: v["id"].as_str().unwrap_or(&intent.key).to_owned(),
                    kind: kind.to_owned(),
                    direction,
                    amount,
                    counterparty,
                    description,
                    intent_key: Some(intent.key.clone()),
                    created_at,
                    details: json!({ "host": v, "context": intent.context }),
                };
            match intent.kind.as_str() {
                "enrol" => {
                    let w = &v["wallet"];
                    let currency = Currency::from_alpha(&text(w, "currency")?)
                        .ok_or_else(|| WalletError::Protocol("wallet currency".into()))?;
                    store::put_wallet(
                        tx,
                        &WalletRecord {
                            wallet_id: text(w, "id")?,
                            device_id: text(v, "device_id")?,
                            handle: text(w, "handle")?,
                            display_name: text(w, "display_name")?,
                            country: text(w, "country")?,
                            currency,
                            tier: text(w, "tier")?,
                            enrolled_at: now,
                        },
                    )?;
                    store::put_balance(tx, money(&w["balance"])?, 0)?;
                }
                "kyc" => {
                    if let Some(p) = &profile {
                        store::put_wallet(tx, &WalletRecord { tier: text(v, "tier")?, ..p.clone() })?;
                    }
                }
                "bank_link" => {
                    store::put_bank_link(
                        tx,
                        &store::BankLink {
                            id: text(v, "id")?,
                            bank_id: text(v, "bank_id")?,
                            bank_name: text(v, "bank_name")?,
                            last4: text(v, "account_last4")?,
                            holder_name: text(v, "holder_name")?,
                            created_at: now,
                        },
                    )?;
                }
                "topup" => {
                    let bank = v["bank_link_id"].as_str().map(str::to_owned);
                    let name = intent.context["bank_name"].as_str().unwrap_or("bank").to_owned();
                    store::insert_transaction(
                        tx,
                        &record("topup", Direction::In, money(&v["amount"])?, bank, format!("Top-up from {name}")),
                    )?;
                }
                "payment" => {
                    let name = v["merchant"]["name"].as_str().unwrap_or("merchant").to_owned();
                    let description = format!("Payment to {name} ({})", money(&v["total"])?.format());
                    store::insert_transaction(
                        tx,
                        &record("payment", Direction::Out, money(&v["debited"])?, Some(name), description),
                    )?;
                }
                "p2p" => {
                    let to = &v["to"];
                    let handle = text(to, "handle")?;
                    store::put_recipient(
                        tx,
                        &store::Recipient {
                            handle: handle.clone(),
                            display_name: text(to, "display_name")?,
                            country: text(to, "country")?,
                            last_used_at: created_at,
                        },
                    )?;
                    store::insert_transaction(
                        tx,
                        &record(
                            "p2p",
                            Direction::Out,
                            money(&v["amount"])?,
                            Some(format!("@{handle}")),
                            format!("Sent to @{handle}"),
                        ),
                    )?;
                }
                "remittance" => {
                    let name = v["recipient"]["name"].as_str().unwrap_or("recipient").to_owned();
                    let description = format!("Remittance to {name}: {} arrives", money(&v["receive"])?.format());
                    store::insert_transaction(
                        tx,
                        &record("remittance", Direction::Out, money(&v["total"])?, Some(name), description),
                    )?;
                }
                codes::PROVISION_KIND => codes::store_keys(tx, sealer, v, now)?,
                approvals::APPROVE_KIND => {
                    store::insert_transaction(tx, &approvals::approved_record(v, &intent.context, &intent.key, now)?)?;
                    store::set_charge_request_status(tx, &text(v, "id")?, "captured")?;
                }
                approvals::DECLINE_KIND => store::set_charge_request_status(tx, &text(v, "id")?, "declined")?,
                other => return Err(WalletError::Protocol(format!("unknown intent kind {other}"))),
            }
            if v["balance"].is_object() {
                store::put_balance(tx, money(&v["balance"])?, created_at)?;
            }
            store::put_sync_value(tx, CLOCK_OFFSET, offset)?;
            Ok::<_, WalletError>(())
        })
    }

    // ---- flows -------------------------------------------------------------------------

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
        self.submit("enrol", "/v1/devices", &body, json!({})).await?;
        self.enrolled()
    }

    /// Verifies the wallet holder's identity (raises limits, allows remittances).
    pub async fn verify_identity(&self, id: &Identity) -> Result<Balance, WalletError> {
        let w = self.enrolled()?;
        let body = json!({ "legal_name": id.legal_name, "date_of_birth": id.date_of_birth, "document_number": id.document_number });
        let v = self.submit("kyc", &format!("/v1/wallets/{}/kyc", w.wallet_id), &body, json!({})).await?;
        Balance::from_json(&v)
    }

    /// Links a bank account.
    pub async fn link_bank(&self, account: &BankAccount) -> Result<store::BankLink, WalletError> {
        self.enrolled()?;
        let mut body = json!({ "bank_id": account.bank_id, "account_number": account.account_number, "holder_name": account.holder_name });
        if let Some(m) = account.sandbox_opening_balance {
            body["sandbox_opening_balance"] = json!(m.minor());
        }
        let v = self.submit("bank_link", "/v1/bank-links", &body, json!({})).await?;
        let id = text(&v, "id")?;
        self.bank_links()?
            .into_iter()
            .find(|b| b.id == id)
            .ok_or_else(|| WalletError::Protocol("bank link not stored".into()))
    }

    /// Moves `amount` from a linked bank account into the wallet.
    pub async fn top_up(&self, bank_link_id: &str, amount: Money) -> Result<TransactionRecord, WalletError> {
        self.enrolled()?;
        positive(amount)?;
        let bank_name = self.bank_links()?.into_iter().find(|b| b.id == bank_link_id).map(|b| b.bank_name);
        let body = json!({ "bank_link_id": bank_link_id, "amount": money_json(amount) });
        let v = self.submit("topup", "/v1/topups", &body, json!({ "bank_name": bank_name })).await?;
        self.transaction(&text(&v, "id")?)
    }

    fn transaction(&self, id: &str) -> Result<TransactionRecord, WalletError> {
        store::transaction(lock(&self.store).conn(), id)?
            .ok_or_else(|| WalletError::Protocol(format!("transaction {id} not in history")))
    }

    /// Reads a scanned merchant code and prices it: amount, tip or fee, and for a foreign
    /// merchant an FX quote in the home currency — all to show before [`Wallet::confirm_payment`].
    pub async fn quote_payment(&self, req: &PaymentRequest) -> Result<PaymentQuote, WalletError> {
        let w = self.enrolled()?;
        let d = scheme::detect(&req.payload)?;
        if let CrcStatus::Invalid { .. } = d.crc {
            return Err(WalletError::NotPayable("the code's checksum does not match".into()));
        }
        if !matches!(d.presentment, Presentment::Merchant | Presentment::P2p) || !d.is_payable() {
            return Err(WalletError::NotPayable(format!("a {} {} code", d.format.as_str(), d.presentment.as_str())));
        }
        let route = match &req.route {
            Some(r) => {
                d.payable_routes()
                    .find(|x| x.scheme.as_str() == r)
                    .ok_or_else(|| WalletError::InvalidInput(format!("{r} is not a route of this code")))?
                    .scheme
            }
            None => d
                .payable_routes()
                .next()
                .map(|r| r.scheme)
                .ok_or_else(|| WalletError::NotPayable("no payable route".into()))?,
        };
        if route == scheme::registry::KOBAN_RECEIVE {
            return Err(WalletError::NotPayable("a Koban receive code: send to it instead of paying it".into()));
        }
        let currency = d.currency.ok_or_else(|| WalletError::NotPayable("the code names no currency".into()))?;
        let amount = match (req.amount, d.amount) {
            (Some(a), _) => a,
            (None, Some(code)) => code,
            (None, None) => {
                return Err(WalletError::InvalidInput("this code needs the amount the payer enters".into()))
            }
        };
        if amount.currency() != currency {
            return Err(WalletError::InvalidInput(format!("the merchant takes {}", currency.alpha())));
        }
        positive(amount)?;
        let (tip, tip_prompted) = match (d.tip, req.tip) {
            (Some(Tip::Prompt), Some(t)) if t.currency() == currency && t.minor() >= 0 => (t, true),
            (Some(Tip::Prompt), Some(_)) => {
                return Err(WalletError::InvalidInput(format!("the tip must be in {}", currency.alpha())))
            }
            (Some(Tip::Prompt), None) => (Money::zero(currency), true),
            (None, None) => (Money::zero(currency), false),
            (Some(Tip::Fixed { fee }), None) => (fee, false),
            (Some(Tip::Percentage { hundredths }), None) => {
                // The host rounds a percentage fee down to the minor unit; so do we.
                (
                    Money::from_minor((i128::from(amount.minor()) * i128::from(hundredths) / 10_000) as i64, currency),
                    false,
                )
            }
            (_, Some(_)) => return Err(WalletError::InvalidInput("this code does not ask for a tip".into())),
        };
        let mut references = Vec::new();
        for r in &d.references {
            match &r.value {
                Some(v) => references.push((r.kind, v.clone())),
                None => {
                    let given = req
                        .references
                        .iter()
                        .find(|(k, _)| *k == r.kind)
                        .map(|(_, v)| v.trim())
                        .filter(|v| !v.is_empty());
                    let v = given.ok_or_else(|| WalletError::MissingReference(format!("{:?}", r.kind)))?;
                    references.push((r.kind, v.to_owned()));
                }
            }
        }
        let total = amount.checked_add(tip).ok_or_else(|| WalletError::InvalidInput("amount too large".into()))?;
        let (fx, debit, fee) = if currency == w.currency {
            (None, total, Money::zero(w.currency))
        } else {
            let q = self.fx_quote(&json!({ "purpose": "merchant_payment", "receive": money_json(total) })).await?;
            let (debit, fee) = (q.total, q.fee);
            (Some(q), debit, fee)
        };
        Ok(PaymentQuote {
            payload: req.payload.trim().to_owned(),
            route: route.as_str().to_owned(),
            merchant_name: d.merchant.as_ref().and_then(|m| m.name.clone()),
            merchant_country: d.country.clone(),
            amount,
            tip,
            total,
            fx,
            debit,
            fee,
            references,
            tip_prompted,
        })
    }

    async fn fx_quote(&self, body: &Value) -> Result<FxQuote, WalletError> {
        let v = self.post_idempotent("/v1/quotes", body).await?;
        let q = FxQuote::from_json(&v)?;
        lock(&self.store).write(|tx, _| store::put_quote(tx, &q.id, &q.purpose, &v, q.expires_at))?;
        Ok(q)
    }

    /// Pays a quoted merchant payment.
    pub async fn confirm_payment(&self, q: &PaymentQuote) -> Result<TransactionRecord, WalletError> {
        let mut body = json!({ "payload": q.payload, "route": q.route, "amount": money_json(q.amount) });
        if q.tip_prompted && q.tip.minor() > 0 {
            body["tip"] = money_json(q.tip);
        }
        if let Some(fx) = &q.fx {
            body["quote_id"] = json!(fx.id);
        }
        let refs: Vec<Value> = q.references.iter().map(|(k, v)| json!({ "kind": k, "value": v })).collect();
        let context = json!({ "references": refs, "shown_debit": money_json(q.debit), "shown_fee": money_json(q.fee) });
        let v = self.submit("payment", "/v1/payments", &body, context).await?;
        self.transaction(&text(&v, "id")?)
    }

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
            SendTo::Handle(h) => json!({ "handle": h.trim_start_matches('@') }),
            SendTo::ReceiveCode(c) => json!({ "receive_code": c.trim() }),
        };
        let mut body = json!({ "to": to, "amount": money_json(amount) });
        if let Some(m) = message {
            body["message"] = json!(m);
        }
        let v = self.submit("p2p", "/v1/transfers", &body, json!({})).await?;
        self.transaction(&text(&v, "id")?)
    }

    /// Quotes a remittance to `destination_country`: rate, fee, total and arrival estimate.
    pub async fn quote_remittance(
        &self,
        destination_country: &str,
        amount: QuoteAmount,
    ) -> Result<FxQuote, WalletError> {
        self.enrolled()?;
        let mut body = json!({ "purpose": "remittance", "destination_country": destination_country });
        match amount {
            QuoteAmount::Send(m) => body["send"] = money_json(m),
            QuoteAmount::Receive(m) => body["receive"] = money_json(m),
        }
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
        let mut r = json!({ "name": recipient.name });
        match &recipient.destination {
            RemitDestination::Handle(h) => r["handle"] = json!(h.trim_start_matches('@')),
            RemitDestination::Payout { method, provider, account } => {
                r["payout"] = json!({ "method": method, "provider": provider, "account": account })
            }
        }
        if let Some(rel) = &recipient.relationship {
            r["relationship"] = json!(rel);
        }
        let mut body = json!({ "quote_id": quote.id, "recipient": r, "purpose": purpose });
        if let Some(m) = message {
            body["message"] = json!(m);
        }
        let context = json!({ "shown_total": money_json(quote.total), "shown_receive": money_json(quote.receive), "rate": quote.rate });
        let v = self.submit("remittance", "/v1/remittances", &body, context).await?;
        self.transaction(&text(&v, "id")?)
    }

    /// Brings in what happened at the host since the last sync: transfers others sent, till
    /// charges of this wallet's codes, charges waiting for approval, revoked codes (long-polling up to `wait_secs`,
    /// capped below the request timeout), then refreshes the balance.
    pub async fn sync(&self, wait_secs: u64) -> Result<SyncReport, WalletError> {
        self.enrolled()?;
        let mut after = store::sync_value(lock(&self.store).conn(), EVENTS_CURSOR)?.unwrap_or(0);
        let mut applied = events::Applied::default();
        // A long poll must end before the request timeout, or it would read as a failure.
        let mut wait = wait_secs.min(self.timeout.as_secs().saturating_sub(2));
        loop {
            let v = self.get(&format!("/v1/events?after={after}&wait={wait}")).await?;
            let events = v["events"].as_array().cloned().unwrap_or_default();
            let last = v["last_seq"].as_i64().unwrap_or(after);
            let now = now_secs();
            let heard = events.iter().map(|e| events::read(e, now)).collect::<Result<Vec<_>, _>>()?;
            lock(&self.store).write(|tx, _| {
                events::apply(tx, heard, &mut applied)?;
                store::put_sync_value(tx, EVENTS_CURSOR, last)?;
                Ok::<_, WalletError>(())
            })?;
            // The host pages events by 100: keep reading without waiting until caught up.
            if events.len() < 100 || last == after {
                break;
            }
            after = last;
            wait = 0;
        }
        let balance = self.balance().await.ok().map(|b| b.available);
        Ok(SyncReport {
            received: applied.received,
            charged: applied.charged,
            charge_requests: applied.charge_requests,
            codes_revoked: applied.keys_dropped as u32,
            balance,
        })
    }
}

fn positive(m: Money) -> Result<(), WalletError> {
    if m.minor() <= 0 {
        return Err(WalletError::InvalidInput("the amount must be positive".into()));
    }
    Ok(())
}
