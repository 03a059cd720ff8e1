//! A merchant terminal (the till): enrols its own signing key for one merchant at the host,
//! then charges the codes shoppers present, under one idempotency key per charge so a retry
//! or a dropped answer never charges twice.

mod charge;
mod refund;
mod settlement;

use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::crypto::{body_digest_hex, DeviceKey};
use crate::money::Money;
use crate::net::{api, Client, HttpTransport, NetError, ReqwestTransport};

pub use charge::{Charge, ChargeStatus, Network};
pub use refund::{Refund, RefundOf};
pub use settlement::{Settlement, SettlementLine};

/// An answer read as its route's type.
fn read<A: DeserializeOwned>(v: Value) -> Result<A, TerminalError> {
    // From a borrowed `Value`, as the wallet reads: one deserializer kind per type in the
    // phone library, not two.
    A::deserialize(&v).map_err(|e| TerminalError::Protocol(format!("unreadable answer: {e}")))
}

/// Why a terminal call failed.
#[derive(Debug, thiserror::Error)]
pub enum TerminalError {
    /// The host refused; for a charge, no money moved.
    #[error("refused by the host ({kind}): {message}")]
    Refused {
        /// The host's stable error kind, e.g. `code_used`.
        kind: String,
        /// The host's words.
        message: String,
    },
    /// No definite answer after every retry; the same charge sent again (same code and
    /// amount) gets the host's stored outcome, never a second charge.
    #[error("outcome unknown: {0}")]
    Unknown(String),
    /// The host answered something this terminal cannot read.
    #[error("unexpected answer from the host: {0}")]
    Protocol(String),
    /// The caller passed something unusable.
    #[error("invalid input: {0}")]
    InvalidInput(String),
}

impl TerminalError {
    /// The host's refusal kind, if it refused.
    pub fn kind(&self) -> Option<&str> {
        match self {
            TerminalError::Refused { kind, .. } => Some(kind),
            _ => None,
        }
    }
}

impl From<NetError> for TerminalError {
    fn from(e: NetError) -> Self {
        match e {
            NetError::Refused { kind, message, .. } => TerminalError::Refused { kind, message },
            NetError::Unknown(m) => TerminalError::Unknown(m),
            NetError::Crypto(c) => TerminalError::Protocol(c.to_string()),
            NetError::Protocol(m) => TerminalError::Protocol(m),
        }
    }
}

/// What the host said about a new terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolled {
    /// The terminal's id (derived from its key).
    pub terminal_id: String,
    /// The merchant it charges for.
    pub merchant_id: String,
    /// The merchant's name.
    pub merchant_name: String,
    /// The merchant's currency.
    pub currency: String,
}

/// A merchant terminal signing as its enrolled key.
pub struct Terminal {
    client: Client,
    key: DeviceKey,
    max_attempts: u32,
}

impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Terminal").field("id", &self.key.device_id()).finish_non_exhaustive()
    }
}

impl Terminal {
    /// A terminal of the host at `host_url` signing with `key`, over reqwest unless a
    /// transport is given.
    pub fn new(
        host_url: &str,
        key: DeviceKey,
        transport: Option<Arc<dyn HttpTransport>>,
    ) -> Result<Terminal, TerminalError> {
        let transport: Arc<dyn HttpTransport> = match transport {
            Some(t) => t,
            None => Arc::new(
                ReqwestTransport::new(Duration::from_secs(10)).map_err(|e| TerminalError::Protocol(e.to_string()))?,
            ),
        };
        Ok(Terminal { client: Client::new(host_url, transport), key, max_attempts: 4 })
    }

    /// This terminal's id at the host.
    pub fn id(&self) -> String {
        self.key.device_id()
    }

    async fn post<B: Serialize, A: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        idempotency_key: &str,
    ) -> Result<A, TerminalError> {
        let bytes = serde_json::to_vec(body).map_err(|e| TerminalError::Protocol(e.to_string()))?;
        let mut last = String::new();
        for attempt in 0..self.max_attempts {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
            }
            match self.client.post(&self.key, path, &bytes, idempotency_key).await {
                Err(NetError::Unknown(m)) => last = m,
                other => return read(other?),
            }
        }
        Err(TerminalError::Unknown(last))
    }

    /// Enrols this terminal's key for `merchant_id` with a one-time token from the host's operator.
    pub async fn enrol(&self, merchant_id: &str, enrolment_token: &str) -> Result<Enrolled, TerminalError> {
        let body = api::TerminalEnrolRequest {
            merchant_id: merchant_id.to_owned(),
            public_key: self.key.public_key_b64(),
            enrolment_token: enrolment_token.to_owned(),
        };
        let key = format!("enrol-{}", &body_digest_hex(enrolment_token.as_bytes())[..32]);
        let v: api::TerminalEnrolment = self.post("/v1/terminals", &body, &key).await?;
        Ok(Enrolled {
            terminal_id: v.terminal_id,
            merchant_id: v.merchant.id,
            merchant_name: v.merchant.name,
            currency: v.merchant.currency,
        })
    }

    /// Charges a scanned code for `amount`. The idempotency key is derived from the code and
    /// the amount, so the same charge sent again (a retry, the till restarted) gets the
    /// host's stored outcome. `scanned_at` is an offline till's scan time, signed with the
    /// request; the host accepts it only within its offline window and floor.
    pub async fn charge(&self, code: &str, amount: Money, scanned_at: Option<i64>) -> Result<Charge, TerminalError> {
        let code = code.trim();
        if code.is_empty() {
            return Err(TerminalError::InvalidInput("no code".into()));
        }
        if amount.minor() <= 0 {
            return Err(TerminalError::InvalidInput("the amount must be positive".into()));
        }
        let body = api::ChargeRequest { amount: amount.into(), code: code.to_owned(), scanned_at };
        let seed = format!("{code}\n{}\n{}", amount.minor(), amount.currency().alpha());
        let key = format!("charge-{}", &body_digest_hex(seed.as_bytes())[..32]);
        Charge::from_api(self.post("/v1/terminal/charges", &body, &key).await?)
    }

    /// A one-payment merchant code (a dynamic code the customer scans) for `request`'s
    /// amount, with the merchant's reference (a bill or order number) or `***` to ask the
    /// payer for a bill number. The idempotency key is the reference, so retries make one
    /// code; without a reference every call makes a new code.
    pub async fn dynamic_code(
        &self,
        merchant_id: &str,
        request: &api::DynamicCodeRequest,
    ) -> Result<api::DynamicCode, TerminalError> {
        // With a reference, the reference is the code: retries (and the same order asked again)
        // get the same code. Without one, each call is a new code; its own retries share its key.
        let key = match request.reference.as_deref() {
            Some(reference) => {
                format!("dynamic-{}", &body_digest_hex(format!("{merchant_id}\n{reference}").as_bytes())[..32])
            }
            None => {
                format!("dynamic-{}", crate::crypto::new_nonce().map_err(|e| TerminalError::Protocol(e.to_string()))?)
            }
        };
        self.post(&format!("/v1/merchants/{merchant_id}/dynamic-codes"), request, &key).await
    }

    /// Refunds (part of) a payment to this terminal's merchant: `of` names a till charge or a
    /// transaction, `amount` (the merchant's currency) a partial refund, `None` all that is
    /// left. The caller gives the idempotency key (a return slip's number, say): the same
    /// key sent again gets the host's stored outcome, never a second refund, while two
    /// returns of the same amount need two keys.
    pub async fn refund(
        &self,
        of: &RefundOf,
        amount: Option<Money>,
        idempotency_key: &str,
    ) -> Result<Refund, TerminalError> {
        if idempotency_key.trim().is_empty() {
            return Err(TerminalError::InvalidInput("no idempotency key".into()));
        }
        if amount.is_some_and(|a| a.minor() <= 0) {
            return Err(TerminalError::InvalidInput("the amount must be positive".into()));
        }
        let (charge_id, transaction_id) = match of {
            RefundOf::Charge(id) => (Some(id.trim().to_owned()), None),
            RefundOf::Transaction(id) => (None, Some(id.trim().to_owned())),
        };
        if charge_id.iter().chain(&transaction_id).any(String::is_empty) {
            return Err(TerminalError::InvalidInput("no charge or transaction id".into()));
        }
        let body = api::RefundRequest { charge_id, transaction_id, amount: amount.map(Into::into) };
        Refund::from_api(self.post("/v1/terminal/refunds", &body, idempotency_key).await?)
    }

    /// A charge of this terminal's merchant, as it stands now.
    pub async fn charge_status(&self, charge_id: &str) -> Result<Charge, TerminalError> {
        Charge::from_api(read(self.client.get(&self.key, &format!("/v1/terminal/charges/{charge_id}")).await?)?)
    }

    /// The day's settlement of this terminal's merchant: `date` (`YYYY-MM-DD`) is the
    /// merchant's local calendar day, today's when `None`.
    pub async fn settlement(&self, date: Option<&str>) -> Result<Settlement, TerminalError> {
        let path = match date {
            None => "/v1/terminal/settlement".to_owned(),
            Some(d) => {
                if !is_calendar_day(d) {
                    return Err(TerminalError::InvalidInput(format!("{d:?} is not a date (YYYY-MM-DD)")));
                }
                format!("/v1/terminal/settlement?date={d}")
            }
        };
        Settlement::from_api(read(self.client.get(&self.key, &path).await?)?)
    }
}

/// Whether `d` is `YYYY-MM-DD` and a real calendar day (not 2026-02-30).
fn is_calendar_day(d: &str) -> bool {
    let shaped = d.len() == 10
        && d.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    let num = |r: std::ops::Range<usize>| d.get(r).and_then(|x| x.parse::<i64>().ok()).unwrap_or(0);
    let (y, m, day) = (num(0..4), num(5..7), num(8..10));
    // Out-of-range days and months come back from the day count as another date.
    shaped && crate::calendar::civil_from_days(crate::calendar::days_from_civil(y, m, day)) == (y, m, day)
}

#[cfg(test)]
mod tests {
    use super::is_calendar_day;

    #[test]
    fn only_real_calendar_days_are_dates() {
        for good in ["2026-12-07", "2024-02-29", "1999-01-01"] {
            assert!(is_calendar_day(good), "{good}");
        }
        for bad in ["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-1-07", "2026/12/07", "", "yesterday"]
        {
            assert!(!is_calendar_day(bad), "{bad}");
        }
    }
}
