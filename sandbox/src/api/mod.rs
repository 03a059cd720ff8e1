//! HTTP routes. The table in [`routes`] is the single source the router and the OpenAPI
//! route test both read; the document itself is generated ([`openapi`]).

mod admin;
mod approvals;
mod charges;
mod china;
mod common;
mod cpm_keys;
mod devices;
mod doc;
mod feed;
mod foreign;
mod foreign_refunds;
mod intent_first;
mod payments;
mod payouts;
mod pricing;
mod quotes;
mod refunds;
mod requests;
mod settlement;
mod terminals;
mod transfers;
mod wallets;
mod withdrawals;

use axum::http::Method;
use axum::routing::{get, post, put, MethodRouter};

use crate::state::AppState;

pub use common::{month_start, wallet_limits, Limits};
pub use devices::add_device_message;
pub use doc::{openapi, openapi_json, REGENERATE};

/// Resumes what a stopped host left between a partner network's call and its decision:
/// foreign charges and their refunds, and payments to merchants in China.
pub async fn recover_foreign_charges(state: AppState) {
    foreign::recover(state.clone()).await;
    china::recover(&state).await;
}

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
        r(Method::POST, "/v1/bank-links/{bank_link_id}/unlink", post(wallets::unlink_bank)),
        r(Method::POST, "/v1/topups", post(wallets::top_up)),
        r(Method::POST, "/v1/withdrawals", post(withdrawals::withdraw)),
        r(Method::GET, "/v1/merchants", get(payments::merchants)),
        r(Method::POST, "/v1/merchants/{merchant_id}/dynamic-codes", post(payments::dynamic_code)),
        r(Method::GET, "/v1/pricing", get(pricing::pricing)),
        r(Method::POST, "/v1/quotes", post(quotes::create_quote)),
        r(Method::GET, "/v1/quotes/{quote_id}", get(quotes::quote)),
        r(Method::POST, "/v1/merchant-codes/decode", post(china::decode)),
        r(Method::POST, "/v1/payments", post(payments::pay)),
        r(Method::POST, "/v1/transfers", post(transfers::p2p)),
        r(Method::POST, "/v1/remittances", post(transfers::remit)),
        r(Method::GET, "/v1/recipients/{handle}", get(transfers::recipient)),
        r(Method::POST, "/v1/money-requests", post(requests::create)),
        r(Method::GET, "/v1/money-requests", get(requests::list)),
        r(Method::GET, "/v1/money-requests/{money_request_id}", get(requests::get_one)),
        r(Method::POST, "/v1/money-requests/{money_request_id}/pay", post(requests::pay)),
        r(Method::POST, "/v1/money-requests/{money_request_id}/decline", post(requests::decline)),
        r(Method::POST, "/v1/splits", post(requests::split)),
        r(Method::GET, "/v1/splits/{split_id}", get(requests::get_split)),
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
        r(Method::POST, "/v1/terminal/refunds", post(refunds::refund)),
        r(Method::GET, "/v1/terminal/settlement", get(settlement::settlement)),
        r(Method::GET, "/admin/invariants", get(admin::invariants)),
        r(Method::PUT, "/admin/faults", put(admin::faults)),
        r(Method::POST, "/admin/clock", post(admin::clock)),
        r(Method::POST, "/admin/merchants/{merchant_id}/enrolment-tokens", post(terminals::issue_token)),
        r(Method::POST, "/admin/devices/{device_id}/revoke", post(devices::admin_revoke)),
    ]
}

#[cfg(test)]
mod tests {
    //! What the core's client sends must be what the host's strict request structs read: each
    //! request type is sent with every optional field and with none.
    use std::collections::BTreeMap;

    use koban_core::net::api::{self as wire, Amount};
    use serde::de::DeserializeOwned;
    use serde::Serialize;

    fn reads_as<Host: DeserializeOwned>(client: impl Serialize) {
        let bytes = serde_json::to_vec(&client).unwrap();
        if let Err(e) = serde_json::from_slice::<Host>(&bytes) {
            panic!("the host refuses {}: {e}", String::from_utf8_lossy(&bytes));
        }
    }

    fn yen(minor: i64) -> Amount {
        Amount::new(minor, "JPY")
    }

    #[test]
    fn every_client_request_reads_as_the_hosts() {
        let text = || "x".to_owned();
        reads_as::<super::wallets::EnrolRequest>(wire::EnrolRequest {
            public_key: text(),
            country: text(),
            handle: text(),
            display_name: text(),
        });
        reads_as::<super::wallets::KycRequest>(wire::KycRequest {
            legal_name: text(),
            date_of_birth: text(),
            document_number: text(),
        });
        for sandbox_opening_balance in [None, Some(5)] {
            reads_as::<super::wallets::BankLinkRequest>(wire::BankLinkRequest {
                bank_id: text(),
                account_number: text(),
                holder_name: text(),
                sandbox_opening_balance,
            });
        }
        reads_as::<super::wallets::TopUpRequest>(wire::TopUpRequest { bank_link_id: text(), amount: yen(1) });
        reads_as::<super::approvals::NoConfirmLimitRequest>(wire::NoConfirmLimitRequest { limit: yen(0) });
        reads_as::<super::devices::AddDeviceRequest>(wire::AddDeviceRequest { public_key: text(), proof: text() });
        let tips = [
            None,
            Some(wire::TipRule::Prompt),
            Some(wire::TipRule::Fixed { fee: yen(110) }),
            Some(wire::TipRule::Percentage { hundredths: 350 }),
        ];
        for tip in tips {
            reads_as::<super::payments::DynamicCodeRequest>(wire::DynamicCodeRequest {
                amount: yen(1),
                reference: Some(text()),
                bill_number: Some(text()),
                tip,
            });
        }
        reads_as::<super::payments::DynamicCodeRequest>(wire::DynamicCodeRequest {
            amount: yen(1),
            reference: None,
            bill_number: None,
            tip: None,
        });
        reads_as::<super::quotes::QuoteRequest>(wire::QuoteRequest {
            purpose: text(),
            send: Some(yen(1)),
            receive: Some(yen(1)),
            destination_country: Some(text()),
        });
        reads_as::<super::quotes::QuoteRequest>(wire::QuoteRequest {
            purpose: text(),
            send: None,
            receive: None,
            destination_country: None,
        });
        reads_as::<super::payments::PaymentRequest>(wire::PaymentRequest {
            payload: text(),
            route: text(),
            amount: Some(yen(1)),
            tip: Some(yen(1)),
            quote_id: Some(text()),
            references: Some(BTreeMap::from([(text(), text())])),
        });
        reads_as::<super::china::MerchantCodeRequest>(wire::MerchantCodeRequest { payload: text() });
        reads_as::<super::payments::PaymentRequest>(wire::PaymentRequest {
            payload: text(),
            route: text(),
            amount: None,
            tip: None,
            quote_id: None,
            references: None,
        });
        for (handle, receive_code, message) in [(Some(text()), Some(text()), Some(text())), (None, None, None)] {
            reads_as::<super::transfers::TransferRequest>(wire::TransferRequest {
                to: wire::RecipientRef { handle, receive_code },
                amount: yen(1),
                message,
            });
        }
        let payout = wire::Payout { method: text(), provider: text(), account: text() };
        for (handle, payout, relationship, message) in
            [(Some(text()), Some(payout), Some(text()), Some(text())), (None, None, None, None)]
        {
            reads_as::<super::transfers::RemittanceRequest>(wire::RemittanceRequest {
                quote_id: text(),
                recipient: wire::RemittanceRecipientRequest { name: text(), handle, payout, relationship },
                purpose: text(),
                message,
            });
        }
        reads_as::<super::requests::NewMoneyRequest>(wire::NewMoneyRequest {
            from: text(),
            amount: yen(1),
            note: text(),
        });
        reads_as::<super::requests::MoneyRequestPayment>(wire::MoneyRequestPayment { amount: yen(1) });
        reads_as::<super::requests::SplitRequest>(wire::SplitRequest {
            total: yen(2),
            note: text(),
            shares: vec![wire::ShareRequest { handle: text(), amount: yen(2) }],
        });
        for retire_before in [None, Some(3)] {
            reads_as::<super::cpm_keys::ProvisionRequest>(wire::ProvisionRequest { count: 3, retire_before });
        }
        reads_as::<super::terminals::EnrolRequest>(wire::TerminalEnrolRequest {
            merchant_id: text(),
            public_key: text(),
            enrolment_token: text(),
        });
        for scanned_at in [None, Some(1)] {
            reads_as::<super::charges::ChargeRequest>(wire::ChargeRequest { amount: yen(1), code: text(), scanned_at });
        }
        for (charge_id, transaction_id, amount) in [(Some(text()), None, Some(yen(1))), (None, Some(text()), None)] {
            reads_as::<super::refunds::RefundRequest>(wire::RefundRequest { charge_id, transaction_id, amount });
        }
    }
}
