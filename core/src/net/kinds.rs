//! The host's refusal kinds: the `kind` of every `{"error": {"kind", "message"}}` answer.
//! The sandbox's `ApiError` maps each of its variants to one of these, and the wallet reads
//! them back (`Refusal`), so the spelling lives here only.

crate::error_kinds! {
    /// A stable, machine-readable reason the host gives for refusing a request.
    pub enum ErrorKind {
        /// The request body or parameters are malformed.
        BadRequest = "bad_request",
        /// The signature headers are missing or the signature does not verify.
        BadSignature = "bad_signature",
        /// The signed timestamp is too far from the host's clock.
        StaleSignature = "stale_signature",
        /// The nonce was already used: the request is a replay.
        ReplayedNonce = "replayed_nonce",
        /// The device id is not enrolled.
        UnknownDevice = "unknown_device",
        /// The device (or terminal) is already enrolled.
        AlreadyEnrolled = "already_enrolled",
        /// The device was revoked (a lost phone).
        DeviceRevoked = "device_revoked",
        /// The terminal id is not enrolled, or was revoked.
        UnknownTerminal = "unknown_terminal",
        /// A terminal enrolment token is unknown, used, expired or for another merchant.
        BadEnrolmentToken = "bad_enrolment_token",
        /// The resource belongs to another wallet or merchant.
        Forbidden = "forbidden",
        /// No such resource.
        NotFound = "not_found",
        /// A mutating request came without an Idempotency-Key.
        IdempotencyKeyMissing = "idempotency_key_missing",
        /// An Idempotency-Key was reused with a different request.
        IdempotencyKeyReused = "idempotency_key_reused",
        /// Not enough money in the source account.
        InsufficientFunds = "insufficient_funds",
        /// A KYC limit would be exceeded.
        LimitExceeded = "limit_exceeded",
        /// The wallet's KYC tier does not allow this.
        KycRequired = "kyc_required",
        /// The handle is taken.
        HandleTaken = "handle_taken",
        /// The FX quote has expired.
        QuoteExpired = "quote_expired",
        /// The FX quote was already executed.
        QuoteUsed = "quote_used",
        /// The FX quote does not fit the request.
        QuoteMismatch = "quote_mismatch",
        /// A cross-border operation needs a quote.
        QuoteRequired = "quote_required",
        /// The amount differs from the code's, or is missing.
        AmountMismatch = "amount_mismatch",
        /// The route is not one the code supports.
        RouteMismatch = "route_mismatch",
        /// The code asks the payer for a reference the request does not carry.
        ReferenceRequired = "reference_required",
        /// The payload is not a payment code the host can read.
        InvalidPayload = "invalid_payload",
        /// The payload belongs to no merchant the host knows.
        UnknownMerchant = "unknown_merchant",
        /// A dynamic code was already paid.
        CodeAlreadyPaid = "code_already_paid",
        /// Currencies do not line up.
        CurrencyMismatch = "currency_mismatch",
        /// No remittance corridor or FX rate for this pair.
        UnsupportedCorridor = "unsupported_corridor",
        /// The recipient cannot be found.
        UnknownRecipient = "unknown_recipient",
        /// A consumer-presented code is past its lifetime.
        CodeExpired = "code_expired",
        /// A consumer-presented code was already used.
        CodeUsed = "code_used",
        /// A consumer-presented code's cryptogram does not verify.
        BadCryptogram = "bad_cryptogram",
        /// The token or counter was never provisioned.
        UnknownToken = "unknown_token",
        /// The code's key was revoked or retired.
        CodeRevoked = "code_revoked",
        /// A charge waiting for the shopper's approval lapsed.
        ChargeExpired = "charge_expired",
        /// The charge is not waiting for approval.
        ChargeNotPending = "charge_not_pending",
        /// The money request was already paid or declined, or has lapsed.
        RequestNotPending = "request_not_pending",
        /// A refund would take back more than the original payment, in total.
        RefundExceedsPayment = "refund_exceeds_payment",
        /// The original moved no money that could be refunded (a charge not captured).
        NotRefundable = "not_refundable",
        /// Admin endpoints are disabled.
        AdminDisabled = "admin_disabled",
        /// A fault injected on purpose by the fault switch.
        InjectedFault = "injected_fault",
        /// A bug or storage failure at the host.
        Internal = "internal",
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorKind;

    #[test]
    fn every_kind_round_trips_and_spellings_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for k in ErrorKind::ALL {
            assert_eq!(ErrorKind::parse(k.as_str()), Some(*k));
            assert!(seen.insert(k.as_str()), "{k} twice");
            assert!(k.as_str().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{k}");
        }
        assert_eq!(ErrorKind::parse("nope"), None);
    }
}
