//! The event feed: `{seq, kind, data, created_at}` with `data` typed by `kind`.

use super::*;

// ---------- events ----------

/// `GET /v1/events`: the wallet's events after `after`, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Events {
    /// Up to 100 events.
    pub events: Vec<Event>,
    /// The last sequence number read: ask for `after` it next time.
    pub last_seq: i64,
}

/// One event of a wallet's feed: `{seq, kind, data, created_at}`, `data` typed by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RawEvent", try_from = "RawEvent")]
pub struct Event {
    /// Feed sequence number.
    pub seq: i64,
    /// Host time.
    pub created_at: i64,
    /// What happened, with its kind.
    pub data: EventData,
}

/// What an event says, by its `kind`.
#[derive(Debug, Clone, PartialEq)]
pub enum EventData {
    /// `topup_completed`.
    TopupCompleted(TopUp),
    /// `payment_completed`.
    PaymentCompleted(Payment),
    /// `transfer_sent`.
    TransferSent(Transfer),
    /// `transfer_received`: money from another wallet, at home or from abroad.
    TransferReceived(TransferReceived),
    /// `remittance_status`.
    RemittanceStatus(RemittanceStatus),
    /// `kyc_verified`.
    KycVerified(KycVerified),
    /// `device_revoked`.
    DeviceRevoked(DeviceRevokedEvent),
    /// `consumer_codes_revoked`: the host dropped a token's keys.
    ConsumerCodesRevoked(CodesRevoked),
    /// `charge_approval_requested`: a till charge waits for the shopper.
    ChargeApprovalRequested(ApprovalRequested),
    /// `consumer_code_charged`: a till captured a charge of one of this wallet's codes.
    ConsumerCodeCharged(CodeCharged),
    /// `consumer_code_refused`: a till presented a code and the charge was refused.
    ConsumerCodeRefused(CodeRefused),
    /// `refund_received`: a merchant refunded (part of) a payment or till charge.
    RefundReceived(RefundReceived),
    /// `money_request_received`: another wallet asks this one for money.
    MoneyRequestReceived(MoneyRequest),
    /// `money_request_answered`: a request this wallet made was paid or declined.
    MoneyRequestAnswered(MoneyRequest),
    /// A kind this client does not know yet (newer hosts may add some).
    Other {
        /// The kind.
        kind: String,
        /// Its data, unread.
        data: Value,
    },
}

/// The event kinds a host sends today, in the order of [`EventData`].
pub const EVENT_KINDS: &[&str] = &[
    "topup_completed",
    "payment_completed",
    "transfer_sent",
    "transfer_received",
    "remittance_status",
    "kyc_verified",
    "device_revoked",
    "consumer_codes_revoked",
    "charge_approval_requested",
    "consumer_code_charged",
    "consumer_code_refused",
    "refund_received",
    "money_request_received",
    "money_request_answered",
];

impl EventData {
    /// The event's `kind`.
    pub fn kind(&self) -> &str {
        match self {
            EventData::TopupCompleted(_) => EVENT_KINDS[0],
            EventData::PaymentCompleted(_) => EVENT_KINDS[1],
            EventData::TransferSent(_) => EVENT_KINDS[2],
            EventData::TransferReceived(_) => EVENT_KINDS[3],
            EventData::RemittanceStatus(_) => EVENT_KINDS[4],
            EventData::KycVerified(_) => EVENT_KINDS[5],
            EventData::DeviceRevoked(_) => EVENT_KINDS[6],
            EventData::ConsumerCodesRevoked(_) => EVENT_KINDS[7],
            EventData::ChargeApprovalRequested(_) => EVENT_KINDS[8],
            EventData::ConsumerCodeCharged(_) => EVENT_KINDS[9],
            EventData::ConsumerCodeRefused(_) => EVENT_KINDS[10],
            EventData::RefundReceived(_) => EVENT_KINDS[11],
            EventData::MoneyRequestReceived(_) => EVENT_KINDS[12],
            EventData::MoneyRequestAnswered(_) => EVENT_KINDS[13],
            EventData::Other { kind, .. } => kind,
        }
    }

    /// The event's `data` as JSON.
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        match self {
            EventData::TopupCompleted(d) => serde_json::to_value(d),
            EventData::PaymentCompleted(d) => serde_json::to_value(d),
            EventData::TransferSent(d) => serde_json::to_value(d),
            EventData::TransferReceived(d) => serde_json::to_value(d),
            EventData::RemittanceStatus(d) => serde_json::to_value(d),
            EventData::KycVerified(d) => serde_json::to_value(d),
            EventData::DeviceRevoked(d) => serde_json::to_value(d),
            EventData::ConsumerCodesRevoked(d) => serde_json::to_value(d),
            EventData::ChargeApprovalRequested(d) => serde_json::to_value(d),
            EventData::ConsumerCodeCharged(d) => serde_json::to_value(d),
            EventData::ConsumerCodeRefused(d) => serde_json::to_value(d),
            EventData::RefundReceived(d) => serde_json::to_value(d),
            EventData::MoneyRequestReceived(d) => serde_json::to_value(d),
            EventData::MoneyRequestAnswered(d) => serde_json::to_value(d),
            EventData::Other { data, .. } => Ok(data.clone()),
        }
    }

    /// Reads `data` by `kind`; an unknown kind is kept as [`EventData::Other`], a known kind
    /// whose data does not read is an error (the host broke its contract).
    pub fn from_parts(kind: &str, data: Value) -> Result<EventData, serde_json::Error> {
        // Read from a borrowed `Value`, as the wallet reads every other answer: one kind of
        // deserializer per type in the phone library, not two.
        fn read<T: serde::de::DeserializeOwned>(data: &Value) -> Result<T, serde_json::Error> {
            T::deserialize(data)
        }
        let data_ref = &data;
        Ok(match kind {
            "topup_completed" => EventData::TopupCompleted(read(data_ref)?),
            "payment_completed" => EventData::PaymentCompleted(read(data_ref)?),
            "transfer_sent" => EventData::TransferSent(read(data_ref)?),
            "transfer_received" => EventData::TransferReceived(read(data_ref)?),
            "remittance_status" => EventData::RemittanceStatus(read(data_ref)?),
            "kyc_verified" => EventData::KycVerified(read(data_ref)?),
            "device_revoked" => EventData::DeviceRevoked(read(data_ref)?),
            "consumer_codes_revoked" => EventData::ConsumerCodesRevoked(read(data_ref)?),
            "charge_approval_requested" => EventData::ChargeApprovalRequested(read(data_ref)?),
            "consumer_code_charged" => EventData::ConsumerCodeCharged(read(data_ref)?),
            "consumer_code_refused" => EventData::ConsumerCodeRefused(read(data_ref)?),
            "refund_received" => EventData::RefundReceived(read(data_ref)?),
            "money_request_received" => EventData::MoneyRequestReceived(read(data_ref)?),
            "money_request_answered" => EventData::MoneyRequestAnswered(read(data_ref)?),
            other => EventData::Other { kind: other.to_owned(), data },
        })
    }
}

// The wire form of an event; `Event` converts through it so `data` is read by `kind`.
#[derive(Serialize, Deserialize)]
struct RawEvent {
    seq: i64,
    kind: String,
    data: Value,
    created_at: i64,
}

impl TryFrom<RawEvent> for Event {
    type Error = serde_json::Error;

    fn try_from(raw: RawEvent) -> Result<Event, serde_json::Error> {
        Ok(Event { seq: raw.seq, created_at: raw.created_at, data: EventData::from_parts(&raw.kind, raw.data)? })
    }
}

impl From<Event> for RawEvent {
    fn from(e: Event) -> RawEvent {
        // Serialising these plain structs cannot fail (string keys, no floats); Null keeps
        // `From` infallible should that ever change.
        let data = e.data.to_value().unwrap_or(Value::Null);
        RawEvent { seq: e.seq, kind: e.data.kind().to_owned(), data, created_at: e.created_at }
    }
}

/// Who sent money received: a wallet at home (with `display_name`) or a remitter abroad
/// (with `name`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counterparty {
    /// Handle, without `@`.
    pub handle: String,
    /// Display name (domestic transfers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Legal name (remittances).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Country.
    pub country: String,
}

/// Data of `transfer_received`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferReceived {
    /// Transaction id.
    pub id: String,
    /// `p2p` or `remittance`.
    pub kind: String,
    /// The sender.
    pub from: Counterparty,
    /// What arrived, in this wallet's currency.
    pub amount: Amount,
    /// Domestic transfers: the sender's message (may be empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Remittances: the purpose given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// The money request this transfer paid, if it paid one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub money_request_id: Option<String>,
}

/// Data of `remittance_status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemittanceStatus {
    /// Transaction id.
    pub id: String,
    /// `credited` or `paid_out_to_partner` when sent; then, for a payout by a partner,
    /// `delivered` or `failed` (the money came back to the wallet).
    pub status: String,
    /// Host time by which it should arrive.
    pub estimated_delivery_at: i64,
    /// A cash pickup's reference, which the recipient shows at the counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup_reference: Option<String>,
    /// Why a payout failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A failed payout's money back in the wallet (fee included), its own history entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned: Option<RemittanceReturned>,
}

/// A failed payout's money given back to the sending wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RemittanceReturned {
    /// The transaction that gave it back.
    pub transaction_id: String,
    /// What came back, the wallet's currency: everything the remittance took, fee included.
    pub amount: Amount,
    /// Wallet balance after it.
    pub balance: Amount,
}

/// Data of `kyc_verified`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KycVerified {
    /// The new tier, `verified`.
    pub tier: String,
}

/// Data of `device_revoked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceRevokedEvent {
    /// The revoked device.
    pub device_id: String,
    /// The device that revoked it, or `admin`.
    pub by: String,
}

/// Data of `consumer_codes_revoked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodesRevoked {
    /// The payment token whose keys are void.
    pub token: String,
    /// `cryptogram_failures`.
    pub reason: String,
    /// Wrong cryptograms counted.
    pub failures: i64,
}

/// Data of `charge_approval_requested`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalRequested {
    /// Charge id (approve or decline it by this id).
    pub id: String,
    /// Who charges.
    pub merchant: MerchantRef,
    /// How much.
    pub amount: Amount,
    /// Host time until which it may be approved.
    pub approve_by: i64,
    /// Host time.
    pub created_at: i64,
}

/// Data of `consumer_code_charged`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeCharged {
    /// Transaction id.
    pub id: String,
    /// The till's charge.
    pub charge_id: String,
    /// `cpm_charge`.
    pub kind: String,
    /// `captured`.
    pub status: String,
    /// Who charged.
    pub merchant: MerchantRef,
    /// How much.
    pub amount: Amount,
    /// The code's counter.
    pub counter: i64,
    /// Wallet balance after it.
    pub balance: Amount,
    /// Host time.
    pub created_at: i64,
}

/// Data of `consumer_code_refused`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CodeRefused {
    /// The till's charge.
    pub charge_id: String,
    /// Who tried to charge.
    pub merchant_id: String,
    /// How much.
    pub amount: Amount,
    /// The refusal's error kind.
    pub refusal: String,
}
