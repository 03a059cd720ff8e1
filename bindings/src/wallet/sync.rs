//! Sync and the listen loop: what happened at the host since last time, and a listener that
//! hears money and requests as they arrive.

use super::*;

/// What a sync brought in.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncReport {
    /// Transfers received since the last sync.
    pub received: Vec<WalletTransaction>,
    /// Till charges of this wallet's codes captured since the last sync (now in history).
    pub charged: Vec<WalletTransaction>,
    /// Till charges newly waiting for approval.
    pub charge_requests: Vec<ChargeRequest>,
    /// Single-use code keys dropped because the host revoked their token.
    pub codes_revoked: i32,
    /// Money requests friends made of this wallet, and its own requests paid or declined.
    pub money_requests: Vec<MoneyRequest>,
    /// Balance after the sync, if the host could be asked.
    pub balance: Option<Money>,
}

impl From<core::SyncReport> for SyncReport {
    fn from(r: core::SyncReport) -> Self {
        SyncReport {
            received: r.received.into_iter().map(Into::into).collect(),
            charged: r.charged.into_iter().map(Into::into).collect(),
            charge_requests: r.charge_requests.into_iter().map(Into::into).collect(),
            codes_revoked: signed(r.codes_revoked),
            money_requests: r.money_requests.into_iter().map(Into::into).collect(),
            balance: r.balance.map(Into::into),
        }
    }
}

/// Hears what [`Wallet::listen`] brings in: money that arrives and till charges to approve.
#[uniffi::export(with_foreign)]
pub trait WalletListener: Send + Sync {
    /// A transfer arrived (already in history). Called on a Koban thread: hand it to the UI thread.
    fn on_incoming(&self, transaction: WalletTransaction) -> Result<(), crate::error::PlatformError>;

    /// A till charge waits for approval (also in [`Wallet::charge_requests`] until answered or
    /// lapsed): prompt at once, the host's window is short. Called on a Koban thread.
    fn on_charge_request(&self, request: ChargeRequest) -> Result<(), crate::error::PlatformError>;

    /// A friend asks for money, or a request this wallet made was paid or declined (the
    /// request as it now stands). Called on a Koban thread.
    fn on_money_request(&self, request: MoneyRequest) -> Result<(), crate::error::PlatformError>;
}

/// A running [`Wallet::listen`] loop.
#[derive(uniffi::Object)]
pub struct Listening {
    cancelled: AtomicBool,
    wake: Notify,
    running: Arc<AtomicBool>,
}

#[uniffi::export]
impl Listening {
    /// Stops the loop (an in-flight long poll is abandoned; nothing is lost, the next sync picks it up).
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// Whether the loop still runs: false after [`Listening::cancel`] or once the wallet is gone.
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Brings in what happened since the last sync (money received, till charges captured or
    /// waiting for approval, revoked code keys), long-polling up to `wait_secs`.
    pub async fn sync(&self, wait_secs: i64) -> Result<SyncReport, WalletError> {
        self.done("sync", self.off(move |core| async move { core.sync(unsigned(wait_secs)).await }).await)
            .map(Into::into)
    }

    /// Settles every payment whose outcome is still unknown, with the host.
    pub async fn resolve_pending(&self) -> Result<(), WalletError> {
        self.done("resolve_pending", self.off(move |core| async move { core.resolve_pending().await }).await)
    }
}

#[uniffi::export]
impl Wallet {
    /// Calls `listener` for each transfer that arrives and each till charge that waits for
    /// approval, long-polling the host `wait_secs` at a time, until [`Listening::cancel`] or
    /// until this wallet is gone; the core's `Listener` retries with back-off when offline.
    pub fn listen(&self, listener: Arc<dyn WalletListener>, wait_secs: i64) -> Arc<Listening> {
        let handle = Arc::new(Listening {
            cancelled: AtomicBool::new(false),
            wake: Notify::new(),
            running: Arc::new(AtomicBool::new(true)),
        });
        let syncing = core::Listener::new(&self.core, unsigned(wait_secs));
        let control = Arc::downgrade(&handle);
        let running = handle.running.clone();
        let mut closed = self.closed.clone();
        let log = self.log.clone();
        self.runtime.spawn(async move {
            let stop = async {
                tokio::select! {
                    () = cancelled(&control) => {}
                    // The wallet's sender is dropped with the wallet.
                    _ = closed.changed() => {}
                }
            };
            syncing.run(stop, |event| forward(&*listener, &log, event)).await;
            running.store(false, Ordering::SeqCst);
            log.line(LogLevel::Info, || "listen: stopped".to_owned());
        });
        handle
    }
}

/// Completes when the loop is cancelled; never if its handle is gone (a dropped handle cannot
/// cancel, and the loop then runs as long as the wallet lives).
async fn cancelled(control: &Weak<Listening>) {
    match control.upgrade() {
        Some(c) if c.cancelled.load(Ordering::SeqCst) => (),
        Some(c) => c.wake.notified().await,
        None => std::future::pending().await,
    }
}

/// Hands one of the core listener's reports to the app's listener, logging what the app
/// cannot be told (failed syncs, which the core retries, and the app's own failures).
fn forward(listener: &dyn WalletListener, log: &Log, event: core::ListenEvent) {
    let told = match event {
        core::ListenEvent::Incoming(t) => listener.on_incoming(t.into()),
        core::ListenEvent::ChargeRequest(c) => listener.on_charge_request(c.into()),
        core::ListenEvent::MoneyRequest(r) => listener.on_money_request(r.into()),
        core::ListenEvent::SyncFailed { error, retry_in } => {
            let kind = WalletError::from(error).kind();
            log.line(LogLevel::Warn, || format!("listen: sync failed ({kind}), retrying in {}s", retry_in.as_secs()));
            Ok(())
        }
    };
    if let Err(e) = told {
        log.line(LogLevel::Warn, || format!("listen: the listener failed: {e}"));
    }
}
