//! The merchant terminal (the till), over `koban_core::terminal::Terminal`: enrol for one
//! merchant, charge the codes shoppers present (Koban codes, and tourists' Alipay+, WeChat Pay
//! and UnionPay codes the host acquires through their networks), refund, make one-payment
//! merchant codes and read the day's settlement.
//!
//! The terminal's P-256 signing key is made in Rust and kept in the terminal's own database,
//! sealed under a data key the app's [`KeyStore`] wraps, as the wallet keeps its device key:
//! only that data key ever crosses to the app, never the key itself.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use koban_core::crypto::DeviceKey;
use koban_core::money::Money as CoreMoney;
use koban_core::net::{self, api};
use koban_core::store::{self, Store};
use koban_core::terminal as core;

use crate::error::TerminalError;
use crate::money::{CurrencyCode, Money};
use crate::platform::{HttpTransport, KeyStore, KeyStoreAdapter, TransportAdapter};

/// The sealed secret holding the signing key's PKCS#8 document.
const KEY_SECRET: &str = "terminal_key";
/// The sealed secret holding the merchant the terminal enrolled for.
const MERCHANT_SECRET: &str = "terminal_merchant_id";
/// Limit on one request through the app's transport (the core's own transport uses the same).
const TIMEOUT: Duration = Duration::from_secs(10);

/// The network a shopper's code belongs to. (`PaymentNetwork`, not `Network`: Swift apps
/// import Apple's `Network` module.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum PaymentNetwork {
    /// A Koban wallet.
    Koban,
    /// Alipay and its Alipay+ partner wallets.
    AlipayPlus,
    /// WeChat Pay.
    WechatPay,
    /// UnionPay.
    Unionpay,
}

impl From<core::Network> for PaymentNetwork {
    fn from(n: core::Network) -> Self {
        match n {
            core::Network::Koban => PaymentNetwork::Koban,
            core::Network::AlipayPlus => PaymentNetwork::AlipayPlus,
            core::Network::WechatPay => PaymentNetwork::WechatPay,
            core::Network::Unionpay => PaymentNetwork::Unionpay,
        }
    }
}

/// Where a charge stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChargeStatus {
    /// The money moved to the merchant.
    Captured,
    /// Above the shopper's no-confirmation limit: waiting for approval on the phone.
    PendingApproval,
    /// Refused after the code was read (funds, limits): the code is used up, nothing moved.
    Refused,
    /// The shopper declined on the phone; nothing moved.
    Declined,
    /// The shopper did not answer in time; nothing moved.
    Expired,
}

impl From<core::ChargeStatus> for ChargeStatus {
    fn from(s: core::ChargeStatus) -> Self {
        match s {
            core::ChargeStatus::Captured => ChargeStatus::Captured,
            core::ChargeStatus::PendingApproval => ChargeStatus::PendingApproval,
            core::ChargeStatus::Refused => ChargeStatus::Refused,
            core::ChargeStatus::Declined => ChargeStatus::Declined,
            core::ChargeStatus::Expired => ChargeStatus::Expired,
        }
    }
}

/// A charge as the host reports it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Charge {
    /// The host's charge id.
    pub id: String,
    /// Where it stands.
    pub status: ChargeStatus,
    /// The network that took the code.
    pub network: PaymentNetwork,
    /// The amount charged, in the merchant's currency.
    pub amount: Money,
    /// What a foreign network took from its user, in the user's currency (once captured).
    pub customer_amount: Option<Money>,
    /// That network's rate, the user's currency per the merchant's (decimal text).
    pub rate: Option<String>,
    /// The ledger transaction of a capture (refund by it, or by the charge id).
    pub transaction_id: Option<String>,
    /// Until when the shopper may approve a pending charge (host clock).
    pub approve_by: Option<SystemTime>,
    /// The host's refusal kind of a refused charge (`insufficient_funds`, …).
    pub refusal: Option<String>,
}

impl From<core::Charge> for Charge {
    fn from(c: core::Charge) -> Self {
        Charge {
            id: c.id,
            status: c.status.into(),
            network: c.network.into(),
            amount: c.amount.into(),
            customer_amount: c.customer_amount.map(Into::into),
            rate: c.rate,
            transaction_id: c.transaction_id,
            approve_by: c.approve_by.map(crate::time::at),
            refusal: c.refusal,
        }
    }
}

/// What a refund gives back.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum RefundOf {
    /// A till charge, by its charge id.
    Charge { id: String },
    /// A till charge's or a merchant payment's transaction id.
    Transaction { id: String },
}

impl From<RefundOf> for core::RefundOf {
    fn from(r: RefundOf) -> Self {
        match r {
            RefundOf::Charge { id } => core::RefundOf::Charge(id),
            RefundOf::Transaction { id } => core::RefundOf::Transaction(id),
        }
    }
}

/// A refund as the host reports it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Refund {
    /// The host's refund id.
    pub id: String,
    /// The refund's ledger transaction.
    pub transaction_id: String,
    /// The transaction refunded.
    pub original_transaction_id: String,
    /// The till charge refunded, when the original was one.
    pub charge_id: Option<String>,
    /// What this refund gave back, in the merchant's currency.
    pub amount: Money,
    /// Everything refunded of the original so far.
    pub refunded_total: Money,
    /// What may still be refunded.
    pub refundable: Money,
    /// What went back to a foreign network's user, in the user's currency.
    pub customer_amount: Option<Money>,
}

impl From<core::Refund> for Refund {
    fn from(r: core::Refund) -> Self {
        Refund {
            id: r.id,
            transaction_id: r.transaction_id,
            original_transaction_id: r.original_transaction_id,
            charge_id: r.charge_id,
            amount: r.amount.into(),
            refunded_total: r.refunded_total.into(),
            refundable: r.refundable.into(),
            customer_amount: r.customer_amount.map(Into::into),
        }
    }
}

/// One network's share of the merchant's day.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SettlementLine {
    /// The network the shoppers paid through.
    pub network: PaymentNetwork,
    /// Payments captured.
    pub payments: i32,
    /// Refunds given.
    pub refunds: i32,
    /// Captured, in the merchant's currency.
    pub gross: Money,
    /// Refunded, in the merchant's currency.
    pub refunded: Money,
    /// What this network settles to the merchant.
    pub net: Money,
    /// What the shoppers paid in their own currency, net of refunds (foreign networks).
    pub customer_net: Option<Money>,
}

impl From<core::SettlementLine> for SettlementLine {
    fn from(l: core::SettlementLine) -> Self {
        SettlementLine {
            network: l.network.into(),
            payments: signed(l.payments),
            refunds: signed(l.refunds),
            gross: l.gross.into(),
            refunded: l.refunded.into(),
            net: l.net.into(),
            customer_net: l.customer_net.map(Into::into),
        }
    }
}

/// The merchant's day, per network.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Settlement {
    /// The merchant.
    pub merchant_id: String,
    /// The merchant's local calendar day, `YYYY-MM-DD`.
    pub date: String,
    /// When the day starts (inclusive, host clock).
    pub starts_at: SystemTime,
    /// When the day ends (exclusive, host clock).
    pub ends_at: SystemTime,
    /// One line per network that moved money that day, in the host's order.
    pub lines: Vec<SettlementLine>,
    /// What the merchant receives for the day.
    pub net: Money,
}

impl From<core::Settlement> for Settlement {
    fn from(s: core::Settlement) -> Self {
        Settlement {
            merchant_id: s.merchant_id,
            date: s.date,
            starts_at: crate::time::at(s.from),
            ends_at: crate::time::at(s.to),
            lines: s.lines.into_iter().map(Into::into).collect(),
            net: s.net.into(),
        }
    }
}

/// What the host said about a newly enrolled terminal.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Enrolled {
    /// The terminal's id (derived from its key; [`Terminal::id`]).
    pub terminal_id: String,
    /// The merchant it charges for.
    pub merchant_id: String,
    /// The merchant's name.
    pub merchant_name: String,
    /// The merchant's currency.
    pub currency: CurrencyCode,
}

impl TryFrom<core::Enrolled> for Enrolled {
    type Error = TerminalError;
    fn try_from(e: core::Enrolled) -> Result<Self, TerminalError> {
        let currency = CurrencyCode::parse(&e.currency).ok_or_else(|| {
            TerminalError::Internal(format!("merchant {} in an unknown currency {}", e.merchant_id, e.currency))
        })?;
        Ok(Enrolled {
            terminal_id: e.terminal_id,
            merchant_id: e.merchant_id,
            merchant_name: e.merchant_name,
            currency,
        })
    }
}

/// A one-payment merchant code for the customer to scan.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DynamicCode {
    /// The host's code id.
    pub id: String,
    /// Its merchant.
    pub merchant_id: String,
    /// The EMV payload to show as a QR code.
    pub payload: String,
    /// The amount it asks for.
    pub amount: Money,
    /// Its reference label (the one given, or one the host made).
    pub reference: String,
}

impl TryFrom<api::DynamicCode> for DynamicCode {
    type Error = TerminalError;
    fn try_from(c: api::DynamicCode) -> Result<Self, TerminalError> {
        let amount = c.amount.money().ok_or_else(|| {
            TerminalError::Internal(format!("a dynamic code in an unknown currency {}", c.amount.currency))
        })?;
        Ok(DynamicCode {
            id: c.id,
            merchant_id: c.merchant_id,
            payload: c.payload,
            amount: amount.into(),
            reference: c.reference,
        })
    }
}

/// A merchant terminal: the till's side of the host, signing as its own enrolled key.
#[derive(uniffi::Object)]
pub struct Terminal {
    core: core::Terminal,
    // Shared with the blocking pool, where the database is written.
    store: Arc<Mutex<Store>>,
    merchant_id: Mutex<Option<String>>,
}

impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Terminal").field("id", &self.core.id()).finish_non_exhaustive()
    }
}

/// Opens the terminal's database and its key (made and sealed on first use), and the merchant
/// it enrolled for: disk and key-store work, run on the blocking pool.
fn open_store(
    db_path: &str,
    key_store: Arc<dyn KeyStore>,
) -> Result<(Store, DeviceKey, Option<String>), TerminalError> {
    let mut store = Store::open(db_path, &KeyStoreAdapter(key_store))?;
    let key = match store.secret(KEY_SECRET)? {
        Some(pkcs8) => DeviceKey::from_pkcs8(&pkcs8)
            .map_err(|e| TerminalError::KeyStore(format!("the sealed terminal key does not load: {e}")))?,
        None => {
            let key = DeviceKey::generate()?;
            // A generated key is a software one: it always has its document.
            let pkcs8 = key.pkcs8().ok_or_else(|| TerminalError::KeyStore("a new key without its document".into()))?;
            store.write(|tx, s| store::put_secret(tx, s, KEY_SECRET, pkcs8))?;
            key
        }
    };
    let merchant = match store.secret(MERCHANT_SECRET)? {
        Some(id) => {
            Some(String::from_utf8(id.to_vec()).map_err(|_| TerminalError::Storage("unreadable merchant id".into()))?)
        }
        None => None,
    };
    Ok((store, key, merchant))
}

/// Runs `f` on the blocking pool (disk, key store), so the caller's thread never waits on it.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, TerminalError> + Send + 'static,
) -> Result<T, TerminalError> {
    // One blocking-pool task type for every call (the answer comes back over a channel), so
    // tokio's task machinery is linked once, not once per call.
    let (answer, answered) = tokio::sync::oneshot::channel();
    let job: Box<dyn FnOnce() + Send> = Box::new(move || {
        let _ = answer.send(f());
    });
    let lost = |e: &dyn std::fmt::Display| TerminalError::Internal(format!("terminal storage task: {e}"));
    tokio::task::spawn_blocking(job).await.map_err(|e| lost(&e))?;
    answered.await.map_err(|e| lost(&e))?
}

#[uniffi::export(async_runtime = "tokio")]
impl Terminal {
    /// Opens (creating) the terminal at `db_path` for the host at `host_url`, over the
    /// platform's `transport` (required by the phone library, which has no HTTP stack of its
    /// own). The first open makes the terminal's signing key and keeps it sealed there under a
    /// data key that `key_store` wraps; later opens load it, so the terminal keeps its id and
    /// enrolment.
    #[uniffi::constructor(default(transport = None))]
    pub async fn open(
        db_path: String,
        key_store: Arc<dyn KeyStore>,
        host_url: String,
        transport: Option<Arc<dyn HttpTransport>>,
    ) -> Result<Arc<Terminal>, TerminalError> {
        let (store, key, merchant_id) = blocking(move || open_store(&db_path, key_store)).await?;
        let transport = transport
            .map(|inner| Arc::new(TransportAdapter { inner, timeout: TIMEOUT }) as Arc<dyn net::HttpTransport>);
        // Its one failure: no transport given, and no HTTP stack of its own (the phone library
        // is built without one), which the caller fixes by passing the platform's.
        let core = core::Terminal::new(&host_url, key, transport).map_err(|e| match e {
            core::TerminalError::Protocol(reason) => TerminalError::InvalidInput(format!("invalid input: {reason}")),
            other => other.into(),
        })?;
        Ok(Arc::new(Terminal { core, store: Arc::new(Mutex::new(store)), merchant_id: Mutex::new(merchant_id) }))
    }

    /// Enrols this terminal for `merchant_id` with a one-time token from the host's operator,
    /// and remembers the merchant (for [`Terminal::dynamic_code`], across restarts).
    pub async fn enrol(&self, merchant_id: String, enrolment_token: String) -> Result<Enrolled, TerminalError> {
        let enrolled = self.core.enrol(&merchant_id, &enrolment_token).await?;
        let (store, id) = (self.store.clone(), enrolled.merchant_id.clone());
        blocking(move || {
            let mut store = store.lock().unwrap_or_else(PoisonError::into_inner);
            Ok(store.write(|tx, s| store::put_secret(tx, s, MERCHANT_SECRET, id.as_bytes()))?)
        })
        .await?;
        *self.merchant_id.lock().unwrap_or_else(PoisonError::into_inner) = Some(enrolled.merchant_id.clone());
        enrolled.try_into()
    }

    /// Charges a presented code (a Koban code, or a tourist's Alipay+, WeChat Pay or UnionPay
    /// code) for `amount` in the merchant's currency. The same code and amount sent again
    /// gets the host's stored outcome, never a second charge. `scanned_at` is an offline
    /// till's scan time.
    #[uniffi::method(default(scanned_at = None))]
    pub async fn charge(
        &self,
        code: String,
        amount: Money,
        scanned_at: Option<SystemTime>,
    ) -> Result<Charge, TerminalError> {
        let amount = CoreMoney::from(&amount);
        Ok(self.core.charge(&code, amount, scanned_at.map(crate::time::secs)).await?.into())
    }

    /// A charge of this terminal's merchant as it stands now (a pending one, say).
    pub async fn charge_status(&self, charge_id: String) -> Result<Charge, TerminalError> {
        Ok(self.core.charge_status(&charge_id).await?.into())
    }

    /// Refunds a payment to this merchant: all that is left, or `amount` of it. A foreign
    /// charge goes back through its network. `idempotency_key` names this refund (a return
    /// slip's number): sent again it gets the same refund, never a second one.
    #[uniffi::method(default(amount = None))]
    pub async fn refund(
        &self,
        of: RefundOf,
        idempotency_key: String,
        amount: Option<Money>,
    ) -> Result<Refund, TerminalError> {
        let amount = amount.as_ref().map(CoreMoney::from);
        Ok(self.core.refund(&of.into(), amount, &idempotency_key).await?.into())
    }

    /// A one-payment merchant code asking for `amount`, for the customer to scan, with the
    /// merchant's `reference` (a bill or order number; one is made when absent). The same
    /// reference sent again gets the same code.
    #[uniffi::method(default(reference = None))]
    pub async fn dynamic_code(&self, amount: Money, reference: Option<String>) -> Result<DynamicCode, TerminalError> {
        let merchant_id = self.merchant_id().ok_or_else(|| {
            TerminalError::NotEnrolled("this terminal is not enrolled yet: enrol it for a merchant first".into())
        })?;
        let request = api::DynamicCodeRequest {
            amount: CoreMoney::from(&amount).into(),
            reference,
            bill_number: None,
            tip: None,
        };
        self.core.dynamic_code(&merchant_id, &request).await?.try_into()
    }

    /// The merchant's day: `date` (`YYYY-MM-DD`) is the merchant's local calendar day, today
    /// when absent.
    #[uniffi::method(default(date = None))]
    pub async fn settlement(&self, date: Option<String>) -> Result<Settlement, TerminalError> {
        Ok(self.core.settlement(date.as_deref()).await?.into())
    }
}

#[uniffi::export]
impl Terminal {
    /// This terminal's id at the host (derived from its key).
    pub fn id(&self) -> String {
        self.core.id()
    }

    /// The merchant this terminal enrolled for; `None` before [`Terminal::enrol`] (local).
    pub fn merchant_id(&self) -> Option<String> {
        self.merchant_id.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// A count from the core, for the app; saturates (no count comes near it).
fn signed(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// Test hooks of the terminal's error kinds, for the suites' `kind` extensions.
#[cfg(feature = "test-hooks")]
mod hooks {
    use crate::error::TerminalError;

    /// Test hook: every terminal error kind, so the suites can check their `kind` mappings.
    #[uniffi::export]
    pub fn test_hook_terminal_error_kinds() -> Vec<String> {
        TerminalError::kinds().into_iter().map(str::to_owned).collect()
    }

    /// Test hook: fails with the [`TerminalError`] variant of `kind`, whose message is `message`.
    #[uniffi::export]
    pub fn test_hook_terminal_error(kind: String, message: String) -> Result<(), TerminalError> {
        match TerminalError::of_kind(&kind, message) {
            Some(e) => Err(e),
            None => panic!("unknown terminal error kind {kind:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::file_key_store;
    use crate::scheme::detect;
    use koban_sandbox::{Config, Sandbox};

    fn jpy(minor: i64) -> Money {
        Money { minor, currency: CurrencyCode::Jpy }
    }

    struct Host {
        sandbox: Sandbox,
        dir: tempfile::TempDir,
    }

    impl Host {
        async fn start() -> Host {
            let sandbox = Sandbox::start(Config { admin: true, ..Config::default() }).await.expect("sandbox starts");
            Host { sandbox, dir: tempfile::tempdir().unwrap() }
        }

        fn path(&self, name: &str) -> String {
            self.dir.path().join(name).to_string_lossy().into_owned()
        }

        async fn open(&self, key_file: &str) -> Result<Arc<Terminal>, TerminalError> {
            let key_store = file_key_store(self.path(key_file)).unwrap();
            Terminal::open(self.path("till.sqlite3"), key_store, self.sandbox.url(), None).await
        }

        async fn token(&self, merchant_id: &str) -> String {
            let r: serde_json::Value = reqwest::Client::new()
                .post(format!("{}/admin/merchants/{merchant_id}/enrolment-tokens", self.sandbox.url()))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            r["token"].as_str().unwrap().to_owned()
        }
    }

    impl Drop for Host {
        fn drop(&mut self) {
            if !std::thread::panicking() {
                let report = self.sandbox.check_invariants();
                assert!(report.is_ok(), "ledger invariants violated: {report:?}");
            }
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_terminal_keeps_its_key_and_merchant_across_opens_under_its_key_store() {
        let host = Host::start().await;
        let till = host.open("a.key").await.unwrap();
        let id = till.id();
        assert!(id.starts_with("d_"), "{id}");
        assert_eq!(till.merchant_id(), None);
        let e = till.dynamic_code(jpy(1_000), None).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.to_string().as_str()),
            ("not_enrolled", "this terminal is not enrolled yet: enrol it for a merchant first")
        );

        let enrolled = till.enrol("m_jp_ramen".into(), host.token("m_jp_ramen").await).await.unwrap();
        assert_eq!((enrolled.terminal_id.as_str(), enrolled.merchant_id.as_str()), (id.as_str(), "m_jp_ramen"));
        assert_eq!(enrolled.currency, CurrencyCode::Jpy);
        drop(till);

        // The same key after a restart: the host knows it, the merchant is remembered.
        let again = host.open("a.key").await.unwrap();
        assert_eq!((again.id(), again.merchant_id()), (id.clone(), Some("m_jp_ramen".to_owned())));
        let code = again.dynamic_code(jpy(1_500), Some("ORDER-7".into())).await.unwrap();
        assert_eq!((code.amount, code.reference.as_str()), (jpy(1_500), "ORDER-7"));
        assert_eq!(detect(code.payload).unwrap().amount, Some(jpy(1_500)));
        let day = again.settlement(None).await.unwrap();
        assert_eq!((day.merchant_id.as_str(), day.net.currency), ("m_jp_ramen", CurrencyCode::Jpy));
        assert!(day.starts_at < day.ends_at);
        drop(again);

        // Another key store cannot open the sealed key.
        let e = host.open("b.key").await.unwrap_err();
        assert_eq!((e.kind(), e.to_string().as_str()), ("key_store", "wrapped key does not unwrap"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn refusals_and_bad_input_arrive_typed() {
        let host = Host::start().await;
        let till = host.open("a.key").await.unwrap();
        // Not enrolled yet: the host does not know the terminal.
        let e = till.charge_status("ch_nope".into()).await.unwrap_err();
        assert_eq!(e.kind(), "unknown_terminal", "{e}");
        till.enrol("m_jp_ramen".into(), host.token("m_jp_ramen").await).await.unwrap();
        // The same key again, with a fresh token: already enrolled.
        let e = till.enrol("m_jp_ramen".into(), host.token("m_jp_ramen").await).await.unwrap_err();
        assert!(matches!(e, TerminalError::AlreadyEnrolled(_)), "{e:?}");
        let e = till.charge("not a code".into(), jpy(500), None).await.unwrap_err();
        assert!(matches!(e, TerminalError::InvalidPayload(_)), "{e:?}");
        // (An amount in an unknown currency cannot be written: `CurrencyCode` is closed.)
        let e = till.refund(RefundOf::Charge { id: "ch_nope".into() }, "slip-1".into(), None).await.unwrap_err();
        assert!(matches!(e, TerminalError::NotFound(_)), "{e:?}");
        let e = till.settlement(Some("2026-02-30".into())).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.to_string().as_str()),
            ("invalid_input", "invalid input: \"2026-02-30\" is not a date (YYYY-MM-DD)")
        );
    }
}
