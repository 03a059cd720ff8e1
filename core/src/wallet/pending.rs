//! Requests in the outbox as the shopper knows them: "¥1,200 to KOBAN RAMEN", not an
//! idempotency key. A request whose outcome is unknown (a dropped answer, a killed app) stays
//! pending until a later call resolves it; the apps and the CLI show it meanwhile, and say
//! what became of it. Also finds a recent identical payment, so that paying the same code the
//! same amount twice in a row is asked about again instead of going through silently.

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::outbox::IntentKind;
use super::{lock, now_secs, FxQuote, PaymentQuote, RemitDestination, RemitRecipient, SendTo, Wallet, WalletError};
use crate::money::Money;
use crate::net::api;
use crate::store::{self, Intent, IntentState, KeyStore, Store, StoreError};

/// Where a request of the outbox stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MovementState {
    /// Recorded and maybe sent; the host's answer is not known yet.
    Pending,
    /// The host applied it; its transaction (if it makes one) is in the history.
    Settled {
        /// The host's transaction id, when the request made a transaction.
        transaction_id: Option<String>,
    },
    /// The host refused it; nothing moved.
    Failed {
        /// The host's words.
        reason: String,
    },
}

/// A request of the outbox, described for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// The idempotency key (for [`Wallet::movement`]; never shown to people).
    pub key: String,
    /// The request's kind (`payment`, `p2p`, `remittance`, `topup`, `charge_approve`, …).
    pub kind: String,
    /// Whether it moves money out of or into the wallet (enrolment, KYC or code keys do not).
    pub moves_money: bool,
    /// What it moves, in the currency the shopper chose (a foreign payment: the merchant's).
    pub amount: Option<Money>,
    /// "¥1,200 to KOBAN RAMEN", "¥2,000 to @ben", "top-up of ¥20,000 from Sakura Bank".
    pub description: String,
    /// When it was recorded, device time, Unix seconds.
    pub created_at: i64,
    /// Where it stands.
    pub state: MovementState,
}

/// What was sent, as its route's request type; `None` when it cannot be read (a description
/// must never fail over a body it cannot read).
fn sent<T: DeserializeOwned>(intent: &Intent) -> Option<T> {
    serde_json::from_slice(&intent.body).ok()
}

/// Money as the wire carries it, `None` for an unknown currency.
fn money_of(a: Option<&api::Amount>) -> Option<Money> {
    a.and_then(api::Amount::money)
}

/// What the flows keep as an intent's context (what the user was shown), read leniently:
/// each flow writes some of these fields (`payment.rs`, `transfer.rs`, `bank.rs`,
/// `approvals.rs`, `requests.rs`).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Shown {
    /// A payment's debit in the wallet's currency.
    shown_debit: Option<api::Amount>,
    /// A remittance's total debit.
    shown_total: Option<api::Amount>,
    /// What a remittance's recipient receives.
    shown_receive: Option<api::Amount>,
    /// A top-up's or withdrawal's bank.
    bank_name: Option<String>,
    /// An approved till charge's shop.
    merchant_name: Option<String>,
    /// An approved till charge's amount.
    amount: Option<api::Amount>,
    /// Who asked for a paid money request.
    requester: Option<String>,
}

impl Shown {
    fn of(intent: &Intent) -> Shown {
        Shown::deserialize(&intent.context).unwrap_or_default()
    }
}

/// The host's final answer as far as a movement needs it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Outcome {
    transaction_id: Option<String>,
    id: Option<String>,
    error: Option<api::ErrorDetail>,
}

impl Wallet {
    /// The requests whose outcome is not known yet, oldest first (local, no network).
    pub fn pending_movements(&self) -> Result<Vec<Movement>, WalletError> {
        let s = lock(&self.store);
        Ok(store::pending_intents(s.conn(), s.sealer())?.iter().map(describe).collect())
    }

    /// The pending requests of the wallet database at `path`, read before [`Wallet::open`]
    /// resolves them: a caller compares them with [`Wallet::movement`] afterwards to tell the
    /// shopper which of them settled or failed meanwhile.
    pub fn pending_movements_at(
        path: impl AsRef<std::path::Path>,
        keystore: &dyn KeyStore,
    ) -> Result<Vec<Movement>, WalletError> {
        let s = Store::open(path, keystore)?;
        Ok(store::pending_intents(s.conn(), s.sealer())?.iter().map(describe).collect())
    }

    /// One request of the outbox by its key (e.g. from [`WalletError::OutcomeUnknown`]).
    pub fn movement(&self, key: &str) -> Result<Option<Movement>, WalletError> {
        let s = lock(&self.store);
        Ok(store::intent(s.conn(), s.sealer(), key)?.as_ref().map(describe))
    }

    /// The newest payment of the same code, route, amount and tip made (or still pending) in
    /// the last `within_secs` seconds: paying it again is most likely a mistake, so the app
    /// asks again before [`Wallet::confirm_payment`].
    pub fn recent_identical_payment(
        &self,
        q: &PaymentQuote,
        within_secs: i64,
    ) -> Result<Option<Movement>, WalletError> {
        // A tip is sent only when the code prompts for one and the payer gave one.
        let tip = (q.tip_prompted && q.tip.minor() > 0).then_some(q.tip);
        self.recent_identical(IntentKind::Payment, within_secs, |intent| {
            sent::<api::PaymentRequest>(intent).is_some_and(|body| {
                body.payload == q.payload
                    && body.route == q.route
                    && money_of(body.amount.as_ref()) == Some(q.amount)
                    && money_of(body.tip.as_ref()) == tip
            })
        })
    }

    /// The newest transfer of the same amount to the same person in the last `within_secs`
    /// seconds, made or still pending.
    pub fn recent_identical_transfer(
        &self,
        to: &SendTo,
        amount: Money,
        within_secs: i64,
    ) -> Result<Option<Movement>, WalletError> {
        self.recent_identical(IntentKind::P2p, within_secs, |intent| {
            sent::<api::TransferRequest>(intent).is_some_and(|body| {
                let same_person = match to {
                    SendTo::Handle(h) => {
                        body.to.handle.is_some_and(|sent| sent.eq_ignore_ascii_case(h.trim().trim_start_matches('@')))
                    }
                    SendTo::ReceiveCode(c) => body.to.receive_code.as_deref() == Some(c.trim()),
                };
                same_person && body.amount.money() == Some(amount)
            })
        })
    }

    /// The newest remittance of the same total to the same recipient in the last
    /// `within_secs` seconds, made or still pending.
    pub fn recent_identical_remittance(
        &self,
        quote: &FxQuote,
        recipient: &RemitRecipient,
        within_secs: i64,
    ) -> Result<Option<Movement>, WalletError> {
        self.recent_identical(IntentKind::Remittance, within_secs, |intent| {
            let Some(body) = sent::<api::RemittanceRequest>(intent) else { return false };
            let r = body.recipient;
            let same_destination = match &recipient.destination {
                RemitDestination::Handle(h) => {
                    r.handle.is_some_and(|sent| sent.eq_ignore_ascii_case(h.trim_start_matches('@')))
                }
                RemitDestination::Payout { account, .. } => r.payout.is_some_and(|p| &p.account == account),
            };
            let shown = Shown::of(intent);
            r.name == recipient.name
                && same_destination
                && money_of(shown.shown_total.as_ref()) == Some(quote.total)
                && money_of(shown.shown_receive.as_ref()) == Some(quote.receive)
        })
    }

    fn recent_identical(
        &self,
        kind: IntentKind,
        within_secs: i64,
        same: impl Fn(&Intent) -> bool,
    ) -> Result<Option<Movement>, WalletError> {
        let s = lock(&self.store);
        // A refused request moved nothing, so repeating it is no duplicate.
        let keys: Vec<String> = s
            .conn()
            .prepare(
                "SELECT key FROM intents WHERE kind = ?1 AND created_at >= ?2 AND state != 'refused' ORDER BY seq DESC",
            )
            .and_then(|mut stmt| {
                stmt.query_map(rusqlite::params![kind.as_str(), now_secs() - within_secs], |r| r.get(0))?.collect()
            })
            .map_err(StoreError::from)?;
        for key in keys {
            let Some(intent) = store::intent(s.conn(), s.sealer(), &key)? else { continue };
            if same(&intent) {
                return Ok(Some(describe(&intent)));
            }
        }
        Ok(None)
    }
}

/// Describes an intent from what was sent and what the shopper saw; never fails, since a
/// description is only for people (an unreadable part reads as "a payment").
fn describe(intent: &Intent) -> Movement {
    let shown = Shown::of(intent);
    let fmt = |m: Option<Money>| m.map(|m| m.format());
    let kind = IntentKind::parse(&intent.kind);
    let (amount, description) = match kind {
        Some(IntentKind::Payment) => {
            let body = sent::<api::PaymentRequest>(intent);
            let amount = body.as_ref().and_then(|b| money_of(b.amount.as_ref()));
            let total = match (amount, body.as_ref().and_then(|b| money_of(b.tip.as_ref()))) {
                (Some(a), Some(t)) => a.checked_add(t).or(Some(a)),
                (a, _) => a,
            };
            let merchant = body
                .and_then(|b| crate::scheme::detect(&b.payload).ok())
                .and_then(|d| d.merchant.and_then(|m| m.name))
                .unwrap_or_else(|| "a merchant".into());
            let mut text = format!("{} to {merchant}", fmt(total).unwrap_or_else(|| "a payment".into()));
            if let Some(debit) =
                money_of(shown.shown_debit.as_ref()).filter(|d| Some(d.currency()) != total.map(|t| t.currency()))
            {
                text.push_str(&format!(" ({} from your wallet)", debit.format()));
            }
            (total, text)
        }
        Some(IntentKind::P2p) => {
            let body = sent::<api::TransferRequest>(intent);
            let amount = body.as_ref().and_then(|b| b.amount.money());
            let whom = match body.map(|b| b.to) {
                Some(api::RecipientRef { handle: Some(h), .. }) => format!("@{h}"),
                Some(api::RecipientRef { receive_code: Some(code), .. }) => crate::scheme::detect(&code)
                    .ok()
                    .and_then(|d| d.merchant.and_then(|m| m.name))
                    .map(|name| format!("{name} (receive code)"))
                    .unwrap_or_else(|| "a receive code".into()),
                _ => "a friend".into(),
            };
            (amount, format!("{} to {whom}", fmt(amount).unwrap_or_else(|| "a transfer".into())))
        }
        Some(IntentKind::Remittance) => {
            let receive = money_of(shown.shown_receive.as_ref());
            let name =
                sent::<api::RemittanceRequest>(intent).map_or_else(|| "a recipient".into(), |b| b.recipient.name);
            let mut text = format!("{} to {name}", fmt(receive).unwrap_or_else(|| "a remittance".into()));
            if let Some(total) = money_of(shown.shown_total.as_ref()) {
                text.push_str(&format!(" ({} from your wallet)", total.format()));
            }
            (receive, text)
        }
        Some(IntentKind::TopUp) => {
            let amount = sent::<api::TopUpRequest>(intent).and_then(|b| b.amount.money());
            let bank = shown.bank_name.as_deref().unwrap_or("your bank");
            (amount, format!("top-up of {} from {bank}", fmt(amount).unwrap_or_else(|| "money".into())))
        }
        Some(IntentKind::Withdrawal) => {
            let amount = sent::<api::WithdrawalRequest>(intent).and_then(|b| b.amount.money());
            let bank = shown.bank_name.as_deref().unwrap_or("your bank");
            (amount, format!("withdrawal of {} to {bank}", fmt(amount).unwrap_or_else(|| "money".into())))
        }
        Some(IntentKind::ChargeApprove) => {
            let amount = money_of(shown.amount.as_ref());
            let shop = shown.merchant_name.as_deref().unwrap_or("a shop");
            (amount, format!("approving {} at {shop}", fmt(amount).unwrap_or_else(|| "a till charge".into())))
        }
        Some(IntentKind::ChargeDecline) => (None, "declining a till charge".into()),
        Some(IntentKind::MoneyRequestPay) => {
            let amount = sent::<api::MoneyRequestPayment>(intent).and_then(|b| b.amount.money());
            let whom = shown.requester.as_deref().map(|h| format!("@{h}")).unwrap_or_else(|| "a friend".into());
            (amount, format!("{} to {whom} (their request)", fmt(amount).unwrap_or_else(|| "a transfer".into())))
        }
        Some(IntentKind::MoneyRequest) => {
            let body = sent::<api::NewMoneyRequest>(intent);
            let whom = body.as_ref().map(|b| format!("@{}", b.from)).unwrap_or_else(|| "a friend".into());
            let what = fmt(body.and_then(|b| b.amount.money())).unwrap_or_else(|| "money".into());
            (None, format!("asking {whom} for {what}"))
        }
        Some(IntentKind::MoneyRequestDecline) => (None, "declining a money request".into()),
        Some(IntentKind::Split) => {
            let body = sent::<api::SplitRequest>(intent);
            let what = fmt(body.as_ref().and_then(|b| b.total.money())).unwrap_or_else(|| "a bill".into());
            let n = body.map_or(0, |b| b.shares.len());
            (None, format!("splitting {what} among {n} friends"))
        }
        Some(IntentKind::Enrol) => (None, "enrolling this device".into()),
        Some(IntentKind::Kyc) => (None, "verifying your identity".into()),
        Some(IntentKind::BankLink) => (None, "linking a bank account".into()),
        Some(IntentKind::BankUnlink) => (None, "unlinking a bank account".into()),
        Some(IntentKind::CpmKeys) => (None, "fetching keys for codes to show at tills".into()),
        None => (None, format!("a {} request", intent.kind)),
    };
    // Whether it moves money out of or into the wallet; the rest set the wallet up.
    let moves_money = matches!(
        kind,
        Some(
            IntentKind::TopUp
                | IntentKind::Withdrawal
                | IntentKind::Payment
                | IntentKind::P2p
                | IntentKind::MoneyRequestPay
                | IntentKind::Remittance
                | IntentKind::ChargeApprove
        )
    );
    let outcome = intent.outcome.as_ref().and_then(|o| Outcome::deserialize(o).ok()).unwrap_or_default();
    let state = match intent.state {
        IntentState::Pending => MovementState::Pending,
        IntentState::Done => {
            MovementState::Settled { transaction_id: outcome.transaction_id.or(outcome.id).filter(|_| moves_money) }
        }
        IntentState::Refused => MovementState::Failed {
            reason: outcome.error.map_or_else(|| "refused by the host".to_owned(), |e| e.message),
        },
    };
    Movement {
        key: intent.key.clone(),
        moves_money,
        kind: intent.kind.clone(),
        amount,
        description,
        created_at: intent.created_at,
        state,
    }
}
