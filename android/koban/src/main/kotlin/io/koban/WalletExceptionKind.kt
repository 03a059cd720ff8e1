package io.koban

/**
 * The stable snake_case kind of this wallet error ("insufficient_funds", "outcome_unknown"…),
 * for logs and analytics; apps branch on the subclass itself.
 */
// Hand-written beside the generated bindings: a flat uniffi error carries only its message.
// The `when` is exhaustive, so a new variant does not compile until it is named here.
val WalletException.kind: String
    get() = when (this) {
        is WalletException.InsufficientFunds -> "insufficient_funds"
        is WalletException.LimitExceeded -> "limit_exceeded"
        is WalletException.KycRequired -> "kyc_required"
        is WalletException.QuoteExpired -> "quote_expired"
        is WalletException.QuoteUsed -> "quote_used"
        is WalletException.QuoteMismatch -> "quote_mismatch"
        is WalletException.QuoteRequired -> "quote_required"
        is WalletException.AmountMismatch -> "amount_mismatch"
        is WalletException.RouteMismatch -> "route_mismatch"
        is WalletException.InvalidPayload -> "invalid_payload"
        is WalletException.UnknownMerchant -> "unknown_merchant"
        is WalletException.CodeAlreadyPaid -> "code_already_paid"
        is WalletException.CurrencyMismatch -> "currency_mismatch"
        is WalletException.UnsupportedCorridor -> "unsupported_corridor"
        is WalletException.UnknownRecipient -> "unknown_recipient"
        is WalletException.HandleTaken -> "handle_taken"
        is WalletException.AlreadyEnrolled -> "already_enrolled"
        is WalletException.BadRequest -> "bad_request"
        is WalletException.NotFound -> "not_found"
        is WalletException.Forbidden -> "forbidden"
        is WalletException.Unauthorized -> "unauthorized"
        is WalletException.ChargeExpired -> "charge_expired"
        is WalletException.ChargeNotPending -> "charge_not_pending"
        is WalletException.RequestNotPending -> "request_not_pending"
        is WalletException.DeviceRevoked -> "device_revoked"
        is WalletException.CodeRevoked -> "code_revoked"
        is WalletException.Refused -> "refused"
        is WalletException.OutcomeUnknown -> "outcome_unknown"
        is WalletException.Unavailable -> "unavailable"
        is WalletException.NotEnrolled -> "not_enrolled"
        is WalletException.InvalidInput -> "invalid_input"
        is WalletException.MissingReference -> "missing_reference"
        is WalletException.NotPayable -> "not_payable"
        is WalletException.UnreadableCode -> "unreadable_code"
        is WalletException.NoCodesLeft -> "no_codes_left"
        is WalletException.KeyStore -> "key_store"
        is WalletException.Storage -> "storage"
        is WalletException.Internal -> "internal"
    }
