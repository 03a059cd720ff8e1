//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` annotations and the
//! wire types (`koban_core::net::api` and the host's strict request structs), served at
//! `/openapi.json` and committed as `sandbox/openapi.json` (a test holds the two equal).

use std::sync::OnceLock;

use koban_core::net::api;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::{
    admin, approvals, charges, china, cpm_keys, devices, feed, payments, pricing, quotes, refunds, requests,
    settlement, terminals, transfers, wallets, withdrawals,
};
use crate::error::ApiError;

/// The command that rewrites the committed document from the code.
pub const REGENERATE: &str = "cargo run -q -p koban-sandbox -- openapi > sandbox/openapi.json";

/// The `Idempotency-Key` header every mutation carries.
pub struct IdempotencyKey;

impl utoipa::IntoParams for IdempotencyKey {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let schema =
            ObjectBuilder::new().schema_type(SchemaType::Type(Type::String)).min_length(Some(1)).max_length(Some(128));
        vec![ParameterBuilder::new()
            .name("Idempotency-Key")
            .parameter_in(ParameterIn::Header)
            .required(Required::True)
            .description(Some("Unique per intended mutation; reuse it on every retry. 1-128 visible ASCII characters."))
            .schema(Some(schema))
            .build()]
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Koban wallet host sandbox",
        version = "1.0.0",
        description = "A faithful wallet-provider host for tests, the CLI demo and SDK users. Amounts are integer \
minor units. Every mutating request carries an Idempotency-Key: a repeat returns the stored outcome (header \
Idempotent-Replayed: true), a repeat with a different body is refused with idempotency_key_reused. Device requests \
are signed: see koban_core::crypto::request for the canonical string (KOBAN-SIG-V1, method, path and query, SHA-256 \
of the body, timestamp, nonce, device id) and the four x-koban-* headers; every answer carries x-koban-host-time. \
Clients must ignore fields and event kinds they do not know. Generated from the code (sandbox/src/api); at real \
scale a provider runs its own host over its own ledger database."
    ),
    servers((url = "http://127.0.0.1:{port}", variables(("port" = (default = "8080", description = "Printed at start"))))),
    paths(
        feed::openapi,
        feed::health,
        wallets::enrol,
        wallets::wallet,
        wallets::kyc,
        wallets::receive_code,
        wallets::banks,
        wallets::bank_links,
        wallets::link_bank,
        wallets::unlink_bank,
        withdrawals::withdraw,
        wallets::top_up,
        payments::merchants,
        payments::dynamic_code,
        pricing::pricing,
        quotes::create_quote,
        quotes::quote,
        china::decode,
        payments::pay,
        transfers::p2p,
        transfers::remit,
        transfers::recipient,
        requests::create,
        requests::list,
        requests::get_one,
        requests::pay,
        requests::decline,
        requests::split,
        requests::get_split,
        feed::transaction,
        feed::request_outcome,
        feed::history,
        feed::events,
        devices::add,
        devices::revoke,
        approvals::set_no_confirm_limit,
        cpm_keys::provision,
        approvals::approve,
        approvals::decline,
        terminals::enrol,
        charges::charge,
        charges::status,
        settlement::settlement,
        refunds::refund,
        admin::invariants,
        admin::faults,
        admin::clock,
        terminals::issue_token,
        devices::admin_revoke,
    ),
    components(schemas(api::ErrorBody, api::Event)),
    tags(
        (name = "meta", description = "The document and the host's clock"),
        (name = "wallet", description = "Enrolment, devices, the wallet and KYC"),
        (name = "banks", description = "Simulated banks, links and top-up"),
        (name = "merchants", description = "Demo merchants and dynamic codes"),
        (name = "fx", description = "FX quotes"),
        (name = "payments", description = "Paying scanned merchant codes"),
        (name = "transfers", description = "Transfers at home and remittances abroad"),
        (name = "friends", description = "Money requests and split bills"),
        (name = "history", description = "Transactions, stored outcomes, history and events"),
        (name = "consumer-codes", description = "Consumer-presented codes, terminals and approvals"),
        (name = "admin", description = "Only with --admin"),
    ),
    modifiers(&Host),
)]
struct Doc;

/// What the derive cannot say: the signature schemes, the closed set of error kinds, and
/// that every route may refuse with an `Error`.
struct Host;

impl Modify for Host {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "signedDevice",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "x-koban-signature",
                "base64url P-256 ECDSA (fixed r||s) over the canonical request, with x-koban-device, \
                 x-koban-timestamp (within 300 s of the host's clock) and x-koban-nonce (single use).",
            ))),
        );
        components.add_security_scheme(
            "signedTerminal",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "x-koban-signature",
                "A terminal enrolled for one merchant (POST /v1/terminals) signs exactly as a device does; \
                 x-koban-device carries the terminal id.",
            ))),
        );
        // The kinds are the host's (ApiError), not the shared type's, whose clients keep a
        // string: the inside of `Error` is spelled out here with the closed set.
        if let Some(RefOr::T(Schema::Object(error))) = components.schemas.get_mut("Error") {
            let kind = ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .enum_values(Some(ApiError::kinds()))
                .description(Some("Stable machine-readable kind"));
            let message = ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::String))
                .description(Some("What a person reads"));
            let inner = ObjectBuilder::new()
                .schema_type(SchemaType::Type(Type::Object))
                .property("kind", kind)
                .required("kind")
                .property("message", message)
                .required("message");
            error.properties.insert("error".into(), inner.into());
        }
        let refusal = ResponseBuilder::new()
            .description("Refusal or error; see Error.kind")
            .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("Error"))).build())
            .build();
        for item in doc.paths.paths.values_mut() {
            let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for op in ops.into_iter().flatten() {
                op.responses.responses.insert("default".into(), RefOr::T(refusal.clone()));
            }
        }
    }
}

/// The document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    Doc::openapi()
}

/// The document as served and committed: pretty JSON with a final newline, built once.
pub fn openapi_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| match serde_json::to_string_pretty(&openapi()) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        // Our own types always serialise; should one not, the route says so instead of panicking.
        Err(e) => format!("{{\"error\":{{\"kind\":\"internal\",\"message\":\"openapi: {e}\"}}}}\n"),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    /// Where two documents first differ, as a JSON pointer with both values.
    fn first_difference(committed: &Value, generated: &Value, at: &str) -> Option<String> {
        match (committed, generated) {
            (Value::Object(a), Value::Object(b)) => {
                let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                keys.into_iter().find_map(|k| match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => first_difference(x, y, &format!("{at}/{k}")),
                    (x, y) => Some(format!("{at}/{k}: committed {x:?}, code {y:?}")),
                })
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                a.iter().zip(b).enumerate().find_map(|(i, (x, y))| first_difference(x, y, &format!("{at}/{i}")))
            }
            (a, b) if a == b => None,
            (a, b) => Some(format!("{at}: committed {a}, code {b}")),
        }
    }

    #[test]
    fn the_committed_document_is_the_one_the_code_generates() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        let committed: Value = serde_json::from_str(&committed).unwrap_or(Value::Null);
        let generated: Value = serde_json::from_str(openapi_json()).unwrap();
        if let Some(diff) = first_difference(&committed, &generated, "") {
            panic!("sandbox/openapi.json and the code disagree at {diff}\nregenerate it with: {REGENERATE}");
        }
    }

    #[test]
    fn first_difference_names_the_place() {
        let a = serde_json::json!({ "x": { "y": [1, 2] }, "z": 1 });
        assert_eq!(first_difference(&a, &a, ""), None);
        let b = serde_json::json!({ "x": { "y": [1, 3] }, "z": 1 });
        assert_eq!(first_difference(&a, &b, "").as_deref(), Some("/x/y/1: committed 2, code 3"));
        let c = serde_json::json!({ "x": { "y": [1, 2] } });
        assert_eq!(first_difference(&a, &c, "").as_deref(), Some("/z: committed Some(Number(1)), code None"));
    }
}
