//! The exported wallet API driven as Kotlin or Swift would drive it: objects built through
//! their constructors, async methods awaited on a tokio runtime, and the foreign traits
//! (key store, logger, HTTP transport, listener) implemented here, against the real sandbox
//! host on loopback.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use koban_core::crypto::DeviceKey;
use koban_core::terminal::{ChargeStatus, Terminal};
use koban_ffi::{
    file_key_store, BankAccount, ChargeRequest, ChargeRequestStatus, CurrencyCode, Direction, Enrolment, HttpRequest,
    HttpResponse, HttpTransport, Identity, KeyStore, LogLevel, Logger, Money, MoneyRequest, MoneyRequestStatus,
    PaymentRequest, PlatformError, QuoteAmount, QuotePurpose, RemitDestination, RemitRecipient, RemittancePurpose,
    SendTo, Tier, TransactionKind, Wallet, WalletConfig, WalletError, WalletListener, WalletTransaction,
};
use koban_sandbox::{Config, Sandbox};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_ASN1_SIGNING};

fn jpy(minor: i64) -> Money {
    Money { minor, currency: CurrencyCode::Jpy }
}

/// A key store as an app would write one: here an XOR "wrap" with a device secret, and a
/// switch that makes it throw like a locked Android Keystore.
struct AppKeyStore {
    secret: u8,
    locked: Mutex<bool>,
    calls: Mutex<u32>,
    // A platform that holds signing keys (as Android Keystore and the Secure Enclave do),
    // signing in DER as they do; `None`: a platform without them.
    hardware: Option<Mutex<HashMap<String, EcdsaKeyPair>>>,
    signatures: Mutex<u32>,
}

impl AppKeyStore {
    fn new(secret: u8) -> Arc<AppKeyStore> {
        Arc::new(AppKeyStore {
            secret,
            locked: Mutex::new(false),
            calls: Mutex::new(0),
            hardware: None,
            signatures: Mutex::new(0),
        })
    }
    fn with_hardware(secret: u8) -> Arc<AppKeyStore> {
        Arc::new(AppKeyStore {
            hardware: Some(Mutex::new(HashMap::new())),
            ..Arc::into_inner(AppKeyStore::new(secret)).unwrap()
        })
    }
    fn check(&self) -> Result<(), PlatformError> {
        *self.calls.lock().unwrap() += 1;
        if *self.locked.lock().unwrap() {
            return Err(PlatformError::Failed { reason: "KeyStoreException: the device is locked".into() });
        }
        Ok(())
    }
}

impl KeyStore for AppKeyStore {
    fn wrap(&self, data_key: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        self.check()?;
        let mut out = vec![self.secret];
        out.extend(data_key.iter().map(|b| b ^ self.secret));
        Ok(out)
    }
    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        self.check()?;
        match wrapped.split_first() {
            Some((tag, rest)) if *tag == self.secret => Ok(rest.iter().map(|b| b ^ self.secret).collect()),
            _ => Err(PlatformError::BadWrappedKey),
        }
    }
    fn signing_key(&self, alias: String) -> Result<Option<Vec<u8>>, PlatformError> {
        self.check()?;
        let Some(keys) = &self.hardware else { return Ok(None) };
        let mut keys = keys.lock().unwrap();
        let rng = SystemRandom::new();
        let key = keys.entry(alias).or_insert_with(|| {
            let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, doc.as_ref(), &rng).unwrap()
        });
        Ok(Some(key.public_key().as_ref().to_vec()))
    }
    fn sign(&self, alias: String, message: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        self.check()?;
        let keys = self.hardware.as_ref().ok_or(PlatformError::Failed { reason: "no hardware keys".into() })?;
        let keys = keys.lock().unwrap();
        let key =
            keys.get(&alias).ok_or(PlatformError::Failed { reason: "KeyPermanentlyInvalidatedException".into() })?;
        *self.signatures.lock().unwrap() += 1;
        Ok(key.sign(&SystemRandom::new(), &message).unwrap().as_ref().to_vec())
    }
}

#[derive(Default)]
struct Lines(Mutex<Vec<(LogLevel, String)>>);

impl Logger for Lines {
    fn log(&self, level: LogLevel, message: String) -> Result<(), PlatformError> {
        self.0.lock().unwrap().push((level, message));
        Ok(())
    }
}

/// An app HTTP stack: forwards with its own reqwest client and counts requests, or fails like a dead network.
struct AppTransport {
    client: reqwest::Client,
    sent: Mutex<u32>,
    offline: bool,
}

#[async_trait::async_trait]
impl HttpTransport for AppTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, PlatformError> {
        *self.sent.lock().unwrap() += 1;
        if self.offline {
            return Err(PlatformError::Connection { reason: "network is unreachable".into() });
        }
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap();
        let mut b = self.client.request(method, &request.url);
        for h in &request.headers {
            b = b.header(&h.name, &h.value);
        }
        let r = b.body(request.body).send().await.map_err(|e| PlatformError::Connection { reason: e.to_string() })?;
        let status = r.status().as_u16();
        let headers = r
            .headers()
            .iter()
            .map(|(k, v)| koban_ffi::HttpHeader { name: k.to_string(), value: v.to_str().unwrap_or("").into() })
            .collect();
        Ok(HttpResponse { status: status.into(), headers, body: r.bytes().await.unwrap().to_vec() })
    }
}

/// Hands each incoming transfer to the test over a channel.
struct Inbox(tokio::sync::mpsc::UnboundedSender<WalletTransaction>);

impl WalletListener for Inbox {
    fn on_incoming(&self, transaction: WalletTransaction) -> Result<(), PlatformError> {
        self.0.send(transaction).map_err(|_| PlatformError::Failed { reason: "inbox closed".into() })
    }
    fn on_charge_request(&self, _request: ChargeRequest) -> Result<(), PlatformError> {
        Ok(())
    }
    fn on_money_request(&self, _request: MoneyRequest) -> Result<(), PlatformError> {
        Ok(())
    }
}

/// Hands each till charge waiting for approval to the test, as a phone's prompt would get it.
struct Prompts(tokio::sync::mpsc::UnboundedSender<ChargeRequest>);

impl WalletListener for Prompts {
    fn on_incoming(&self, _transaction: WalletTransaction) -> Result<(), PlatformError> {
        Ok(())
    }
    fn on_charge_request(&self, request: ChargeRequest) -> Result<(), PlatformError> {
        self.0.send(request).map_err(|_| PlatformError::Failed { reason: "prompts closed".into() })
    }
    fn on_money_request(&self, _request: MoneyRequest) -> Result<(), PlatformError> {
        Ok(())
    }
}

/// Hands each money request heard (asked of this wallet, or its own answered) to the test.
struct Asks(tokio::sync::mpsc::UnboundedSender<MoneyRequest>);

impl WalletListener for Asks {
    fn on_incoming(&self, _transaction: WalletTransaction) -> Result<(), PlatformError> {
        Ok(())
    }
    fn on_charge_request(&self, _request: ChargeRequest) -> Result<(), PlatformError> {
        Ok(())
    }
    fn on_money_request(&self, request: MoneyRequest) -> Result<(), PlatformError> {
        self.0.send(request).map_err(|_| PlatformError::Failed { reason: "asks closed".into() })
    }
}

/// The host's spelling of an exported enum, so assertions read as the API documents them.
trait Spelled {
    fn as_str(&self) -> &'static str;
}

impl Spelled for TransactionKind {
    fn as_str(&self) -> &'static str {
        match self {
            TransactionKind::TopUp => "topup",
            TransactionKind::Withdrawal => "withdrawal",
            TransactionKind::Payment => "payment",
            TransactionKind::TillCharge => "cpm_charge",
            TransactionKind::Transfer => "p2p",
            TransactionKind::Remittance => "remittance",
            TransactionKind::RemittanceReturn => "remittance_return",
            TransactionKind::Refund => "refund",
            TransactionKind::Unknown => "unknown",
        }
    }
}

impl Spelled for MoneyRequestStatus {
    fn as_str(&self) -> &'static str {
        match self {
            MoneyRequestStatus::Pending => "pending",
            MoneyRequestStatus::Paid => "paid",
            MoneyRequestStatus::Declined => "declined",
            MoneyRequestStatus::Expired => "expired",
            MoneyRequestStatus::Unknown => "unknown",
        }
    }
}

impl Spelled for ChargeRequestStatus {
    fn as_str(&self) -> &'static str {
        match self {
            ChargeRequestStatus::Pending => "pending",
            ChargeRequestStatus::Approved => "approved",
            ChargeRequestStatus::Declined => "declined",
            ChargeRequestStatus::Expired => "expired",
            ChargeRequestStatus::Refused => "refused",
            ChargeRequestStatus::Unknown => "unknown",
        }
    }
}

struct Host {
    sandbox: Sandbox,
    url: String,
    dir: tempfile::TempDir,
}

impl Host {
    async fn start() -> Host {
        let sandbox = Sandbox::start(Config { admin: true, ..Config::default() }).await.expect("sandbox starts");
        let url = sandbox.url();
        Host { sandbox, url, dir: tempfile::tempdir().unwrap() }
    }
    fn config(&self) -> WalletConfig {
        WalletConfig { host_url: self.url.clone(), timeout_ms: 10_000, max_attempts: 3 }
    }
    fn db(&self, name: &str) -> String {
        self.dir.path().join(format!("{name}.sqlite3")).to_string_lossy().into_owned()
    }
    async fn merchant_payload(&self, id: &str) -> String {
        let r: serde_json::Value =
            reqwest::get(format!("{}/v1/merchants", self.url)).await.unwrap().json().await.unwrap();
        r["merchants"].as_array().unwrap().iter().find(|m| m["id"] == id).unwrap()["static_payload"]
            .as_str()
            .unwrap()
            .to_owned()
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

async fn enrolled(
    host: &Host,
    name: &str,
    key_store: Arc<dyn KeyStore>,
    logger: Option<Arc<dyn Logger>>,
) -> Arc<Wallet> {
    let w = Wallet::open(host.db(name), key_store, host.config(), None, logger).await.expect("opens");
    w.enrol(Enrolment { country: "JP".into(), handle: name.into(), display_name: name.into() }).await.expect("enrols");
    w
}

/// A till of `merchant_id`, its key enrolled with a one-time token from the admin route.
async fn till(host: &Host, merchant_id: &str) -> Terminal {
    let r: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/admin/merchants/{merchant_id}/enrolment-tokens", host.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let terminal = Terminal::new(&host.url, DeviceKey::generate().unwrap(), None).unwrap();
    terminal.enrol(merchant_id, r["token"].as_str().unwrap()).await.unwrap();
    terminal
}

/// The next till charge the listener was asked to prompt for.
async fn next_prompt(prompts: &mut tokio::sync::mpsc::UnboundedReceiver<ChargeRequest>) -> ChargeRequest {
    tokio::time::timeout(Duration::from_secs(20), prompts.recv()).await.expect("the listener is asked").unwrap()
}

fn core_jpy(minor: i64) -> koban_core::money::Money {
    koban_core::money::Money::from_minor(minor, koban_core::money::Currency::from_alpha("JPY").unwrap())
}

async fn fund(w: &Wallet, amount: i64) -> String {
    let link = w
        .link_bank(BankAccount {
            bank_id: "bank_sakura".into(),
            account_number: "7654321".into(),
            holder_name: "TANAKA AIKO".into(),
            sandbox_opening_balance: Some(jpy(500_000)),
        })
        .await
        .expect("links a bank");
    w.top_up(link.id.clone(), jpy(amount)).await.expect("tops up");
    link.id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wallet_through_the_exported_api() {
    let host = Host::start().await;
    let keys = AppKeyStore::new(0x5a);
    let lines = Arc::new(Lines::default());
    let aiko =
        Wallet::open(host.db("aiko"), keys.clone(), host.config(), None, Some(lines.clone())).await.expect("opens");
    assert!(*keys.calls.lock().unwrap() >= 1, "the app's key store wrapped the data key");
    assert_eq!(aiko.profile().await.unwrap(), None);
    let e = aiko.balance().await.unwrap_err();
    assert!(matches!(e, WalletError::NotEnrolled(_)), "{e:?}");
    assert_eq!(e.to_string(), "this device is not enrolled yet");

    let profile = aiko
        .enrol(Enrolment { country: "JP".into(), handle: "aiko".into(), display_name: "Aiko".into() })
        .await
        .unwrap();
    assert_eq!((profile.handle.as_str(), profile.currency), ("aiko", CurrencyCode::Jpy));
    assert_eq!(aiko.profile().await.unwrap(), Some(profile));
    assert!(aiko.banks().await.unwrap().iter().any(|b| b.id == "bank_sakura"));

    // Bank and top-up.
    // Less than the unverified monthly limit (¥100,000, payments included), so that an
    // overdraft below it is refused for the funds, not the limit.
    let link = fund(&aiko, 90_000).await;
    let links = aiko.bank_links().await.unwrap();
    assert_eq!((links.len(), links[0].id.as_str(), links[0].last4.as_str()), (1, link.as_str(), "4321"));
    let b = aiko.balance().await.unwrap();
    assert_eq!((b.available.clone(), b.tier, b.can_remit), (jpy(90_000), Tier::Unverified, false));
    assert_eq!(aiko.cached_balance().await.unwrap().unwrap().available, jpy(90_000));

    // A merchant code, the amount typed by the payer; the quote round-trips into the payment.
    let ramen = host.merchant_payload("m_jp_ramen").await;
    let quote = aiko
        .quote_payment(PaymentRequest {
            payload: ramen,
            route: None,
            amount: Some(jpy(1_200)),
            tip: None,
            references: vec![],
        })
        .await
        .unwrap();
    assert_eq!(
        (quote.route(), quote.fx().is_none(), quote.debit(), quote.merchant_name()),
        ("jpqr".to_owned(), true, jpy(1_200), Some("KOBAN RAMEN".to_owned()))
    );
    let paid = aiko.confirm_payment(quote).await.unwrap();
    assert_eq!(
        (paid.kind, paid.direction, paid.amount.clone()),
        (TransactionKind::Payment, Direction::Out, jpy(1_200))
    );

    // A friend, listening for money.
    let ben = enrolled(
        &host,
        "ben",
        file_key_store(host.dir.path().join("ben.key").to_string_lossy().into_owned()).unwrap(),
        None,
    )
    .await;
    let (tx, mut inbox) = tokio::sync::mpsc::unbounded_channel();
    let listening = ben.listen(Arc::new(Inbox(tx)), 5);
    let sent = aiko.send(SendTo::Handle { handle: "@ben".into() }, jpy(5_000), Some("ramen".into())).await.unwrap();
    assert_eq!((sent.kind, sent.counterparty.as_deref()), (TransactionKind::Transfer, Some("@ben")));
    let got = tokio::time::timeout(Duration::from_secs(20), inbox.recv())
        .await
        .expect("the listener hears of the transfer")
        .unwrap();
    assert_eq!(
        (got.id.as_str(), got.direction, got.amount.clone(), got.counterparty.as_deref()),
        (sent.id.as_str(), Direction::In, jpy(5_000), Some("@aiko"))
    );
    let code = ben.receive_code().await.unwrap();
    aiko.send(SendTo::ReceiveCode { payload: code }, jpy(700), None).await.unwrap();
    let got =
        tokio::time::timeout(Duration::from_secs(20), inbox.recv()).await.expect("a second transfer arrives").unwrap();
    assert_eq!(got.amount, jpy(700));
    listening.cancel();
    tokio::time::timeout(Duration::from_secs(5), async {
        while listening.is_running() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("a cancelled loop stops");
    assert_eq!(aiko.recipients().await.unwrap()[0].handle, "ben");

    // History pages, newest first: top-up, payment, two transfers.
    let first = aiko.history(3, None).await.unwrap();
    let second = aiko.history(3, first.next_cursor.clone()).await.unwrap();
    let kinds: Vec<TransactionKind> = first.items.iter().chain(&second.items).map(|t| t.kind).collect();
    use TransactionKind::{Payment, TopUp, Transfer};
    assert_eq!(kinds, [Transfer, Transfer, Payment, TopUp]);
    assert_eq!(second.next_cursor, None);
    assert!(
        !first.items.iter().chain(&second.items).any(|t| format!("{t:?}").contains("7654321")),
        "no account number in history"
    );
    assert_eq!(aiko.pending_count().await.unwrap(), 0);

    // Errors arrive typed, with a message fit to show.
    let e = aiko.send(SendTo::Handle { handle: "ben".into() }, jpy(10_000_000), None).await.unwrap_err();
    assert_eq!(e.kind(), "limit_exceeded", "{e:?}");
    let e = aiko.top_up(link.clone(), jpy(10_000_000)).await.unwrap_err();
    assert!(matches!(&e, WalletError::InsufficientFunds(m) if m == "insufficient funds in bank account"), "{e:?}");
    let e = aiko.send(SendTo::Handle { handle: "ben".into() }, jpy(90_000), None).await.unwrap_err();
    assert!(matches!(&e, WalletError::InsufficientFunds(m) if m == "insufficient funds in wallet"), "{e:?}");
    let e = aiko.send(SendTo::Handle { handle: "nobody-here".into() }, jpy(1), None).await.unwrap_err();
    assert!(matches!(e, WalletError::UnknownRecipient(_)), "{e:?}");
    assert!(!e.to_string().contains("nobody-here"), "{e}");
    let e = aiko
        .quote_payment(PaymentRequest {
            payload: "hello".into(),
            route: None,
            amount: None,
            tip: None,
            references: vec![],
        })
        .await
        .unwrap_err();
    assert!(matches!(e, WalletError::UnreadableCode(_) | WalletError::NotPayable(_)), "{e:?}");
    // An unknown currency cannot be written any more (`CurrencyCode`); another one is refused.
    let e = aiko.top_up(link, Money { minor: 5, currency: CurrencyCode::Thb }).await.unwrap_err();
    assert!(matches!(e, WalletError::CurrencyMismatch(_)), "{e:?}");
    let e = aiko
        .enrol(Enrolment { country: "JP".into(), handle: "aiko2".into(), display_name: "x".into() })
        .await
        .unwrap_err();
    assert!(matches!(e, WalletError::AlreadyEnrolled(_)), "{e:?}");
    let late = Wallet::open(host.db("carol"), AppKeyStore::new(7), host.config(), None, None).await.unwrap();
    let e = late
        .enrol(Enrolment { country: "JP".into(), handle: "ben".into(), display_name: "Not Ben".into() })
        .await
        .unwrap_err();
    assert!(matches!(e, WalletError::HandleTaken(_)), "{e:?}");

    // The logger heard the operations by name and error kind, and nothing personal.
    let log = lines.0.lock().unwrap().clone();
    assert!(log.iter().any(|(l, m)| *l == LogLevel::Debug && m == "confirm_payment: ok"), "{log:?}");
    assert!(log.iter().any(|(l, m)| *l == LogLevel::Warn && m == "send: failed (insufficient_funds)"), "{log:?}");
    assert!(!log.iter().any(|(_, m)| m.contains("7654321") || m.contains("ben") || m.contains("1200")), "{log:?}");

    // Reopening needs the same key store; a key store that throws is a typed error, not a crash.
    drop(aiko);
    let again = Wallet::open(host.db("aiko"), keys.clone(), host.config(), None, None).await.unwrap();
    assert_eq!(again.history(10, None).await.unwrap().items.len(), 4);
    drop(again);
    let e = Wallet::open(host.db("aiko"), AppKeyStore::new(0x11), host.config(), None, None).await.unwrap_err();
    assert!(matches!(&e, WalletError::KeyStore(m) if m == "wrapped key does not unwrap"), "{e:?}");
    *keys.locked.lock().unwrap() = true;
    let e = Wallet::open(host.db("aiko"), keys, host.config(), None, None).await.unwrap_err();
    assert!(matches!(&e, WalletError::KeyStore(m) if m.contains("the device is locked")), "{e:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consumer_codes_come_from_keys_kept_in_rust() {
    let host = Host::start().await;
    let w = enrolled(&host, "dai", AppKeyStore::new(3), None).await;
    assert_eq!(w.codes_left().await.unwrap(), 0);
    assert!(matches!(w.consumer_code().await, Err(WalletError::NoCodesLeft(_))));
    let left = w.replenish_codes().await.unwrap();
    assert!(left >= 5, "{left}");
    let code = w.consumer_code().await.unwrap();
    assert!(code.qr_text.starts_with("hQVDUFYwMW"), "{}", code.qr_text);
    assert_eq!(code.numeric, None);
    assert_eq!(code.matrix.modules.len(), (code.matrix.size * code.matrix.size) as usize);
    assert!(code.refresh_at < code.expires_at);
    assert_eq!(code.codes_left, left - 1);
    let numeric = w.consumer_code_numeric().await.unwrap();
    assert_eq!(numeric.numeric.as_deref().map(str::len), Some(36));
    assert_ne!(numeric.qr_text, code.qr_text, "every code uses a fresh key");
    assert_eq!(w.codes_left().await.unwrap(), left - 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apps_http_stack_carries_every_request() {
    let host = Host::start().await;
    let transport = Arc::new(AppTransport { client: reqwest::Client::new(), sent: Mutex::new(0), offline: false });
    let w =
        Wallet::open(host.db("eri"), AppKeyStore::new(9), host.config(), Some(transport.clone()), None).await.unwrap();
    w.enrol(Enrolment { country: "JP".into(), handle: "eri".into(), display_name: "Eri".into() }).await.unwrap();
    fund(&w, 3_000).await;
    assert_eq!(w.balance().await.unwrap().available, jpy(3_000));
    assert_eq!(
        *transport.sent.lock().unwrap(),
        4,
        "enrol, link, top-up and balance all went through the app's transport"
    );

    // Offline: a read fails as unavailable, a payment stays pending and is settled later.
    drop(w);
    let offline = Arc::new(AppTransport { client: reqwest::Client::new(), sent: Mutex::new(0), offline: true });
    let keys = AppKeyStore::new(9);
    let w = Wallet::open(host.db("eri"), keys.clone(), host.config(), Some(offline.clone()), None).await.unwrap();
    let e = w.balance().await.unwrap_err();
    assert!(matches!(&e, WalletError::Unavailable(m) if m.contains("network is unreachable")), "{e:?}");
    let ben = enrolled(&host, "ben", AppKeyStore::new(1), None).await;
    let e = w.send(SendTo::Handle { handle: "ben".into() }, jpy(1_000), None).await.unwrap_err();
    assert!(matches!(e, WalletError::OutcomeUnknown(_)), "{e:?}");
    assert_eq!(w.pending_count().await.unwrap(), 1);
    drop(w);
    let w = Wallet::open(host.db("eri"), keys, host.config(), None, None).await.unwrap();
    assert_eq!(w.pending_count().await.unwrap(), 0, "reopening online settles the pending transfer");
    assert_eq!(w.balance().await.unwrap().available, jpy(2_000));
    assert_eq!(ben.sync(0).await.unwrap().received.len(), 1, "sent exactly once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotes_cross_as_objects_the_app_reads_and_hands_back() {
    let host = Host::start().await;
    let w = enrolled(&host, "gen", AppKeyStore::new(6), None).await;
    fund(&w, 50_000).await;
    w.verify_identity(Identity {
        legal_name: "Gen Sato".into(),
        date_of_birth: "1990-04-01".into(),
        document_number: "TK1234567".into(),
    })
    .await
    .expect("verifies");

    // Abroad: what the shop gets in baht, what leaves the wallet in yen, and the FX quote inside.
    let baht = Money { minor: 12_000, currency: CurrencyCode::Thb };
    let stall = host.merchant_payload("m_th_somtam").await;
    let quote = w
        .quote_payment(PaymentRequest {
            payload: stall,
            route: None,
            amount: Some(baht.clone()),
            tip: None,
            references: vec![],
        })
        .await
        .unwrap();
    let fx = quote.fx().expect("a merchant abroad comes with an FX quote");
    assert_eq!(
        (quote.merchant_country().as_deref(), quote.amount(), quote.total()),
        (Some("TH"), baht.clone(), baht.clone())
    );
    assert_eq!(
        (fx.purpose(), fx.receive(), fx.total(), fx.fee()),
        (QuotePurpose::MerchantPayment, baht, quote.debit(), quote.fee())
    );
    assert_eq!(quote.fx().as_deref(), Some(&*fx), "the getter reads the same quote every time");
    let paid = w.confirm_payment(quote.clone()).await.unwrap();
    assert_eq!(paid.amount, quote.debit());

    // A remittance: the quote object goes back to `remit` as the app received it.
    let q = w.quote_remittance("PH".into(), QuoteAmount::Send { amount: jpy(10_000) }).await.unwrap();
    assert_eq!(
        (q.purpose(), q.destination_country().as_deref(), q.send()),
        (QuotePurpose::Remittance, Some("PH"), jpy(10_000))
    );
    assert!(q.delivery_estimate_secs().is_some() && q.expires_at() > std::time::UNIX_EPOCH && q.margin_bps() >= 0);
    let recipient = RemitRecipient {
        name: "Maria Santos".into(),
        destination: RemitDestination::Payout {
            method: "mobile_wallet".into(),
            provider: "GCash".into(),
            account: "09171234567".into(),
        },
        relationship: None,
    };
    let sent = w.remit(q.clone(), recipient.clone(), RemittancePurpose::FamilySupport, None).await.unwrap();
    assert_eq!((sent.kind, sent.amount.clone()), (TransactionKind::Remittance, q.total()));
    let again = w.remit(q, recipient, RemittancePurpose::FamilySupport, None).await.unwrap_err();
    assert!(matches!(again, WalletError::QuoteUsed(_)), "a quote pays once: {again:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listen_loop_ends_with_its_wallet() {
    let host = Host::start().await;
    let w = enrolled(&host, "fumi", AppKeyStore::new(4), None).await;
    let (tx, _inbox) = tokio::sync::mpsc::unbounded_channel();
    let listening = w.listen(Arc::new(Inbox(tx)), 8);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(listening.is_running());
    drop(w);
    tokio::time::timeout(Duration::from_secs(5), async {
        while listening.is_running() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the loop stops once the wallet is gone, without waiting out its long poll");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn till_charges_above_the_limit_wait_for_the_shoppers_answer() {
    let host = Host::start().await;
    let w = enrolled(&host, "aiko", AppKeyStore::new(5), None).await;
    fund(&w, 50_000).await;
    assert_eq!(w.balance().await.unwrap().no_confirm_limit, jpy(10_000), "the host's default");
    w.replenish_codes().await.unwrap();
    let till = till(&host, "m_jp_mart").await;
    let (tx, mut prompts) = tokio::sync::mpsc::unbounded_channel();
    let listening = w.listen(Arc::new(Prompts(tx)), 5);

    // ¥12,000 is above the limit: the till waits, the phone is asked, nothing has moved yet.
    let charge = till.charge(&w.consumer_code().await.unwrap().qr_text, core_jpy(12_000), None).await.unwrap();
    assert_eq!(charge.status, ChargeStatus::PendingApproval);
    let asked = next_prompt(&mut prompts).await;
    assert_eq!(
        (asked.id.as_str(), asked.amount.clone(), asked.merchant_name.as_str(), asked.status.as_str()),
        (charge.id.as_str(), jpy(12_000), "KOBAN MART SHIBUYA", "pending")
    );
    assert_eq!(asked.merchant_country.as_deref(), Some("JP"));
    let window = asked.approve_by.duration_since(asked.created_at).unwrap().as_secs();
    assert!((1..=120).contains(&window), "{asked:?}");
    assert_eq!(w.charge_requests().await.unwrap(), vec![asked.clone()]);
    assert_eq!(w.balance().await.unwrap().available, jpy(50_000));

    // Approved: captured once, in history once, and no longer waiting.
    let paid = w.approve_charge(asked.id.clone()).await.unwrap();
    assert_eq!((paid.kind.as_str(), paid.direction, paid.amount.clone()), ("cpm_charge", Direction::Out, jpy(12_000)));
    assert_eq!(paid.counterparty.as_deref(), Some("KOBAN MART SHIBUYA"));
    assert_eq!(till.charge_status(&charge.id).await.unwrap().status, ChargeStatus::Captured);
    assert!(w.charge_requests().await.unwrap().is_empty());
    let e = w.approve_charge(asked.id.clone()).await.unwrap_err();
    assert!(matches!(e, WalletError::InvalidInput(_)), "an answered charge is not answered twice: {e:?}");
    assert_eq!(w.balance().await.unwrap().available, jpy(38_000));

    // Declined: the till hears so and no money moves.
    let charge = till.charge(&w.consumer_code().await.unwrap().qr_text, core_jpy(15_000), None).await.unwrap();
    assert_eq!(charge.status, ChargeStatus::PendingApproval);
    let asked = next_prompt(&mut prompts).await;
    assert_eq!((asked.id.as_str(), asked.amount.clone()), (charge.id.as_str(), jpy(15_000)));
    w.decline_charge(asked.id.clone()).await.unwrap();
    assert_eq!(till.charge_status(&charge.id).await.unwrap().status, ChargeStatus::Declined);
    assert!(w.charge_requests().await.unwrap().is_empty());
    listening.cancel();
    tokio::time::timeout(Duration::from_secs(5), async {
        while listening.is_running() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("a cancelled loop stops");
    w.sync(0).await.unwrap();
    assert_eq!(w.balance().await.unwrap().available, jpy(38_000), "the decline moved nothing");
    let history = w.history(20, None).await.unwrap().items;
    let charges: Vec<&str> =
        history.iter().filter(|t| t.kind == TransactionKind::TillCharge).map(|t| t.id.as_str()).collect();
    assert_eq!(charges, [paid.id.as_str()], "the approved charge once, the declined one never");

    // The shopper lowers the ceiling: ¥6,000 now waits too, ¥4,000 is still captured at once.
    let lowered = w.set_no_confirm_limit(jpy(5_000)).await.unwrap();
    assert_eq!((lowered.no_confirm_limit.clone(), lowered.available.clone()), (jpy(5_000), jpy(38_000)));
    let waits = till.charge(&w.consumer_code().await.unwrap().qr_text, core_jpy(6_000), None).await.unwrap();
    assert_eq!(waits.status, ChargeStatus::PendingApproval);
    let captured = till.charge(&w.consumer_code().await.unwrap().qr_text, core_jpy(4_000), None).await.unwrap();
    assert_eq!(captured.status, ChargeStatus::Captured);
    let report = w.sync(0).await.unwrap();
    assert_eq!(report.charge_requests.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [waits.id.as_str()]);
    assert_eq!(
        report.charged.iter().map(|t| (t.kind.as_str(), t.amount.clone())).collect::<Vec<_>>(),
        [("cpm_charge", jpy(4_000))]
    );
    assert_eq!(report.codes_revoked, 0);
    assert_eq!(report.balance, Some(jpy(34_000)));
    let e = w.set_no_confirm_limit(jpy(10_001)).await.unwrap_err();
    assert!(matches!(e, WalletError::BadRequest(_)), "not above the host's ceiling: {e:?}");

    // Unanswered past its window, the charge lapses: approving it is refused and nothing moves.
    host.sandbox.advance_clock(121);
    let e = w.approve_charge(waits.id.clone()).await.unwrap_err();
    assert!(matches!(e, WalletError::ChargeExpired(_)), "{e:?}");
    assert_eq!(e.kind(), "charge_expired");
    assert!(w.charge_requests().await.unwrap().is_empty());
    assert_eq!(till.charge_status(&waits.id).await.unwrap().status, ChargeStatus::Expired);
    assert_eq!(w.balance().await.unwrap().available, jpy(34_000));
    assert_eq!(w.pending_count().await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_goes_out_to_a_linked_bank_and_a_link_can_end() {
    let host = Host::start().await;
    let w = enrolled(&host, "hana", AppKeyStore::new(11), None).await;
    let link = fund(&w, 50_000).await;
    // The price first: the app shows the fee and the total before the shopper confirms.
    let shown = w.preview_withdrawal(jpy(20_000)).await.unwrap();
    assert_eq!((shown.fee.clone(), shown.total.clone()), (jpy(100), jpy(20_100)));
    let out = w.withdraw(link.clone(), jpy(20_000)).await.unwrap();
    assert_eq!(out.amount, shown.total, "what was shown is what left");
    // ¥20,000 plus the ¥100 floor of the withdrawal fee left the wallet.
    assert_eq!((out.kind.as_str(), out.direction, out.amount.clone()), ("withdrawal", Direction::Out, jpy(20_100)));
    assert_eq!(w.balance().await.unwrap().available, jpy(29_900));
    let e = w.withdraw(link.clone(), jpy(0)).await.unwrap_err();
    assert!(matches!(e, WalletError::InvalidInput(_)), "{e:?}");
    // The history by kind, with the fee as a field rather than JSON, and as CSV.
    let only = koban_ffi::HistoryFilter { kinds: vec![TransactionKind::Withdrawal], from: None, to: None };
    let page = w.history_filtered(only.clone(), 10, None).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].detail.fee, Some(jpy(100)));
    let csv = w.history_csv(only).await.unwrap();
    assert_eq!(csv.lines().count(), 2, "{csv}");
    w.unlink_bank(link.clone()).await.unwrap();
    assert!(w.bank_links().await.unwrap().is_empty());
    let e = w.withdraw(link, jpy(1_000)).await.unwrap_err();
    assert_eq!(e.kind(), "not_found", "{e:?}");
    assert_eq!(w.balance().await.unwrap().available, jpy(29_900));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn friends_ask_split_and_see_whom_they_send_to_first() {
    let host = Host::start().await;
    let aiko = enrolled(&host, "aiko", AppKeyStore::new(21), None).await;
    let ben = enrolled(&host, "ben", AppKeyStore::new(22), None).await;
    let chika = enrolled(&host, "chika", AppKeyStore::new(23), None).await;
    fund(&aiko, 50_000).await;
    fund(&ben, 20_000).await;

    // A money request, heard by the payer's listener, seen as a typed record and paid exactly once.
    let (tx, mut heard) = tokio::sync::mpsc::unbounded_channel();
    let listening = ben.listen(Arc::new(Asks(tx)), 5);
    let asked = aiko.request_money("@ben".into(), jpy(3_000), "dinner".into()).await.unwrap();
    let prompt = tokio::time::timeout(Duration::from_secs(20), heard.recv()).await.expect("ben is told").unwrap();
    listening.cancel();
    assert_eq!((prompt.id.as_str(), prompt.incoming, prompt.status.as_str()), (asked.id.as_str(), true, "pending"));
    assert_eq!((asked.incoming, asked.status.as_str(), asked.payer.handle.as_str()), (false, "pending", "ben"));
    let mine = ben.money_requests().await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].incoming && mine[0].amount == jpy(3_000) && mine[0].requester.handle == "aiko");
    let paid = ben.pay_money_request(mine[0].clone()).await.unwrap();
    assert_eq!((paid.kind.as_str(), paid.direction, paid.amount.clone()), ("p2p", Direction::Out, jpy(3_000)));
    let e = ben.pay_money_request(mine[0].clone()).await.unwrap_err();
    assert!(matches!(&e, WalletError::RequestNotPending(m) if m.contains("already paid")), "{e:?}");
    let now = aiko.money_request(asked.id.clone()).await.unwrap();
    assert_eq!((now.status.as_str(), now.transaction_id), ("paid", Some(paid.id.clone())));
    // Declined.
    let r = aiko.request_money("chika".into(), jpy(500), String::new()).await.unwrap();
    assert_eq!(chika.decline_money_request(r.id).await.unwrap().status, MoneyRequestStatus::Declined);

    // ¥10,000 among three, the remainder on the first; and who has paid.
    let shown = koban_ffi::equal_shares(jpy(10_000), 3).unwrap();
    assert_eq!(shown, vec![jpy(3_334), jpy(3_333), jpy(3_333)]);
    let dan = enrolled(&host, "dan", AppKeyStore::new(24), None).await;
    let friends = koban_ffi::SplitShares::Equal { handles: vec!["ben".into(), "chika".into(), "dan".into()] };
    let split = aiko.split_bill(jpy(10_000), friends, "izakaya".into()).await.unwrap();
    let amounts: Vec<Money> = split.shares.iter().map(|r| r.amount.clone()).collect();
    assert_eq!(amounts, shown);
    let ben_share =
        ben.money_requests().await.unwrap().into_iter().find(|r| r.split_id == Some(split.id.clone())).unwrap();
    ben.pay_money_request(ben_share).await.unwrap();
    let split = aiko.split(split.id).await.unwrap();
    assert_eq!((split.paid, split.outstanding), (jpy(3_334), jpy(6_666)));
    assert_eq!(split.shares.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(), ["paid", "pending", "pending"]);
    let wrong = koban_ffi::SplitShares::Explicit {
        shares: vec![koban_ffi::SplitShare { handle: "ben".into(), amount: jpy(9_000) }],
    };
    assert!(matches!(aiko.split_bill(jpy(10_000), wrong, String::new()).await, Err(WalletError::InvalidInput(_))));
    drop(dan);

    // A receive code with its amount: the preview shows it fixed, another amount is refused.
    let code = ben.receive_code_for(Some(jpy(1_200)), Some("ramen".into())).await.unwrap();
    let to = SendTo::ReceiveCode { payload: code };
    assert!(matches!(aiko.preview_send(to.clone(), jpy(1_000)).await, Err(WalletError::InvalidInput(_))));
    let p = aiko.preview_send(to, jpy(1_200)).await.unwrap();
    assert_eq!(
        (p.display_name(), p.country(), p.amount_fixed(), p.note()),
        ("ben".into(), "JP".into(), true, Some("ramen".into()))
    );
    assert!(p.remittance().is_none());
    assert_eq!(aiko.confirm_send(p, None, None).await.unwrap().amount, jpy(1_200));

    // A Thai friend: the preview is a remittance with a quote, sent as one.
    let somchai = Wallet::open(host.db("somchai"), AppKeyStore::new(25), host.config(), None, None).await.unwrap();
    somchai
        .enrol(Enrolment { country: "TH".into(), handle: "somchai".into(), display_name: "Somchai".into() })
        .await
        .unwrap();
    aiko.verify_identity(Identity {
        legal_name: "Aiko Tanaka".into(),
        date_of_birth: "1994-04-01".into(),
        document_number: "MN1234567".into(),
    })
    .await
    .unwrap();
    let p = aiko.preview_send(SendTo::Handle { handle: "@somchai".into() }, jpy(10_000)).await.unwrap();
    assert_eq!((p.display_name(), p.country(), p.currency()), ("Somchai".into(), "TH".into(), CurrencyCode::Thb));
    let q = p.remittance().expect("a remittance quote");
    assert_eq!(
        (q.destination_country(), q.receive().currency, q.send()),
        (Some("TH".into()), CurrencyCode::Thb, jpy(10_000))
    );
    assert_eq!(p.debit(), q.total());
    let t = aiko.confirm_send(p, Some("happy birthday".into()), None).await.unwrap();
    assert_eq!((t.kind.as_str(), t.amount.clone()), ("remittance", q.total()));
    let got = somchai.sync(0).await.unwrap();
    assert!(got.received.iter().any(|r| r.amount == q.receive()), "{:?}", got.received);
}

/// A key store that notes the thread each callback runs on.
struct ThreadNotingKeyStore {
    inner: Arc<AppKeyStore>,
    threads: Mutex<Vec<std::thread::ThreadId>>,
}

impl KeyStore for ThreadNotingKeyStore {
    fn wrap(&self, data_key: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        self.threads.lock().unwrap().push(std::thread::current().id());
        self.inner.wrap(data_key)
    }
    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        self.threads.lock().unwrap().push(std::thread::current().id());
        self.inner.unwrap(wrapped)
    }
    fn signing_key(&self, alias: String) -> Result<Option<Vec<u8>>, PlatformError> {
        self.threads.lock().unwrap().push(std::thread::current().id());
        self.inner.signing_key(alias)
    }
    fn sign(&self, alias: String, message: Vec<u8>) -> Result<Vec<u8>, PlatformError> {
        self.threads.lock().unwrap().push(std::thread::current().id());
        self.inner.sign(alias, message)
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_key_store_and_the_database_are_never_worked_on_the_callers_thread() {
    let host = Host::start().await;
    let keys =
        Arc::new(ThreadNotingKeyStore { inner: AppKeyStore::with_hardware(12), threads: Mutex::new(Vec::new()) });
    let caller = std::thread::current().id();
    let w = Wallet::open(host.db("ivy"), keys.clone(), host.config(), None, None).await.unwrap();
    // Enrolling makes the platform key and signs with it.
    w.enrol(Enrolment { country: "JP".into(), handle: "ivy".into(), display_name: "Ivy".into() }).await.unwrap();
    assert!(*keys.inner.signatures.lock().unwrap() > 0);
    drop(w);
    // Opened again: the data key is unwrapped through the app's key store.
    let w = Wallet::open(host.db("ivy"), keys.clone(), host.config(), None, None).await.unwrap();
    let seen = keys.threads.lock().unwrap().clone();
    assert!(!seen.is_empty(), "the key store was used");
    assert!(seen.iter().all(|t| *t != caller), "a KeyStore callback ran on the caller's thread");
    drop(w);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_held_device_key_signs_every_request_and_never_enters_the_database() {
    let host = Host::start().await;
    let keys = AppKeyStore::with_hardware(31);
    let w = enrolled(&host, "kenta", keys.clone(), None).await;
    fund(&w, 10_000).await;
    let signed = *keys.signatures.lock().unwrap();
    assert!(signed >= 3, "enrolment, bank link and top-up were signed by the platform key ({signed})");
    assert_eq!(keys.hardware.as_ref().unwrap().lock().unwrap().len(), 1, "one key, made at enrolment");
    drop(w);

    // Reopened, the same platform key goes on signing.
    let w = Wallet::open(host.db("kenta"), keys.clone(), host.config(), None, None).await.unwrap();
    assert_eq!(w.balance().await.unwrap().available, jpy(10_000));
    assert!(*keys.signatures.lock().unwrap() > signed);
    drop(w);

    // The database copied to a phone whose platform has no such key (a restored backup, or a
    // thief with the app's files and the wrap secret): the wallet cannot sign, and says so.
    let elsewhere = AppKeyStore::with_hardware(31);
    let e = Wallet::open(host.db("kenta"), elsewhere.clone(), host.config(), None, None).await.unwrap_err();
    assert!(matches!(&e, WalletError::KeyStore(m) if m.contains("enrol this device again")), "{e:?}");
    assert_eq!(*elsewhere.signatures.lock().unwrap(), 0);
    // A platform without signing keys keeps the sealed software key, as before.
    let soft = enrolled(&host, "yui", AppKeyStore::new(32), None).await;
    assert_eq!(soft.balance().await.unwrap().available, jpy(0));
}
