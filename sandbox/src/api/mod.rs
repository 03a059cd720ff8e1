//! HTTP routes. The table in [`routes`] is the single source the router and the OpenAPI
//! sync test both read.

mod admin;
mod approvals;
mod charges;
mod common;
mod cpm_keys;
mod devices;
mod feed;
mod payments;
mod terminals;
mod transfers;
mod wallets;

use axum::http::Method;
use axum::routing::{get, post, put, MethodRouter};

use crate::state::AppState;

pub use common::{month_start, wallet_limits, Limits};
pub use devices::add_device_message;
pub use feed::OPENAPI_JSON;

/// One route: method, path (axum syntax), handler.
pub struct Route {
    /// HTTP method.
    pub method: Method,
    /// Path with `{param}` placeholders, as in the OpenAPI document.
    pub path: &'static str,
    /// Handler.
    pub handler: MethodRouter<AppState>,
}

fn r(method: Method, path: &'static str, handler: MethodRouter<AppState>) -> Route {
    Route { method, path, handler }
}

/// Every route the host serves.
pub fn routes() -> Vec<Route> {
    vec![
        r(Method::GET, "/openapi.json", get(feed::openapi)),
        r(Method::GET, "/v1/health", get(feed::health)),
        r(Method::POST, "/v1/devices", post(wallets::enrol)),
        r(Method::GET, "/v1/wallets/{wallet_id}", get(wallets::wallet)),
        r(Method::POST, "/v1/wallets/{wallet_id}/kyc", post(wallets::kyc)),
        r(Method::GET, "/v1/wallets/{wallet_id}/receive-code", get(wallets::receive_code)),
        r(Method::GET, "/v1/banks", get(wallets::banks)),
        r(Method::GET, "/v1/bank-links", get(wallets::bank_links)),
        r(Method::POST, "/v1/bank-links", post(wallets::link_bank)),
        r(Method::POST, "/v1/topups", post(wallets::top_up)),
        r(Method::GET, "/v1/merchants", get(payments::merchants)),
        r(Method::POST, "/v1/merchants/{merchant_id}/dynamic-codes", post(payments::dynamic_code)),
        r(Method::POST, "/v1/quotes", post(payments::create_quote)),
        r(Method::GET, "/v1/quotes/{quote_id}", get(payments::quote)),
        r(Method::POST, "/v1/payments", post(payments::pay)),
        r(Method::POST, "/v1/transfers", post(transfers::p2p)),
        r(Method::POST, "/v1/remittances", post(transfers::remit)),
        r(Method::GET, "/v1/transactions/{transaction_id}", get(feed::transaction)),
        r(Method::GET, "/v1/requests/{idempotency_key}", get(feed::request_outcome)),
        r(Method::GET, "/v1/history", get(feed::history)),
        r(Method::GET, "/v1/events", get(feed::events)),
        r(Method::POST, "/v1/wallets/{wallet_id}/devices", post(devices::add)),
        r(Method::POST, "/v1/devices/{device_id}/revoke", post(devices::revoke)),
        r(Method::POST, "/v1/wallets/{wallet_id}/no-confirm-limit", post(approvals::set_no_confirm_limit)),
        r(Method::POST, "/v1/cpm/keys", post(cpm_keys::provision)),
        r(Method::POST, "/v1/charges/{charge_id}/approve", post(approvals::approve)),
        r(Method::POST, "/v1/charges/{charge_id}/decline", post(approvals::decline)),
        r(Method::POST, "/v1/terminals", post(terminals::enrol)),
        r(Method::POST, "/v1/terminal/charges", post(charges::charge)),
        r(Method::GET, "/v1/terminal/charges/{charge_id}", get(charges::status)),
        r(Method::GET, "/admin/invariants", get(admin::invariants)),
        r(Method::PUT, "/admin/faults", put(admin::faults)),
        r(Method::POST, "/admin/clock", post(admin::clock)),
        r(Method::POST, "/admin/merchants/{merchant_id}/enrolment-tokens", post(terminals::issue_token)),
        r(Method::POST, "/admin/devices/{device_id}/revoke", post(devices::admin_revoke)),
    ]
}
