//! The issuer's calls in UnionPay's shape.

use super::mpm::{unknown_code, DecodedCode, MppClient, MppPayRequest, MppPaymentResult};
use super::unionpay::{amount, currency_code, void_order_id};
use super::{meaning_error, pay_status, CancelResult, ClientError};
use crate::model::PayFailure;
use crate::network::Network;
use crate::time;
use crate::wire::unionpay::{self as up, alpha_currency};
use crate::wire::unionpay_mpm::{self as mpm, TransResponse};
use crate::wire::{meaning_of, parse_minor, Meaning};

fn result(request_id: &str, a: &TransResponse, code: &str, meaning: Meaning) -> Result<MppPaymentResult, ClientError> {
    let message = a.orig_resp_msg.clone().unwrap_or_else(|| a.resp_msg.clone());
    let (status, failure) = pay_status(meaning, code, &message)?;
    Ok(MppPaymentResult {
        network: Network::Unionpay,
        request_id: a.order_id.clone().unwrap_or_else(|| request_id.to_owned()),
        payment_id: a.qrc_voucher_no.clone(),
        status,
        failure,
        amount: amount(&a.txn_amt, &a.currency_code),
        settlement: amount(&a.billing_amt, &a.billing_currency_code),
        rate: a.billing_rate.clone(),
        merchant_id: a.mer_id.clone(),
        merchant_name: a.mer_name.clone(),
        paid_at: a.trace_time.as_deref().and_then(time::parse_compact),
        code: code.to_owned(),
        message,
    })
}

pub(super) async fn decode(c: &MppClient, code: &str) -> Result<DecodedCode, ClientError> {
    let body = mpm::DecodeRequest {
        version: up::VERSION.into(),
        iss_ins_code: c.client().client_id().to_owned(),
        mpqrc_payload: code.to_owned(),
    };
    let (_, a): (_, mpm::DecodeResponse) = c.client().post(mpm::PATH_DECODE, &body).await?;
    match meaning_of(up::CODES, &a.resp_code) {
        Meaning::Success => {}
        Meaning::Failed(PayFailure::InvalidCode) => return Err(unknown_code(&a.resp_code, &a.resp_msg)),
        other => return Err(meaning_error(other, &a.resp_code, &a.resp_msg)),
    }
    let currency = a.currency_code.as_deref().and_then(alpha_currency);
    match (a.mer_id, a.mer_name, currency) {
        (Some(merchant_id), Some(merchant_name), Some(currency)) => Ok(DecodedCode {
            network: Network::Unionpay,
            merchant_id,
            merchant_name,
            city: a.mer_city.unwrap_or_default(),
            country: a.mer_country.unwrap_or_default(),
            amount: a.txn_amt.as_deref().and_then(parse_minor).map(|v| crate::model::Amount::new(v, currency.clone())),
            currency,
        }),
        _ => Err(ClientError::Unknown("decode without the merchant".into())),
    }
}

pub(super) async fn pay(c: &MppClient, req: &MppPayRequest) -> Result<MppPaymentResult, ClientError> {
    let body = mpm::TransRequest {
        version: up::VERSION.into(),
        txn_type: up::TXN_PURCHASE.into(),
        iss_ins_code: c.client().client_id().to_owned(),
        order_id: req.request_id.clone(),
        txn_time: time::compact(c.client().network_now()),
        mpqrc_payload: Some(req.code.clone()),
        txn_amt: Some(req.amount.value.to_string()),
        currency_code: Some(currency_code(&req.amount)?),
        billing_currency_code: Some(currency_code(&crate::model::Amount::new(0, &req.settlement_currency))?),
        orig_order_id: None,
    };
    let (_, a): (_, TransResponse) = c.client().post(mpm::PATH_TRANS, &body).await?;
    result(&req.request_id, &a, &a.resp_code, meaning_of(up::CODES, &a.resp_code))
}

pub(super) async fn inquire(c: &MppClient, request_id: &str) -> Result<MppPaymentResult, ClientError> {
    let body = mpm::QueryRequest {
        version: up::VERSION.into(),
        txn_type: up::TXN_QUERY.into(),
        iss_ins_code: c.client().client_id().to_owned(),
        order_id: request_id.to_owned(),
    };
    let (_, a): (_, TransResponse) = c.client().post(mpm::PATH_QUERY, &body).await?;
    match meaning_of(up::CODES, &a.resp_code) {
        Meaning::Success => {}
        other => return Err(meaning_error(other, &a.resp_code, &a.resp_msg)),
    }
    let orig = a.orig_resp_code.clone().ok_or_else(|| ClientError::Unknown("query without origRespCode".into()))?;
    result(request_id, &a, &orig, meaning_of(up::CODES, &orig))
}

pub(super) async fn cancel(c: &MppClient, request_id: &str) -> Result<CancelResult, ClientError> {
    let body = mpm::TransRequest {
        version: up::VERSION.into(),
        txn_type: up::TXN_VOID.into(),
        iss_ins_code: c.client().client_id().to_owned(),
        order_id: void_order_id(request_id),
        txn_time: time::compact(c.client().network_now()),
        mpqrc_payload: None,
        txn_amt: None,
        currency_code: None,
        billing_currency_code: None,
        orig_order_id: Some(request_id.to_owned()),
    };
    let (_, a): (_, TransResponse) = c.client().post(mpm::PATH_TRANS, &body).await?;
    match meaning_of(up::CODES, &a.resp_code) {
        Meaning::Success => Ok(CancelResult {
            network: Network::Unionpay,
            request_id: request_id.to_owned(),
            payment_id: a.qrc_voucher_no.as_deref().and_then(|q| q.strip_prefix("void_")).map(str::to_owned),
            cancelled_at: a.trace_time.as_deref().and_then(time::parse_compact),
        }),
        other => Err(meaning_error(other, &a.resp_code, &a.resp_msg)),
    }
}
