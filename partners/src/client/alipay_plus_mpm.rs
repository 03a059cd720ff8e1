//! The partner wallet's calls in Alipay+'s shape.

use super::alipay_plus::{amount, meaning, wire_amount};
use super::mpm::{unknown_code, DecodedCode, MppClient, MppPayRequest, MppPaymentResult};
use super::{meaning_error, pay_status, CancelResult, ClientError};
use crate::model::{PayFailure, PaymentStatus};
use crate::network::Network;
use crate::time;
use crate::wire::alipay_plus::{self as ap, ResultInfo};
use crate::wire::alipay_plus_mpm::{self as mpm, PaymentResponse};
use crate::wire::Meaning;

/// The MPP's id for its user: the host does not tell the network who its users are.
const CUSTOMER: &str = "koban-wallet-user";

fn result(request_id: &str, body: PaymentResponse, status: PaymentStatus, from: &ResultInfo) -> MppPaymentResult {
    let failure = match meaning(from) {
        Meaning::Failed(f) => Some(f),
        _ => None,
    };
    MppPaymentResult {
        network: Network::AlipayPlus,
        request_id: body.payment_request_id.clone().unwrap_or_else(|| request_id.to_owned()),
        payment_id: body.payment_id.clone(),
        status,
        failure,
        amount: amount(&body.payment_amount),
        settlement: amount(&body.settlement_amount),
        rate: body.settlement_quote.as_ref().map(|q| q.quote_price.clone()),
        merchant_id: body.merchant.as_ref().map(|m| m.reference_merchant_id.clone()),
        merchant_name: body.merchant.as_ref().map(|m| m.merchant_name.clone()),
        paid_at: body.payment_time.as_deref().and_then(time::parse_iso8601),
        code: from.result_code.clone(),
        message: from.result_message.clone(),
    }
}

pub(super) async fn decode(c: &MppClient, code: &str) -> Result<DecodedCode, ClientError> {
    let body = mpm::DecodeRequest { code_value: code.to_owned(), customer_id: CUSTOMER.into() };
    let (_, a): (_, mpm::DecodeResponse) = c.client().post(mpm::PATH_DECODE, &body).await?;
    match meaning(&a.result) {
        Meaning::Success => {}
        Meaning::Failed(PayFailure::InvalidCode) => {
            return Err(unknown_code(&a.result.result_code, &a.result.result_message))
        }
        other => return Err(meaning_error(other, &a.result.result_code, &a.result.result_message)),
    }
    let (Some(order), Some(currency)) = (a.order, a.payment_currency) else {
        return Err(ClientError::Unknown("userInitiatedPay without the order".into()));
    };
    let m = order.merchant;
    Ok(DecodedCode {
        network: Network::AlipayPlus,
        merchant_id: m.reference_merchant_id,
        merchant_name: m.merchant_name,
        city: m.merchant_address.city,
        country: m.merchant_address.region,
        currency,
        amount: amount(&order.order_amount),
    })
}

pub(super) async fn pay(c: &MppClient, req: &MppPayRequest) -> Result<MppPaymentResult, ClientError> {
    let body = mpm::PayRequest {
        payment_request_id: req.request_id.clone(),
        code_value: req.code.clone(),
        payment_amount: wire_amount(&req.amount),
        settlement_currency: req.settlement_currency.clone(),
        customer_id: Some(CUSTOMER.into()),
    };
    let (_, answer): (_, PaymentResponse) = c.client().post(mpm::PATH_PAY, &body).await?;
    let info = answer.result.clone();
    let (status, _) = pay_status(meaning(&info), &info.result_code, &info.result_message)?;
    Ok(result(&req.request_id, answer, status, &info))
}

pub(super) async fn inquire(c: &MppClient, request_id: &str) -> Result<MppPaymentResult, ClientError> {
    let body = ap::PaymentRef { payment_request_id: Some(request_id.to_owned()), payment_id: None };
    let (_, answer): (_, PaymentResponse) = c.client().post(mpm::PATH_INQUIRY, &body).await?;
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

pub(super) async fn cancel(c: &MppClient, request_id: &str) -> Result<CancelResult, ClientError> {
    let body = ap::PaymentRef { payment_request_id: Some(request_id.to_owned()), payment_id: None };
    let (_, answer): (_, ap::CancelResponse) = c.client().post(mpm::PATH_CANCEL, &body).await?;
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
