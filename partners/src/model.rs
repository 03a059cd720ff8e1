//! Network-neutral facts about payments, shared by the engine, the wire mappings and the client.

use serde::{Deserialize, Serialize};

/// An amount in integer minor units of an ISO 4217 currency (its exponent: JPY 0, CNY 2).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Amount {
    /// Minor units.
    pub value: i64,
    /// ISO 4217 alpha-3 code.
    pub currency: String,
}

impl Amount {
    /// `value` minor units of `currency`.
    pub fn new(value: i64, currency: impl Into<String>) -> Self {
        Self { value, currency: currency.into() }
    }
}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let exponent = koban_core::money::Currency::from_alpha(&self.currency).map(|c| c.exponent()).unwrap_or(0);
        if exponent == 0 {
            return write!(f, "{} {}", self.currency, self.value);
        }
        let scale = 10i64.pow(u32::from(exponent));
        let sign = if self.value < 0 { "-" } else { "" };
        let v = self.value.unsigned_abs();
        let scale = scale.unsigned_abs();
        write!(f, "{} {sign}{}.{:0width$}", self.currency, v / scale, v % scale, width = usize::from(exponent))
    }
}

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The user is confirming on their phone ("user paying"): ask again later, or cancel.
    Processing,
    /// The user was charged; the network owes the acquirer the amount.
    Success,
    /// Nothing was charged and nothing will be ([`PayFailure`] says why).
    Failed,
    /// Cancelled by the acquirer: anything charged was returned in full.
    Cancelled,
}

impl PaymentStatus {
    /// Stable database and JSON value.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Processing => "processing",
            PaymentStatus::Success => "success",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Cancelled => "cancelled",
        }
    }

    /// The status stored as `s`.
    pub fn parse(s: &str) -> Option<PaymentStatus> {
        [PaymentStatus::Processing, PaymentStatus::Success, PaymentStatus::Failed, PaymentStatus::Cancelled]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    /// Whether the status can still change without the acquirer acting.
    pub fn is_final(self) -> bool {
        self != PaymentStatus::Processing
    }
}

/// Why a payment failed: each network names these in its own codes (see `wire`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayFailure {
    /// The user's balance does not cover the amount in their currency.
    InsufficientFunds,
    /// The network does not know the code (mistyped, or another network's).
    InvalidCode,
    /// The code is past its 60-second lifetime.
    ExpiredCode,
    /// The code was already presented once: codes are single use.
    UsedCode,
    /// The user never confirmed a "user paying" payment and the network closed it.
    UserTimeout,
}

impl PayFailure {
    /// Every failure, for tables keyed by it.
    pub const ALL: [PayFailure; 5] = [
        PayFailure::InsufficientFunds,
        PayFailure::InvalidCode,
        PayFailure::ExpiredCode,
        PayFailure::UsedCode,
        PayFailure::UserTimeout,
    ];

    /// Stable database and JSON value.
    pub fn as_str(self) -> &'static str {
        match self {
            PayFailure::InsufficientFunds => "insufficient_funds",
            PayFailure::InvalidCode => "invalid_code",
            PayFailure::ExpiredCode => "expired_code",
            PayFailure::UsedCode => "used_code",
            PayFailure::UserTimeout => "user_timeout",
        }
    }

    /// The failure stored as `s`.
    pub fn parse(s: &str) -> Option<PayFailure> {
        PayFailure::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// A sentence for result messages.
    pub fn message(self) -> &'static str {
        match self {
            PayFailure::InsufficientFunds => "the user's balance is not enough",
            PayFailure::InvalidCode => "the payment code is not valid",
            PayFailure::ExpiredCode => "the payment code has expired",
            PayFailure::UsedCode => "the payment code was already used",
            PayFailure::UserTimeout => "the user did not confirm the payment in time",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_print_in_their_exponent() {
        assert_eq!(Amount::new(5778, "CNY").to_string(), "CNY 57.78");
        assert_eq!(Amount::new(-5, "CNY").to_string(), "CNY -0.05");
        assert_eq!(Amount::new(1200, "JPY").to_string(), "JPY 1200");
        for f in PayFailure::ALL {
            assert_eq!(PayFailure::parse(f.as_str()), Some(f));
        }
    }
}
