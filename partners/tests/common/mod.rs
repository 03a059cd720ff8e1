//! Test harness: a real simulator on loopback, an acquirer client and a phone/operator client.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use koban_partners::client::{AcquirerClient, PayRequest, PaymentResult, RefundRequest, SimulatorClient};
use koban_partners::{Amount, Config, Network, Partners};

static IDS: AtomicU64 = AtomicU64::new(0);

/// A fresh request id every network accepts: 24 letters and digits.
pub fn rid() -> String {
    format!("r{:08x}{:015x}", std::process::id(), IDS.fetch_add(1, Ordering::Relaxed))
}

/// Yen.
pub fn jpy(value: i64) -> Amount {
    Amount::new(value, "JPY")
}

/// A running simulator whose ledger invariants are asserted when the test ends.
pub struct Net {
    pub partners: Partners,
    pub acq: AcquirerClient,
    pub sim: SimulatorClient,
}

impl Drop for Net {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let report = self.partners.check_invariants();
            assert!(report.is_ok(), "ledger invariants violated: {report:?}");
        }
    }
}

pub async fn start() -> Net {
    start_with(Config { admin: true, ..Config::default() }).await
}

pub async fn start_with(config: Config) -> Net {
    let partners = Partners::start(config).await.expect("the simulator starts");
    let acq = partners.acquirer_client().expect("acquirer client");
    let sim = partners.simulator_client().expect("simulator client");
    Net { partners, acq, sim }
}

impl Net {
    /// The user's balance in minor units.
    pub async fn balance(&self, user: &str) -> i64 {
        self.sim.user(user).await.expect("user").balance.value
    }

    /// A charge of a fresh code of `user`.
    pub async fn charge(&self, user: &str, yen: i64) -> PayRequest {
        let code = self.sim.issue_code(user, None).await.expect("code").code;
        PayRequest {
            request_id: rid(),
            code,
            amount: jpy(yen),
            merchant_id: "m_ramen".into(),
            merchant_name: "Ramen Ichiban".into(),
            description: "Tonkotsu ramen".into(),
        }
    }

    /// Pays and expects an answer.
    pub async fn pay(&self, network: Network, req: &PayRequest) -> PaymentResult {
        self.acq.pay(network, req).await.unwrap_or_else(|e| panic!("pay {}: {e}", req.request_id))
    }

    /// Repeats `f` until the outcome is known (faults may hide it), at most 200 times.
    pub async fn until_known<T, F, Fut>(&self, mut f: F) -> Result<T, koban_partners::client::ClientError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, koban_partners::client::ClientError>>,
    {
        for _ in 0..200 {
            match f().await {
                Err(e) if e.is_unknown() => continue,
                other => return other,
            }
        }
        panic!("the outcome stayed unknown after 200 attempts");
    }
}

/// A refund of `yen` of the payment `req`.
pub fn refund_of(req: &PayRequest, yen: i64) -> RefundRequest {
    RefundRequest {
        refund_request_id: rid(),
        payment_request_id: req.request_id.clone(),
        amount: jpy(yen),
        payment_amount: req.amount.clone(),
    }
}

/// A user of each network with a comfortable balance: (network, user id).
pub const PAYERS: [(Network, &str); 3] =
    [(Network::AlipayPlus, "li_wei"), (Network::WechatPay, "wang_fang"), (Network::Unionpay, "liu_yang")];
