//! The neutral calls in Alipay+'s shape.

use super::{meaning_error, pay_status, AcquirerClient, CancelResult, ClientError, PayRequest, PaymentResult};
use super::{RefundRequest, RefundResult};
use crate::model::{Amount, PaymentStatus};
use crate::network::Network;
use crate::time;
use crate::wire::alipay_plus::{self as ap, PaymentResponse, ResultInfo};
use crate::wire::{meaning_of, parse_minor, Meaning};

pub(super) fn wire_amount(a: &Amount) -> ap::Amount {
    ap::Amount { currency: a.currency.clone(), value: a.value.to_string() }
}

pub(super) fn amount(a: &Option<ap::Amount>) -> Option<Amount> {
    a.as_ref().and_then(|a| parse_minor(&a.value).map(|v| Amount::new(v, a.currency.clone())))
}

pub(super) fn meaning(r: &ResultInfo) -> Meaning {
    let m = meaning_of(ap::CODES, &r.result_code);
    // A code whose status disagrees with its meaning is not an answer to trust.
    if ap::result_status(m) == r.result_status {
        m
    } else {
        Meaning::Unknown
    }
}

fn result(request_id: &str, body: PaymentResponse, status: PaymentStatus, failure_from: &ResultInfo) -> PaymentResult {
    let failure = match meaning(failure_from) {
        Meaning::Failed(f) => Some(f),
        _ => None,
    };
    PaymentResult {
        network: Network::AlipayPlus,
        request_id: body.payment_request_id.clone().unwrap_or_else(|| request_id.to_owned()),
        payment_id: body.payment_id.clone(),
        status,
        failure,
        amount: amount(&body.payment_amount),
        customer_amount: amount(&body.customer_payment_amount),
        rate: body.payment_quote.as_ref().map(|q| q.quote_price.clone()),
        wallet: body.wallet_brand_name.clone(),
        paid_at: body.payment_time.as_deref().and_then(time::parse_iso8601),
        code: failure_from.result_code.clone(),
        message: failure_from.result_message.clone(),
    }
}

pub(super) async fn pay(c: &AcquirerClient, req: &PayRequest) -> Result<PaymentResult, ClientError> {
    let body = ap::PayRequest {
        product_code: ap::PRODUCT_CODE.into(),
        payment_request_id: req.request_id.clone(),
        order: ap::Order {
            reference_order_id: Some(req.request_id.clone()),
            order_description: req.description.clone(),
            merchant: ap::Merchant {
                reference_merchant_id: req.merchant_id.clone(),
                merchant_name: req.merchant_name.clone(),
                merchant_mcc: None,
            },
        },
        payment_amount: wire_amount(&req.amount),
        payment_method: ap::PaymentMethod {
            payment_method_type: ap::PAYMENT_METHOD_TYPE.into(),
            payment_method_id: req.code.clone(),
        },
        payment_factor: Some(ap::PaymentFactor { in_store_payment_scenario: ap::SCENARIO_PAYMENT_CODE.into() }),
    };
    let (_, answer): (_, PaymentResponse) = c.post(ap::PATH_PAY, &body).await?;
    let info = answer.result.clone();
    let (status, _) = pay_status(meaning(&info), &info.result_code, &info.result_message)?;
    Ok(result(&req.request_id, answer, status, &info))
}

pub(super) async fn inquire(c: &AcquirerClient, request_id: &str) -> Result<PaymentResult, ClientError> {
    let body = ap::PaymentRef { payment_request_id: Some(request_id.to_owned()), payment_id: None };
    let (_, answer): (_, PaymentResponse) = c.post(ap::PATH_INQUIRY, &body).await?;
    let info = answer.result.clone();
    match meaning(&info) {
        Meaning::Success => {}
        other => return Err(meaning_error(other, &info.result_code, &info.result_message)),
    }
    let status = answer
        .payment_status
        .as_deref()
        .and_then(|s| ap::PAYMENT_STATUSES.iter().find(|(c, _)| *c == s).map(|(_, st)| *st))
        .ok_or_else(|| ClientError::Unknown("inquiryPayment without a paymentStatus".into()))?;
    let payment_result = answer.payment_result.clone().unwrap_or(info);
    Ok(result(request_id, answer, status, &payment_result))
}

pub(super) async fn cancel(c: &AcquirerClient, request_id: &str) -> Result<CancelResult, ClientError> {
    let body = ap::PaymentRef { payment_request_id: Some(request_id.to_owned()), payment_id: None };
    let (_, answer): (_, ap::CancelResponse) = c.post(ap::PATH_CANCEL, &body).await?;
    match meaning(&answer.result) {
        Meaning::Success => Ok(CancelResult {
            network: Network::AlipayPlus,
            request_id: request_id.to_owned(),
            payment_id: answer.payment_id,
            cancelled_at: answer.cancel_time.as_deref().and_then(time::parse_iso8601),
        }),
        other => Err(meaning_error(other, &answer.result.result_code, &answer.result.result_message)),
    }
}

pub(super) async fn refund(c: &AcquirerClient, req: &RefundRequest) -> Result<RefundResult, ClientError> {
    let body = ap::RefundRequest {
        refund_request_id: req.refund_request_id.clone(),
        payment_request_id: Some(req.payment_request_id.clone()),
        payment_id: None,
        refund_amount: wire_amount(&req.amount),
        refund_reason: None,
    };
    let (_, answer): (_, ap::RefundResponse) = c.post(ap::PATH_REFUND, &body).await?;
    match meaning(&answer.result) {
        Meaning::Success => Ok(RefundResult {
            network: Network::AlipayPlus,
            refund_request_id: req.refund_request_id.clone(),
            refund_id: answer.refund_id,
            payment_id: answer.payment_id,
            amount: amount(&answer.refund_amount).unwrap_or_else(|| req.amount.clone()),
            customer_amount: amount(&answer.customer_refund_amount),
            refunded_at: answer.refund_time.as_deref().and_then(time::parse_iso8601),
        }),
        other => Err(meaning_error(other, &answer.result.result_code, &answer.result.result_message)),
    }
}
