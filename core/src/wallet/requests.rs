//! Between friends: asking a friend for money, paying or declining what a friend asks (a
//! payment is a transfer linked to the request, exactly once), splitting a bill into one
//! request per friend, and receive codes that ask for an amount.

use serde::{Deserialize, Serialize};

use super::outbox::{context, no_context, IntentKind};
use super::types::{money, read};
use super::{positive, TransactionRecord, Wallet, WalletError};
use crate::money::Money;
use crate::net::api;

/// Someone at the other end of a request, as the host knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Friend {
    /// Handle, without `@`.
    pub handle: String,
    /// Display name.
    pub display_name: String,
    /// Home country.
    pub country: String,
}

impl From<api::Party> for Friend {
    fn from(p: api::Party) -> Friend {
        Friend { handle: p.handle, display_name: p.display_name, country: p.country }
    }
}

/// A money request: one wallet asks another for an amount, with a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyRequest {
    /// The host's id.
    pub id: String,
    /// Whether this wallet is the one asked to pay (else it asked).
    pub incoming: bool,
    /// Who asks (and receives the money).
    pub requester: Friend,
    /// Who is asked to pay.
    pub payer: Friend,
    /// How much.
    pub amount: Money,
    /// What it is for (may be empty).
    pub note: String,
    /// `pending`, `paid`, `declined` or `expired`, by the host's clock.
    pub status: String,
    /// Host time it was made.
    pub created_at: i64,
    /// Host time after which it can no longer be paid.
    pub expires_at: i64,
    /// Host time it was paid or declined.
    pub answered_at: Option<i64>,
    /// The transfer that paid it.
    pub transaction_id: Option<String>,
    /// The split bill it is a share of.
    pub split_id: Option<String>,
}

impl MoneyRequest {
    fn from_api(r: api::MoneyRequest, me: &str) -> Result<MoneyRequest, WalletError> {
        let incoming = r.payer.handle == me;
        MoneyRequest::heard(r, incoming)
    }

    /// A request as an event tells it: `incoming` when this wallet is the one asked.
    pub(super) fn heard(r: api::MoneyRequest, incoming: bool) -> Result<MoneyRequest, WalletError> {
        Ok(MoneyRequest {
            incoming,
            amount: money(&r.amount)?,
            id: r.id,
            requester: r.requester.into(),
            payer: r.payer.into(),
            note: r.note,
            status: r.status,
            created_at: r.created_at,
            expires_at: r.expires_at,
            answered_at: r.answered_at,
            transaction_id: r.transaction_id,
            split_id: r.split_id,
        })
    }

    /// Whether it can still be paid or declined.
    pub fn is_pending(&self) -> bool {
        self.status == "pending"
    }
}

/// A bill split among friends, as its organiser sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The host's id.
    pub id: String,
    /// The bill.
    pub total: Money,
    /// What it was.
    pub note: String,
    /// The shares paid so far.
    pub paid: Money,
    /// One request per friend, in the order given: who has paid is each one's `status`.
    pub shares: Vec<MoneyRequest>,
    /// Host time it was made.
    pub created_at: i64,
}

impl Split {
    fn from_api(s: api::Split, me: &str) -> Result<Split, WalletError> {
        Ok(Split {
            total: money(&s.total)?,
            paid: money(&s.paid)?,
            shares: s.requests.into_iter().map(|r| MoneyRequest::from_api(r, me)).collect::<Result<_, _>>()?,
            id: s.id,
            note: s.note,
            created_at: s.created_at,
        })
    }

    /// What is still to be paid (declined and lapsed shares included).
    pub fn outstanding(&self) -> Money {
        self.total.checked_sub(self.paid).unwrap_or(self.total)
    }
}

/// How a bill is divided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitShares {
    /// Equally among these handles, in minor units: the remainder goes on the first share,
    /// so the shares add up to the bill exactly.
    Equal(Vec<String>),
    /// These amounts, which must add up to the bill.
    Explicit(Vec<(String, Money)>),
}

/// `total` divided into `people` shares of whole minor units, the remainder on the first:
/// ¥10,000 among 3 is ¥3,334, ¥3,333, ¥3,333. `None` for nobody, or a bill too small to give
/// everyone at least one minor unit.
pub fn equal_shares(total: Money, people: usize) -> Option<Vec<Money>> {
    let n = i64::try_from(people).ok().filter(|n| *n > 0)?;
    let (base, rest) = (total.minor() / n, total.minor() % n);
    if base <= 0 {
        return None;
    }
    let share = |minor| Money::from_minor(minor, total.currency());
    Some(std::iter::once(share(base + rest)).chain((1..people).map(|_| share(base))).collect())
}

/// What the payer of a request was shown, kept with the payment's intent.
#[derive(Serialize, Deserialize)]
pub(super) struct RequestShown {
    /// The requester's handle.
    pub requester: String,
    /// The request's note.
    pub note: String,
}

/// A handle as a path segment: `@` and case dropped, only the characters handles have.
pub(super) fn clean_handle(raw: &str) -> Result<String, WalletError> {
    let h = raw.trim().trim_start_matches('@').to_ascii_lowercase();
    if h.is_empty() || !h.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.') {
        return Err(WalletError::InvalidInput(format!("{raw:?} is not a handle")));
    }
    Ok(h)
}

/// A host id as a path segment.
fn clean_id<'a>(raw: &'a str, what: &str) -> Result<&'a str, WalletError> {
    let id = raw.trim();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Err(WalletError::InvalidInput(format!("{raw:?} is not a {what} id")));
    }
    Ok(id)
}

/// Percent-encodes a query value (everything but unreserved characters).
fn query_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Wallet {
    /// Asks the friend at `from` (a handle) for `amount` with a note; they hear of it and
    /// pay or decline it within the host's window (a week). Exactly once.
    pub async fn request_money(&self, from: &str, amount: Money, note: &str) -> Result<MoneyRequest, WalletError> {
        let me = self.enrolled()?;
        positive(amount)?;
        let body = api::NewMoneyRequest { from: clean_handle(from)?, amount: amount.into(), note: note.trim().into() };
        let v = self.submit(IntentKind::MoneyRequest, "/v1/money-requests", &body, no_context()).await?;
        MoneyRequest::from_api(read(&v)?, &me.handle)
    }

    /// Money requests to and from this wallet, newest first, each in its state now.
    pub async fn money_requests(&self) -> Result<Vec<MoneyRequest>, WalletError> {
        let me = self.enrolled()?;
        let list: api::MoneyRequests = self.get("/v1/money-requests").await?;
        list.money_requests.into_iter().map(|r| MoneyRequest::from_api(r, &me.handle)).collect()
    }

    /// One money request to or from this wallet.
    pub async fn money_request(&self, id: &str) -> Result<MoneyRequest, WalletError> {
        let me = self.enrolled()?;
        let r: api::MoneyRequest = self.get(&format!("/v1/money-requests/{}", clean_id(id, "money request")?)).await?;
        MoneyRequest::from_api(r, &me.handle)
    }

    /// Pays a request this wallet was asked, for exactly the amount shown in `request`: a
    /// transfer to the requester linked to the request, exactly once (a retry, a dropped
    /// answer or a restart never pays twice; the host pays a request once whatever the key).
    pub async fn pay_money_request(&self, request: &MoneyRequest) -> Result<TransactionRecord, WalletError> {
        self.enrolled()?;
        if !request.incoming {
            return Err(WalletError::InvalidInput("this request is yours: the friend you asked pays it".into()));
        }
        let path = format!("/v1/money-requests/{}/pay", clean_id(&request.id, "money request")?);
        let body = api::MoneyRequestPayment { amount: request.amount.into() };
        let shown = RequestShown { requester: request.requester.handle.clone(), note: request.note.clone() };
        let v = self.submit(IntentKind::MoneyRequestPay, &path, &body, context(&shown)?).await?;
        self.transaction(&read::<api::Transfer>(&v)?.id)
    }

    /// Declines a request this wallet was asked: nothing moves, the requester hears it.
    pub async fn decline_money_request(&self, id: &str) -> Result<MoneyRequest, WalletError> {
        let me = self.enrolled()?;
        let path = format!("/v1/money-requests/{}/decline", clean_id(id, "money request")?);
        let v = self.submit(IntentKind::MoneyRequestDecline, &path, &api::NoBody {}, no_context()).await?;
        MoneyRequest::from_api(read(&v)?, &me.handle)
    }

    /// Splits a bill: one request per friend for their share (equal shares put the remainder
    /// on the first; explicit ones must add up to `total`). Exactly once.
    pub async fn split_bill(&self, total: Money, shares: &SplitShares, note: &str) -> Result<Split, WalletError> {
        let me = self.enrolled()?;
        positive(total)?;
        let shares: Vec<(String, Money)> = match shares {
            SplitShares::Equal(handles) => {
                let amounts = equal_shares(total, handles.len()).ok_or_else(|| {
                    WalletError::InvalidInput(format!(
                        "{} cannot be split among {} friends",
                        total.format(),
                        handles.len()
                    ))
                })?;
                handles.iter().cloned().zip(amounts).collect()
            }
            SplitShares::Explicit(list) => list.clone(),
        };
        if shares.is_empty() {
            return Err(WalletError::InvalidInput("name at least one friend to split with".into()));
        }
        let mut sum = Money::zero(total.currency());
        for (_, m) in &shares {
            positive(*m)?;
            sum = sum
                .checked_add(*m)
                .ok_or_else(|| WalletError::InvalidInput(format!("shares must be in {}", total.currency().alpha())))?;
        }
        if sum != total {
            return Err(WalletError::InvalidInput(format!(
                "the shares add up to {}, the bill is {}",
                sum.format(),
                total.format()
            )));
        }
        let shares = shares
            .into_iter()
            .map(|(h, m)| Ok(api::ShareRequest { handle: clean_handle(&h)?, amount: m.into() }))
            .collect::<Result<Vec<_>, WalletError>>()?;
        let body = api::SplitRequest { total: total.into(), note: note.trim().into(), shares };
        let v = self.submit(IntentKind::Split, "/v1/splits", &body, no_context()).await?;
        Split::from_api(read(&v)?, &me.handle)
    }

    /// A split this wallet organised, with who has paid.
    pub async fn split(&self, id: &str) -> Result<Split, WalletError> {
        let me = self.enrolled()?;
        let s: api::Split = self.get(&format!("/v1/splits/{}", clean_id(id, "split")?)).await?;
        Split::from_api(s, &me.handle)
    }

    /// This wallet's receive code asking for exactly `amount` (whoever scans it pays that,
    /// and cannot type another), with a note of up to 25 characters saying what for.
    pub async fn receive_code_for(&self, amount: Option<Money>, note: Option<&str>) -> Result<String, WalletError> {
        let w = self.enrolled()?;
        let mut query = Vec::new();
        if let Some(a) = amount {
            positive(a)?;
            if a.currency() != w.currency {
                return Err(WalletError::InvalidInput(format!("ask in the wallet's {}", w.currency.alpha())));
            }
            query.push(format!("amount={}", a.minor()));
        }
        if let Some(n) = note.map(str::trim).filter(|n| !n.is_empty()) {
            query.push(format!("note={}", query_value(n)));
        }
        let mut path = format!("/v1/wallets/{}/receive-code", w.wallet_id);
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        let code: api::ReceiveCode = self.get(&path).await?;
        Ok(code.payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn jpy(minor: i64) -> Money {
        Money::from_minor(minor, Currency::from_alpha("JPY").unwrap())
    }

    #[test]
    fn equal_shares_add_up_with_the_remainder_first() {
        let minors = |t, n| equal_shares(jpy(t), n).map(|v| v.iter().map(|m| m.minor()).collect::<Vec<_>>());
        assert_eq!(minors(10_000, 3), Some(vec![3_334, 3_333, 3_333]));
        assert_eq!(minors(10_000, 4), Some(vec![2_500; 4]));
        assert_eq!(minors(5, 3), Some(vec![3, 1, 1]));
        assert_eq!(minors(2, 3), None, "someone would owe nothing");
        assert_eq!(minors(10_000, 0), None);
        for (t, n) in [(9_999, 7), (1, 1), (1_000_001, 13)] {
            assert_eq!(minors(t, n).unwrap().iter().sum::<i64>(), t);
        }
    }

    #[test]
    fn handles_ids_and_query_values_are_cleaned() {
        assert_eq!(clean_handle(" @Ben ").unwrap(), "ben");
        assert!(clean_handle("ben/../x").is_err());
        assert!(clean_handle("@").is_err());
        assert!(clean_id("mr_1/pay", "money request").is_err());
        assert_eq!(query_value("夕食 & 2"), "%E5%A4%95%E9%A3%9F%20%26%202");
    }
}
