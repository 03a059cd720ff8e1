//! The neutral calls in UnionPay's shape.

use super::{meaning_error, pay_status, AcquirerClient, CancelResult, ClientError, PayRequest, PaymentResult};
use super::{RefundRequest, RefundResult};
use crate::model::Amount;
use crate::network::Network;
use crate::time;
use crate::wire::unionpay::{self as up, TransResponse};
use crate::wire::{meaning_of, parse_minor, Meaning};

pub(super) fn amount(value: &Option<String>, currency: &Option<String>) -> Option<Amount> {
    let v = value.as_deref().and_then(parse_minor)?;
    let c = currency.as_deref().and_then(up::alpha_currency)?;
    Some(Amount::new(v, c))
}

pub(super) fn currency_code(a: &Amount) -> Result<String, ClientError> {
    up::numeric_currency(&a.currency).ok_or_else(|| ClientError::Config(format!("no numeric code for {}", a.currency)))
}

/// The void's own order id, derived from the purchase's so that a retried void is the same void.
pub(super) fn void_order_id(request_id: &str) -> String {
    let digest = koban_core::crypto::body_digest_hex(format!("void:{request_id}").as_bytes());
    format!("V{}", &digest[..31])
}

fn result(request_id: &str, a: &TransResponse, code: &str, meaning: Meaning) -> Result<PaymentResult, ClientError> {
    let message = a.orig_resp_msg.clone().unwrap_or_else(|| a.resp_msg.clone());
    let (status, failure) = pay_status(meaning, code, &message)?;
    Ok(PaymentResult {
        network: Network::Unionpay,
        request_id: a.order_id.clone().unwrap_or_else(|| request_id.to_owned()),
        payment_id: a.query_id.clone(),
        status,
        failure,
        amount: amount(&a.txn_amt, &a.currency_code),
        customer_amount: amount(&a.cardholder_amt, &a.cardholder_currency_code),
        rate: a.exchange_rate.clone(),
        wallet: None,
        paid_at: a.trace_time.as_deref().and_then(time::parse_compact),
        code: code.to_owned(),
        message,
    })
}

fn request(c: &AcquirerClient, txn_type: &str, order_id: &str, merchant_id: &str) -> up::TransRequest {
    up::TransRequest {
        version: up::VERSION.into(),
        txn_type: txn_type.into(),
        txn_sub_type: if txn_type == up::TXN_PURCHASE { up::SUB_TYPE_CPM.into() } else { "00".into() },
        biz_type: up::BIZ_TYPE.into(),
        acq_ins_code: c.client_id().to_owned(),
        mer_id: merchant_id.to_owned(),
        mer_name: None,
        order_id: order_id.to_owned(),
        txn_time: time::compact(c.network_now()),
        txn_amt: None,
        currency_code: None,
        qr_no: None,
        order_desc: None,
        orig_order_id: None,
        orig_qry_id: None,
    }
}

// UnionPay names the merchant on every request; void, refund and query only need it to be
// present, since the acquirer and the order id already name the payment.
const ANY_MERCHANT: &str = "acquirer";

pub(super) async fn pay(c: &AcquirerClient, req: &PayRequest) -> Result<PaymentResult, ClientError> {
    let mut body = request(c, up::TXN_PURCHASE, &req.request_id, &req.merchant_id);
    body.mer_name = Some(req.merchant_name.clone());
    body.txn_amt = Some(req.amount.value.to_string());
    body.currency_code = Some(currency_code(&req.amount)?);
    body.qr_no = Some(req.code.clone());
    body.order_desc = Some(req.description.clone());
    let (_, a): (_, TransResponse) = c.post(up::PATH_TRANS, &body).await?;
    result(&req.request_id, &a, &a.resp_code, meaning_of(up::CODES, &a.resp_code))
}

pub(super) async fn inquire(c: &AcquirerClient, request_id: &str) -> Result<PaymentResult, ClientError> {
    let body = up::QueryRequest {
        version: up::VERSION.into(),
        txn_type: up::TXN_QUERY.into(),
        acq_ins_code: c.client_id().to_owned(),
        mer_id: ANY_MERCHANT.into(),
        order_id: request_id.to_owned(),
        txn_time: None,
    };
    let (_, a): (_, TransResponse) = c.post(up::PATH_QUERY, &body).await?;
    match meaning_of(up::CODES, &a.resp_code) {
        Meaning::Success => {}
        other => return Err(meaning_error(other, &a.resp_code, &a.resp_msg)),
    }
    let orig = a.orig_resp_code.clone().ok_or_else(|| ClientError::Unknown("query without origRespCode".into()))?;
    result(request_id, &a, &orig, meaning_of(up::CODES, &orig))
}

pub(super) async fn cancel(c: &AcquirerClient, request_id: &str) -> Result<CancelResult, ClientError> {
    let mut body = request(c, up::TXN_VOID, &void_order_id(request_id), ANY_MERCHANT);
    body.orig_order_id = Some(request_id.to_owned());
    let (_, a): (_, TransResponse) = c.post(up::PATH_TRANS, &body).await?;
    match meaning_of(up::CODES, &a.resp_code) {
        Meaning::Success => Ok(CancelResult {
            network: Network::Unionpay,
            request_id: request_id.to_owned(),
            payment_id: a.query_id.as_deref().and_then(|q| q.strip_prefix("void_")).map(str::to_owned),
            cancelled_at: a.trace_time.as_deref().and_then(time::parse_compact),
        }),
        other => Err(meaning_error(other, &a.resp_code, &a.resp_msg)),
    }
}

pub(super) async fn refund(c: &AcquirerClient, req: &RefundRequest) -> Result<RefundResult, ClientError> {
    let mut body = request(c, up::TXN_REFUND, &req.refund_request_id, ANY_MERCHANT);
    body.orig_order_id = Some(req.payment_request_id.clone());
    body.txn_amt = Some(req.amount.value.to_string());
    body.currency_code = Some(currency_code(&req.amount)?);
    let (_, a): (_, TransResponse) = c.post(up::PATH_TRANS, &body).await?;
    match meaning_of(up::CODES, &a.resp_code) {
        Meaning::Success => Ok(RefundResult {
            network: Network::Unionpay,
            refund_request_id: req.refund_request_id.clone(),
            refund_id: a.query_id.clone(),
            payment_id: None,
            amount: amount(&a.txn_amt, &a.currency_code).unwrap_or_else(|| req.amount.clone()),
            customer_amount: amount(&a.cardholder_amt, &a.cardholder_currency_code),
            refunded_at: a.trace_time.as_deref().and_then(time::parse_compact),
        }),
        other => Err(meaning_error(other, &a.resp_code, &a.resp_msg)),
    }
}
