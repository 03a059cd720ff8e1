//! The host's connection to the partner networks, as acquirer of foreign shopper codes
//! (`api::foreign`) and as the networks' partner wallet paying merchants in China
//! (`api::china`): the client, the deadline, the per-payment lock, the crash points, and the
//! drive of a recorded payment to a definite state at its network (pay, inquiries with
//! back-off, cancel at the deadline).
//!
//! The payment's row (the intent) is committed before anything is sent, under a request id
//! the network treats as its idempotency key, so every step here may be repeated: a second pay
//! with the same id answers from the payment's state, and a cancel of an id the network never
//! saw claims it. What this module's drive ends with is decided by the flow in one
//! transaction with the client's stored answer (`api::intent_first`).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use koban_partners::client::{AcquirerClient, CancelResult, ClientError};
use koban_partners::error::RefusalKind;
use koban_partners::{AcquirerKey, PaymentStatus};

use crate::state::AppState;

/// How long a foreign charge may wait for its network (a "user paying" state included)
/// before the host cancels it: the till's client gives up after 10 s, and the answer it waits
/// for must be definite, so the host decides within that.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(8);

/// First wait between inquiries; it doubles up to [`MAX_BACKOFF`].
pub(crate) const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// Longest wait between inquiries.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// Cancels tried before the charge is left pending for the next request or restart.
pub(crate) const CANCEL_ATTEMPTS: u32 = 8;

/// The partner-network service the host acquires through and pays merchants abroad through,
/// re-exported for crates that reach it only through the host (the core's wallet tests start
/// it beside a host).
pub use koban_partners as partners;

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

/// The host's acquiring side: the client, its deadline and the drivers at work.
#[derive(Debug, Clone)]
pub struct Acquirer {
    /// Signed calls to the networks.
    pub client: AcquirerClient,
    /// Seconds a charge may wait before it is cancelled.
    pub deadline_secs: i64,
    /// One lock per charge, refund or payment abroad being driven (see [`Acquirer::lock`]).
    locks: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    /// Where a test may stop this host dead (feature `crash-points` only).
    #[cfg(feature = "crash-points")]
    pub crash: Arc<crash::CrashPoints>,
}

impl Acquirer {
    /// Builds the client for `config`.
    pub fn new(config: &AcquirerConfig) -> Result<Self, String> {
        let client = AcquirerClient::new(&config.url, config.key.clone()).map_err(|e| e.to_string())?;
        let deadline_secs = i64::try_from(config.deadline.as_secs()).unwrap_or(i64::MAX).max(1);
        Ok(Self {
            client,
            deadline_secs,
            locks: Arc::default(),
            #[cfg(feature = "crash-points")]
            crash: Arc::default(),
        })
    }

    /// One driver per foreign charge (or refund) at a time in this host: a retried till
    /// request and a recovery must not both decide (one could cancel what the other just
    /// captured). Per host rather than per process, so a host stopped dead in a test holds
    /// nothing its successor needs.
    pub async fn lock(&self, id: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let m = {
            let mut locks = self.locks.lock().unwrap_or_else(|p| p.into_inner());
            // Forget locks nobody holds or waits for, so the map stays as small as the traffic.
            locks.retain(|_, l| Arc::strong_count(l) > 1);
            locks.entry(id.to_owned()).or_default().clone()
        };
        m.lock_owned().await
    }

    /// A step of a charge or refund where a test may crash the host; nothing without the
    /// `crash-points` feature.
    pub(crate) async fn crash_point(&self, flow: Flow, step: Step) {
        #[cfg(feature = "crash-points")]
        self.crash.reach(flow, step).await;
        #[cfg(not(feature = "crash-points"))]
        let _ = (flow, step);
    }
}

/// Which money-moving flow a crash point belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// A foreign charge (`api::foreign`).
    Charge,
    /// A refund of one (`api::foreign_refunds`).
    Refund,
    /// A wallet's payment to a merchant in China through its network (`api::china`).
    PaymentAbroad,
}

/// The steps between which a host may die while it moves money at a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The intent row committed, nothing sent yet.
    AfterIntent,
    /// The network has the request (and may have committed it), its answer not yet read.
    AfterSend,
    /// The answer read and a decision taken, not yet committed.
    AfterAnswer,
    /// The decision and the terminal's answer committed, the answer not yet sent.
    AfterDecision,
}

/// Crash points for the crash tests, compiled only with the `crash-points` feature.
///
/// A cargo feature rather than a `Config` field: a build that serves (the binary, `koban
/// sandbox`) cannot switch it on at run time, whatever its arguments; only the sandbox's own
/// tests enable it, through the dev-dependency of `koban-sandbox` on itself.
#[cfg(feature = "crash-points")]
pub mod crash {
    use std::sync::Mutex;

    use tokio::sync::watch;

    use super::{Flow, Step};

    /// One armed point per host; the task that reaches it stops dead and never resumes.
    #[derive(Debug)]
    pub struct CrashPoints {
        armed: Mutex<Option<(Flow, Step)>>,
        hit: watch::Sender<Option<(Flow, Step)>>,
    }

    impl Default for CrashPoints {
        fn default() -> Self {
            Self { armed: Mutex::new(None), hit: watch::channel(None).0 }
        }
    }

    impl CrashPoints {
        /// Arms `step` of `flow`: the first task to reach it stops there.
        pub fn arm(&self, flow: Flow, step: Step) {
            *self.armed.lock().unwrap_or_else(|p| p.into_inner()) = Some((flow, step));
        }

        /// Waits until a task has stopped at the armed point; returns which.
        pub async fn crashed(&self) -> (Flow, Step) {
            let mut rx = self.hit.subscribe();
            let hit = rx.wait_for(Option::is_some).await.map(|h| *h);
            match hit {
                Ok(Some(point)) => point,
                // The sender lives as long as `self`.
                _ => unreachable!("crash points outlive their waiters"),
            }
        }

        /// Called at each step: at the armed one, disarms, reports and never returns, so
        /// nothing after it runs (no write, no answer) — as if the process had died there.
        /// Whatever the task holds stays held until the test drops its runtime.
        pub(crate) async fn reach(&self, flow: Flow, step: Step) {
            {
                let mut armed = self.armed.lock().unwrap_or_else(|p| p.into_inner());
                if *armed != Some((flow, step)) {
                    return;
                }
                *armed = None;
            }
            self.hit.send_replace(Some((flow, step)));
            std::future::pending::<()>().await;
        }
    }
}

/// The request id a terminal's idempotency key names at the network: the same key always
/// names the same payment, so a retried till request can never open a second one.
pub fn request_id(scope: &str, key: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, format!("{scope}\n{key}").as_bytes());
    // 32 hex characters: within every network's limit (WeChat Pay allows 32).
    koban_core::crypto::hex::encode(&digest.as_ref()[..16])
}

/// Where a payment at its network ended, in the network's terms; each flow reads it in its
/// own (a charge's capture, a payment abroad's settlement, their refusals).
#[derive(Debug)]
pub(crate) enum Ended<P> {
    /// The money moved: the user paid, or the merchant was paid (past the cancel window too).
    Success(P),
    /// The network failed it (the answer says why); nothing moved.
    Failed(P),
    /// The network refused the pay itself; nothing moved.
    Refused(RefusalKind, String),
    /// Cancelled at the deadline; nothing moved (or it went back).
    Cancelled,
}

/// One payment at its network under one request id, as [`drive`] calls it: the acquiring
/// client's charge of a shopper's code, or the partner wallet's payment to a merchant.
pub(crate) trait PaymentCalls: Sync {
    /// The network's answer to a pay or an inquiry.
    type Answer: Send;
    /// Sends the pay (again: the same request id answers from the payment's state).
    fn pay(&self) -> impl Future<Output = Result<Self::Answer, ClientError>> + Send;
    /// Asks where the payment stands.
    fn inquire(&self) -> impl Future<Output = Result<Self::Answer, ClientError>> + Send;
    /// Cancels it (an unseen request id is claimed).
    fn cancel(&self) -> impl Future<Output = Result<CancelResult, ClientError>> + Send;
    /// Where an answer says the payment stands.
    fn status(answer: &Self::Answer) -> PaymentStatus;
}

/// Drives a payment recorded at `created_at` until a definite state, cancelling at the
/// deadline (from the intent). `None`: the network could not be reached even to cancel; the
/// row stays pending and the next request or restart resumes it.
pub(crate) async fn drive<C: PaymentCalls>(
    state: &AppState,
    acquirer: &Acquirer,
    flow: Flow,
    payment: &C,
    created_at: i64,
) -> Option<Ended<C::Answer>> {
    let deadline = created_at + acquirer.deadline_secs;
    let mut wait = FIRST_BACKOFF;
    // Until the network has answered the pay, the pay is what we send again (the same request
    // id answers from the payment's state); after that, inquiries move "user paying" on.
    let mut answered = false;
    while state.clock.now() < deadline {
        let r = if answered {
            payment.inquire().await
        } else {
            let r = payment.pay().await;
            acquirer.crash_point(flow, Step::AfterSend).await;
            r
        };
        match r {
            Ok(p) => match C::status(&p) {
                PaymentStatus::Success => return Some(Ended::Success(p)),
                PaymentStatus::Failed => return Some(Ended::Failed(p)),
                PaymentStatus::Cancelled => return Some(Ended::Cancelled),
                PaymentStatus::Processing => answered = true,
            },
            // The network refused the pay itself (a code it cannot read): definite, nothing moved.
            Err(ClientError::Refused { kind, message, .. }) if !answered => return Some(Ended::Refused(kind, message)),
            // An inquiry refused (the payment unknown there after all): send the pay again.
            Err(ClientError::Refused { .. }) => answered = false,
            Err(ClientError::Unknown(_) | ClientError::Config(_)) => {}
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(MAX_BACKOFF);
    }
    cancel(payment).await
}

/// Cancels at the deadline: whatever the network moved goes back, and a pay still on its way
/// under this request id moves nothing.
async fn cancel<C: PaymentCalls>(payment: &C) -> Option<Ended<C::Answer>> {
    let mut wait = FIRST_BACKOFF;
    for _ in 0..CANCEL_ATTEMPTS {
        match payment.cancel().await {
            Ok(_) => return Some(Ended::Cancelled),
            // A payment that already failed cannot be cancelled: ask what became of it.
            Err(ClientError::Refused { kind, .. }) => {
                if let Ok(p) = payment.inquire().await {
                    match C::status(&p) {
                        PaymentStatus::Failed => return Some(Ended::Failed(p)),
                        PaymentStatus::Cancelled => return Some(Ended::Cancelled),
                        // Past the network's cancel window (a host down that long) the payment
                        // stands for good: the money moved, so it is settled (a charge can be
                        // refunded) rather than left pending for ever.
                        PaymentStatus::Success if kind == RefusalKind::CancelWindowExceeded => {
                            return Some(Ended::Success(p))
                        }
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
