//! The outbox: how every money-moving call happens exactly once (ADR 0005).
//!
//! `submit` commits an intent before anything is sent; `send_intent` sends it (and resends
//! the same bytes under the same key) until the host gives a final answer; `reconcile`
//! writes a success into the store in one transaction, handing the answer to the flow that
//! made the intent. Pending intents are resolved before anything new is sent.

use rusqlite::Transaction;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};

#[cfg(any(test, feature = "failpoints"))]
use super::FailPoint;
use super::{approvals, bank, codes, lock, new_key, now_secs, payment, profile, transfer, types};
use super::{Refusal, Wallet, WalletError, WalletProfile, CLOCK_OFFSET};
use crate::money::Money;
use crate::net::{api, NetError, RESIGN_LIMIT};
use crate::store::{self, Intent, IntentState};

/// Declares [`IntentKind`] from one table: each variant with the name the intents table
/// stores for it, so `as_str` and `parse` cannot drift apart.
macro_rules! intent_kinds {
    ($($(#[$doc:meta])* $kind:ident = $name:literal,)*) => {
        /// What an intent does, which decides how its answer is reconciled.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(super) enum IntentKind {
            $($(#[$doc])* $kind,)*
        }

        impl IntentKind {
            /// The name stored in the intents table.
            pub(super) fn as_str(self) -> &'static str {
                match self {
                    $(IntentKind::$kind => $name,)*
                }
            }

            /// Reads a stored name; `None` for one this build does not know.
            pub(super) fn parse(name: &str) -> Option<IntentKind> {
                match name {
                    $($name => Some(IntentKind::$kind),)*
                    _ => None,
                }
            }
        }
    };
}

// The names are in every database written so far: never change one, only add.
intent_kinds! {
    /// Enrolling this device and creating its wallet.
    Enrol = "enrol",
    /// Verifying the holder's identity.
    Kyc = "kyc",
    /// Linking a bank account.
    BankLink = "bank_link",
    /// Moving money in from a linked bank.
    TopUp = "topup",
    /// Paying a merchant code.
    Payment = "payment",
    /// Sending to another wallet at home.
    P2p = "p2p",
    /// Sending abroad.
    Remittance = "remittance",
    /// Asking for consumer-code keys.
    CpmKeys = "cpm_keys",
    /// Approving a till charge.
    ChargeApprove = "charge_approve",
    /// Declining a till charge.
    ChargeDecline = "charge_decline",
    /// Moving money out to a linked bank.
    Withdrawal = "withdrawal",
    /// Ending a bank link.
    BankUnlink = "bank_unlink",
    /// Asking a friend for money.
    MoneyRequest = "money_request",
    /// Paying a friend's money request (a transfer).
    MoneyRequestPay = "money_request_pay",
    /// Declining a friend's money request.
    MoneyRequestDecline = "money_request_decline",
    /// Splitting a bill into one money request per friend.
    Split = "split",
}

/// How the resolution of one pending intent ended.
pub(super) enum Resolved {
    Applied(Value),
    Refused(WalletError),
}

/// The host's success answer to an intent, read by the flow that made the intent.
pub(super) struct Answer<'a> {
    /// The intent answered.
    pub intent: &'a Intent,
    /// The host's answer, as it came (kept whole in the history entry's details).
    pub v: &'a Value,
    /// This device's time of the reconcile.
    pub now: i64,
}

impl Answer<'_> {
    /// The answer as its route's API type.
    pub fn read<T: DeserializeOwned>(&self) -> Result<T, WalletError> {
        types::read(self.v)
    }

    /// The context committed with the intent (what the user was shown), as the flow wrote it.
    pub fn context<T: DeserializeOwned>(&self) -> Result<T, WalletError> {
        T::deserialize(&self.intent.context).map_err(|e| WalletError::Protocol(format!("intent context: {e}")))
    }

    /// The intent's key, for the history entry made from it.
    pub fn key(&self) -> Option<String> {
        Some(self.intent.key.clone())
    }

    /// A history entry's details: the host's answer and what the user was shown.
    pub fn details(&self) -> Value {
        let mut details = Map::new();
        details.insert("host".to_owned(), self.v.clone());
        details.insert("context".to_owned(), self.intent.context.clone());
        Value::Object(details)
    }
}

/// The wallet balance an answer reports, with the host time it stood at; `None` when the
/// answer carries none (or another account's, such as a linked bank's).
pub(super) type ReportedBalance = Option<(Money, i64)>;

/// An intent's context: what the user was shown, written by the flow for its reconcile.
pub(super) fn context(shown: &impl Serialize) -> Result<Value, WalletError> {
    serde_json::to_value(shown).map_err(|e| WalletError::Protocol(e.to_string()))
}

/// The context of an intent that needs none.
pub(super) fn no_context() -> Value {
    Value::Object(Map::new())
}

/// A refusal as the intent's outcome keeps it: the HTTP status and the host's error.
#[derive(Serialize)]
struct RefusedOutcome {
    status: u16,
    error: api::ErrorDetail,
}

impl Wallet {
    /// Number of intents whose outcome is still unknown.
    pub fn pending_count(&self) -> Result<usize, WalletError> {
        let s = lock(&self.store);
        Ok(store::pending_intents(s.conn(), s.sealer())?.len())
    }

    /// Resolves every pending intent with the host (see the module docs).
    pub async fn resolve_pending(&self) -> Result<(), WalletError> {
        let _guard = self.outbox.lock().await;
        self.resolve_pending_locked().await
    }

    pub(super) async fn resolve_pending_locked(&self) -> Result<(), WalletError> {
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
    pub(super) async fn submit(
        &self,
        kind: IntentKind,
        path: &str,
        body: &impl Serialize,
        context: Value,
    ) -> Result<Value, WalletError> {
        let _guard = self.outbox.lock().await;
        self.resolve_pending_locked().await?;
        let intent = Intent {
            key: new_key()?,
            kind: kind.as_str().to_owned(),
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
                    let error = api::ErrorDetail { kind, message: message.clone() };
                    let outcome = serde_json::to_value(RefusedOutcome { status, error })
                        .map_err(|e| WalletError::Protocol(e.to_string()))?;
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
        let current = self.profile()?;
        // An unknown kind (a database from a newer build) is reconciled by nothing here: the
        // intent stays pending rather than be marked done without its history entry.
        let kind = IntentKind::parse(&intent.kind)
            .ok_or_else(|| WalletError::Protocol(format!("unknown intent kind {}", intent.kind)))?;
        lock(&self.store).write(|tx, sealer| {
            // Provisioned keys are sealed into their own table; the stored outcome keeps none.
            let stored = if kind == IntentKind::CpmKeys { codes::without_keys(v)? } else { v.clone() };
            store::finish_intent(tx, &intent.key, IntentState::Done, &stored, now)?;
            let answer = Answer { intent, v, now };
            if let Some((balance, as_of)) = apply(tx, kind, &answer, current.as_ref(), sealer)? {
                store::put_balance(tx, balance, as_of)?;
            }
            store::put_sync_value(tx, CLOCK_OFFSET, offset)?;
            Ok::<_, WalletError>(())
        })
    }
}

/// Hands a success answer to the flow that made the intent, inside the reconcile's
/// transaction; the flow says which wallet balance, if any, the answer reports.
fn apply(
    tx: &Transaction<'_>,
    kind: IntentKind,
    a: &Answer<'_>,
    current: Option<&WalletProfile>,
    sealer: &store::Sealer,
) -> Result<ReportedBalance, WalletError> {
    match kind {
        IntentKind::Enrol => profile::enrolled(tx, a),
        IntentKind::Kyc => profile::verified(tx, a, current),
        IntentKind::BankLink => bank::linked(tx, a),
        IntentKind::TopUp => bank::topped_up(tx, a),
        IntentKind::Payment => payment::paid(tx, a),
        IntentKind::P2p => transfer::sent(tx, a),
        IntentKind::Remittance => transfer::remitted(tx, a),
        IntentKind::CpmKeys => codes::store_keys(tx, sealer, a).map(|()| None),
        IntentKind::ChargeApprove => approvals::approved(tx, a),
        IntentKind::ChargeDecline => approvals::declined(tx, a),
        IntentKind::Withdrawal => bank::withdrawn(tx, a),
        IntentKind::BankUnlink => bank::unlinked(tx, a),
        IntentKind::MoneyRequestPay => transfer::sent(tx, a),
        // Requests and splits live at the host: nothing to keep here (the lists are read there).
        IntentKind::MoneyRequest | IntentKind::MoneyRequestDecline | IntentKind::Split => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::IntentKind::{self, *};

    #[test]
    fn intent_kinds_keep_the_names_databases_already_hold() {
        // Written out again on purpose: these strings are in users' databases.
        let stored = [
            (Enrol, "enrol"),
            (Kyc, "kyc"),
            (BankLink, "bank_link"),
            (TopUp, "topup"),
            (Payment, "payment"),
            (P2p, "p2p"),
            (Remittance, "remittance"),
            (CpmKeys, "cpm_keys"),
            (ChargeApprove, "charge_approve"),
            (ChargeDecline, "charge_decline"),
            (Withdrawal, "withdrawal"),
            (BankUnlink, "bank_unlink"),
            (MoneyRequest, "money_request"),
            (MoneyRequestPay, "money_request_pay"),
            (MoneyRequestDecline, "money_request_decline"),
            (Split, "split"),
        ];
        for (kind, name) in stored {
            assert_eq!(kind.as_str(), name);
            assert_eq!(IntentKind::parse(name), Some(kind));
        }
        assert_eq!(IntentKind::parse("Payment"), None);
        assert_eq!(IntentKind::parse(""), None);
    }
}
