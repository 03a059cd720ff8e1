package io.koban

/**
 * The stable snake_case kind of this terminal error ("refund_exceeds_payment", "code_used"…),
 * for logs and analytics; tills branch on the subclass itself.
 */
// Hand-written beside the generated bindings: a flat uniffi error carries only its message.
// The `when` is exhaustive, so a new variant does not compile until it is named here.
val TerminalException.kind: String
    get() = when (this) {
        is TerminalException.InvalidPayload -> "invalid_payload"
        is TerminalException.CodeExpired -> "code_expired"
        is TerminalException.CodeUsed -> "code_used"
        is TerminalException.BadCryptogram -> "bad_cryptogram"
        is TerminalException.UnknownToken -> "unknown_token"
        is TerminalException.CodeRevoked -> "code_revoked"
        is TerminalException.InsufficientFunds -> "insufficient_funds"
        is TerminalException.LimitExceeded -> "limit_exceeded"
        is TerminalException.ChargeExpired -> "charge_expired"
        is TerminalException.CurrencyMismatch -> "currency_mismatch"
        is TerminalException.RefundExceedsPayment -> "refund_exceeds_payment"
        is TerminalException.NotRefundable -> "not_refundable"
        is TerminalException.IdempotencyKeyReused -> "idempotency_key_reused"
        is TerminalException.AlreadyEnrolled -> "already_enrolled"
        is TerminalException.BadEnrolmentToken -> "bad_enrolment_token"
        is TerminalException.UnknownTerminal -> "unknown_terminal"
        is TerminalException.Unauthorized -> "unauthorized"
        is TerminalException.UnknownMerchant -> "unknown_merchant"
        is TerminalException.NotFound -> "not_found"
        is TerminalException.Forbidden -> "forbidden"
        is TerminalException.BadRequest -> "bad_request"
        is TerminalException.Refused -> "refused"
        is TerminalException.OutcomeUnknown -> "outcome_unknown"
        is TerminalException.NotEnrolled -> "not_enrolled"
        is TerminalException.InvalidInput -> "invalid_input"
        is TerminalException.KeyStore -> "key_store"
        is TerminalException.Storage -> "storage"
        is TerminalException.Internal -> "internal"
    }
