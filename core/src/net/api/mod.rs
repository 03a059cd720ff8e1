//! The host API's bodies as types: what the wallet and the terminal send, and what the host
//! answers, for every route of the sandbox host (`sandbox/src/api`).
//!
//! Requests are `Serialize`: the host keeps its own strict copies (unknown fields refused) so
//! that a client bug is refused rather than half-read. Those the outbox keeps are
//! `Deserialize` too, so a pending one can be described from what was sent. Responses are
//! `Serialize + Deserialize` and shared with the host, which builds its answers from them;
//! they never refuse unknown fields, so a client keeps working when the host adds one.
//! Open-ended values (statuses, kinds, tiers) are strings for the same reason; the values
//! known today are in each field's doc comment and in the OpenAPI document.
//!
//! With the `openapi` feature every response type derives `utoipa::ToSchema`; only the host
//! enables it, so the phone library carries no OpenAPI code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::money::{Currency, Money};

mod events;
mod history;
mod merchant_codes;
mod payments;
mod refunds;
mod requests;
mod terminal;
mod wallet;

pub use events::*;
pub use history::*;
pub use merchant_codes::*;
pub use payments::*;
pub use refunds::*;
pub use requests::*;
pub use terminal::*;
pub use wallet::*;

// ---------- shared pieces ----------

/// Money on the wire: integer minor units (the currency's ISO 4217 exponent) and a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amount {
    /// Integer minor units, e.g. 1200 for ¥1,200 or 3000 for ฿30.00.
    pub minor: i64,
    /// ISO 4217 alpha code.
    pub currency: String,
}

impl Amount {
    /// An amount of `minor` units of `currency`.
    pub fn new(minor: i64, currency: &str) -> Amount {
        Amount { minor, currency: currency.to_owned() }
    }

    /// The amount as [`Money`]; `None` for a currency this library does not know.
    pub fn money(&self) -> Option<Money> {
        Currency::from_alpha(&self.currency).map(|c| Money::from_minor(self.minor, c))
    }
}

impl From<Money> for Amount {
    fn from(m: Money) -> Amount {
        Amount { minor: m.minor(), currency: m.currency().alpha().to_owned() }
    }
}

/// Every refusal and error: `{"error": {"kind", "message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Error))]
pub struct ErrorBody {
    /// What went wrong.
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub error: ErrorDetail,
}

/// The inside of an error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable machine-readable kind, e.g. `insufficient_funds`.
    pub kind: String,
    /// What a person reads.
    pub message: String,
}

/// A merchant as payments, charges and their events name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MerchantRef {
    /// Merchant id.
    pub id: String,
    /// Name as shown to the payer.
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// A wallet as the other side of a domestic transfer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Party {
    /// Public handle, without `@`.
    pub handle: String,
    /// Display name.
    pub display_name: String,
    /// Home country.
    pub country: String,
}

/// The body of a request that carries nothing but its route (`{}`), e.g. declining.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoBody {}

// ---------- health ----------

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// Host time, Unix seconds.
    pub time: i64,
}

/// OpenAPI pieces the derives cannot say: string fields with a closed set of values today
/// (kept strings on the wire so older clients read newer values) and the event union.
#[cfg(feature = "openapi")]
mod doc {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type};
    use utoipa::openapi::RefOr;
    use utoipa::{PartialSchema, ToSchema};

    fn strings(values: &[&str]) -> ObjectBuilder {
        ObjectBuilder::new().schema_type(SchemaType::Type(Type::String)).enum_values(Some(values.iter().copied()))
    }

    pub(super) fn tier() -> ObjectBuilder {
        strings(&["unverified", "verified"])
    }

    pub(super) fn quote_purpose() -> ObjectBuilder {
        strings(&["merchant_payment", "remittance"])
    }

    pub(super) fn remittance_status() -> ObjectBuilder {
        strings(&["credited", "paid_out_to_partner"])
    }

    pub(super) fn direction() -> ObjectBuilder {
        strings(&["in", "out"])
    }

    pub(super) fn charge_status() -> ObjectBuilder {
        strings(&["captured", "pending_approval", "refused", "declined", "expired"])
    }

    pub(super) fn money_request_status() -> ObjectBuilder {
        strings(&["pending", "paid", "declined", "expired"])
    }

    fn int64() -> ObjectBuilder {
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Integer))
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Int64)))
    }

    /// The component names of each event kind's data, in [`super::EVENT_KINDS`] order.
    fn data_schemas() -> Vec<(&'static str, String, RefOr<Schema>)> {
        fn one<T: ToSchema>(kind: &'static str) -> (&'static str, String, RefOr<Schema>) {
            (kind, T::name().into_owned(), T::schema())
        }
        use super::*;
        vec![
            one::<TopUp>(EVENT_KINDS[0]),
            one::<Payment>(EVENT_KINDS[1]),
            one::<Transfer>(EVENT_KINDS[2]),
            one::<TransferReceived>(EVENT_KINDS[3]),
            one::<RemittanceStatus>(EVENT_KINDS[4]),
            one::<KycVerified>(EVENT_KINDS[5]),
            one::<DeviceRevokedEvent>(EVENT_KINDS[6]),
            one::<CodesRevoked>(EVENT_KINDS[7]),
            one::<ApprovalRequested>(EVENT_KINDS[8]),
            one::<CodeCharged>(EVENT_KINDS[9]),
            one::<CodeRefused>(EVENT_KINDS[10]),
            one::<RefundReceived>(EVENT_KINDS[11]),
            one::<MoneyRequest>(EVENT_KINDS[12]),
            one::<MoneyRequest>(EVENT_KINDS[13]),
        ]
    }

    impl PartialSchema for super::Event {
        fn schema() -> RefOr<Schema> {
            let mut one_of = OneOfBuilder::new()
                .description(Some("One event; `data` is typed by `kind`. Clients skip kinds they do not know."));
            for (kind, name, _) in data_schemas() {
                one_of = one_of.item(
                    ObjectBuilder::new()
                        .title(Some(kind))
                        .property("seq", int64())
                        .required("seq")
                        .property("kind", strings(&[kind]))
                        .required("kind")
                        .property("data", utoipa::openapi::Ref::from_schema_name(name))
                        .required("data")
                        .property("created_at", int64())
                        .required("created_at"),
                );
            }
            RefOr::T(Schema::OneOf(one_of.build()))
        }
    }

    impl ToSchema for super::Event {
        fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
            for (_, name, schema) in data_schemas() {
                schemas.push((name, schema));
            }
            // The data types' own parts (Amount, MerchantRef, …).
            <super::Payment as ToSchema>::schemas(schemas);
            <super::Transfer as ToSchema>::schemas(schemas);
            <super::TransferReceived as ToSchema>::schemas(schemas);
            <super::ApprovalRequested as ToSchema>::schemas(schemas);
            <super::CodeCharged as ToSchema>::schemas(schemas);
            <super::TopUp as ToSchema>::schemas(schemas);
            <super::CodeRefused as ToSchema>::schemas(schemas);
            <super::RefundReceived as ToSchema>::schemas(schemas);
            <super::RemittanceStatus as ToSchema>::schemas(schemas);
            <super::MoneyRequest as ToSchema>::schemas(schemas);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_read_by_kind_and_keep_unknown_kinds() {
        let page: Events = serde_json::from_value(json!({
            "events": [
                { "seq": 1, "kind": "kyc_verified", "data": { "tier": "verified" }, "created_at": 10 },
                { "seq": 2, "kind": "something_new", "data": { "x": 1 }, "created_at": 11 },
                { "seq": 3, "kind": "transfer_received", "created_at": 12, "data": {
                    "id": "tx_1", "kind": "p2p", "amount": { "minor": 500, "currency": "JPY" }, "message": "",
                    "from": { "handle": "ken", "display_name": "Ken", "country": "JP" }, "new_field": true } }
            ],
            "last_seq": 3,
            "later": "a field this client does not know"
        }))
        .unwrap();
        assert_eq!(page.events[0].data, EventData::KycVerified(KycVerified { tier: "verified".into() }));
        assert_eq!(page.events[1].data.kind(), "something_new");
        let EventData::TransferReceived(t) = &page.events[2].data else { panic!("typed by kind") };
        assert_eq!((t.from.display_name.as_deref(), t.amount.money().map(|m| m.minor())), (Some("Ken"), Some(500)));
        // Written back exactly as read (less the unknown field), kind beside data.
        let back = serde_json::to_value(&page.events[2]).unwrap();
        assert_eq!(back["kind"], "transfer_received");
        assert_eq!(back["data"]["message"], "");
        assert!(back["data"].get("purpose").is_none());
    }

    #[test]
    fn a_known_kind_with_unreadable_data_is_an_error() {
        let bad = json!({ "seq": 1, "kind": "kyc_verified", "data": { "tier": 7 }, "created_at": 1 });
        assert!(serde_json::from_value::<Event>(bad).is_err());
    }

    #[test]
    fn requests_leave_out_what_is_not_given() {
        let body = PaymentRequest {
            payload: "000201".into(),
            route: "jpqr".into(),
            amount: Some(Amount::new(1200, "JPY")),
            tip: None,
            quote_id: None,
            references: None,
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            json!({ "payload": "000201", "route": "jpqr", "amount": { "minor": 1200, "currency": "JPY" } })
        );
        let tip = serde_json::to_value(TipRule::Fixed { fee: Amount::new(110, "JPY") }).unwrap();
        assert_eq!(tip, json!({ "kind": "fixed", "fee": { "minor": 110, "currency": "JPY" } }));
    }

    #[test]
    fn amounts_convert_to_money() {
        let m = Amount::new(3000, "THB").money().unwrap();
        assert_eq!(Amount::from(m), Amount::new(3000, "THB"));
        assert_eq!(Amount::new(1, "XXX?").money(), None);
    }
}
