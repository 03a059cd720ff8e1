package io.koban.app.model

import io.koban.DetectionException
import io.koban.KobanException
import io.koban.TerminalException
import io.koban.WalletException
import io.koban.kind
import io.koban.app.model.TextKey as K

/** A failure as a screen shows it. */
data class UserError(
    /** The stable kind ("insufficient_funds"), for analytics and tests. */
    val kind: String,
    /** What to tell the user, written for them, in their language. */
    val message: UiText,
    /** The core's own words, to show in small print (already free of personal data). */
    val detail: String?,
    /** Whether doing the same thing again may work (offline, a locked key store); never true when money may have moved. */
    val canRetry: Boolean,
)

/** What to tell the user about `e`, thrown by a Koban call. */
fun userError(e: Throwable): UserError = when (e) {
    is WalletException -> walletError(e)
    is DetectionException -> detectionError(e)
    is TerminalException -> terminalError(e)
    is KobanException -> kobanError(e)
    // Not a Koban error: its message may carry anything, so none of it is shown.
    else -> UserError("internal", UiText(K.ERROR_GENERIC), null, true)
}

// Exhaustive on purpose: a new wallet error does not compile until it has its text here.
private fun walletError(e: WalletException): UserError {
    fun say(key: K, canRetry: Boolean = false) = UserError(e.kind, UiText(key), e.message, canRetry)
    return when (e) {
        is WalletException.InsufficientFunds -> say(K.ERROR_INSUFFICIENT_FUNDS)
        is WalletException.LimitExceeded -> say(K.ERROR_LIMIT_EXCEEDED)
        is WalletException.KycRequired -> say(K.ERROR_KYC_REQUIRED)
        is WalletException.QuoteExpired -> say(K.ERROR_QUOTE_EXPIRED, canRetry = true)
        is WalletException.QuoteUsed, is WalletException.QuoteMismatch, is WalletException.QuoteRequired -> say(K.ERROR_QUOTE_UNUSABLE)
        is WalletException.AmountMismatch -> say(K.ERROR_AMOUNT_MISMATCH)
        is WalletException.RouteMismatch, is WalletException.InvalidPayload, is WalletException.UnknownMerchant,
        is WalletException.NotPayable -> say(K.ERROR_CANNOT_PAY_CODE)
        is WalletException.UnreadableCode -> say(K.ERROR_UNREADABLE_CODE)
        is WalletException.CodeAlreadyPaid -> say(K.ERROR_CODE_ALREADY_PAID)
        is WalletException.CurrencyMismatch, is WalletException.UnsupportedCorridor -> say(K.ERROR_CURRENCY_UNSUPPORTED)
        is WalletException.UnknownRecipient -> say(K.ERROR_UNKNOWN_RECIPIENT)
        is WalletException.HandleTaken -> say(K.ERROR_HANDLE_TAKEN)
        is WalletException.AlreadyEnrolled -> say(K.ERROR_ALREADY_ENROLLED)
        is WalletException.NotEnrolled -> say(K.ERROR_NOT_ENROLLED)
        // The request may have been applied: retrying by hand could pay twice, and the wallet
        // settles it by itself before anything else is sent.
        is WalletException.OutcomeUnknown -> say(K.ERROR_OUTCOME_UNKNOWN)
        is WalletException.Unavailable -> say(K.ERROR_OFFLINE, canRetry = true)
        is WalletException.MissingReference -> say(K.ERROR_MISSING_REFERENCE)
        is WalletException.NoCodesLeft -> say(K.ERROR_NO_CODES_LEFT)
        // Till charges waiting on the phone: whatever the answer was, nothing more can be done with this one.
        is WalletException.ChargeExpired -> say(K.ERROR_CHARGE_EXPIRED)
        is WalletException.ChargeNotPending -> say(K.ERROR_ALREADY_ANSWERED)
        // A money request paid, declined or lapsed meanwhile (perhaps from the friend's other phone).
        is WalletException.RequestNotPending -> say(K.ERROR_REQUEST_NOT_PENDING)
        is WalletException.CodeRevoked -> say(K.ERROR_CODE_REVOKED)
        is WalletException.DeviceRevoked -> say(K.ERROR_DEVICE_REVOKED)
        is WalletException.KeyStore -> say(K.ERROR_KEY_STORE, canRetry = true)
        // Money requests and bank links: the host's answer stands (paid already, lapsed, unlinked).
        is WalletException.BadRequest -> say(K.ERROR_BAD_REQUEST)
        is WalletException.NotFound -> say(K.ERROR_NOT_FOUND)
        is WalletException.Forbidden, is WalletException.Unauthorized -> say(K.ERROR_FORBIDDEN)
        is WalletException.Refused, is WalletException.InvalidInput, is WalletException.Storage, is WalletException.Internal ->
            say(K.ERROR_GENERIC)
    }
}

// Exhaustive too, so a new refusal of a scanned code is worded on purpose.
private fun detectionError(e: DetectionException): UserError {
    fun say(key: K, canRetry: Boolean = false) = UserError(e.kind, UiText(key), e.message, canRetry)
    return when (e) {
        is DetectionException.Expired -> say(K.ERROR_CODE_EXPIRED)
        is DetectionException.CrcMismatch -> say(K.ERROR_SCAN_AGAIN, canRetry = true)
        is DetectionException.Empty, is DetectionException.MalformedTlv, is DetectionException.MissingPayloadFormatIndicator,
        is DetectionException.Malformed, is DetectionException.MissingCrc, is DetectionException.CrcNotLast,
        is DetectionException.EmptyValue, is DetectionException.GuidTooLong, is DetectionException.DuplicateTag,
        is DetectionException.InvalidPointOfInitiation, is DetectionException.UnsupportedFormatIndicator,
        is DetectionException.InvalidAmount, is DetectionException.CurrencyMismatch, is DetectionException.MissingExpiration,
        is DetectionException.InvalidTimestamp, is DetectionException.MissingField, is DetectionException.BadChecksum,
        is DetectionException.MixedCase -> say(K.ERROR_UNREADABLE_CODE)
    }
}

// A till's errors (the `Terminal` API a shop's app uses); worded for whoever holds the phone.
private fun terminalError(e: TerminalException): UserError {
    fun say(key: K, canRetry: Boolean = false) = UserError(e.kind, UiText(key), e.message, canRetry)
    return when (e) {
        is TerminalException.InvalidPayload, is TerminalException.BadCryptogram, is TerminalException.UnknownToken ->
            say(K.ERROR_UNREADABLE_CODE)
        is TerminalException.CodeExpired -> say(K.ERROR_CODE_EXPIRED)
        is TerminalException.CodeUsed -> say(K.ERROR_CODE_USED)
        is TerminalException.CodeRevoked -> say(K.ERROR_CODE_REVOKED)
        is TerminalException.InsufficientFunds -> say(K.ERROR_INSUFFICIENT_FUNDS)
        is TerminalException.LimitExceeded -> say(K.ERROR_LIMIT_EXCEEDED)
        is TerminalException.ChargeExpired -> say(K.ERROR_CHARGE_EXPIRED)
        is TerminalException.CurrencyMismatch -> say(K.ERROR_CURRENCY_UNSUPPORTED)
        is TerminalException.RefundExceedsPayment -> say(K.ERROR_REFUND_EXCEEDS_PAYMENT)
        is TerminalException.NotRefundable -> say(K.ERROR_NOT_REFUNDABLE)
        is TerminalException.AlreadyEnrolled -> say(K.ERROR_TILL_ALREADY_ENROLLED)
        is TerminalException.BadEnrolmentToken -> say(K.ERROR_TILL_BAD_ENROLMENT_TOKEN)
        is TerminalException.UnknownTerminal -> say(K.ERROR_TILL_UNKNOWN)
        is TerminalException.NotEnrolled -> say(K.ERROR_TILL_NOT_ENROLLED)
        is TerminalException.NotFound -> say(K.ERROR_NOT_FOUND)
        is TerminalException.Forbidden, is TerminalException.Unauthorized -> say(K.ERROR_FORBIDDEN)
        is TerminalException.BadRequest -> say(K.ERROR_BAD_REQUEST)
        is TerminalException.OutcomeUnknown -> say(K.ERROR_OUTCOME_UNKNOWN)
        is TerminalException.KeyStore -> say(K.ERROR_KEY_STORE, canRetry = true)
        is TerminalException.UnknownMerchant, is TerminalException.IdempotencyKeyReused, is TerminalException.Refused,
        is TerminalException.InvalidInput, is TerminalException.Storage, is TerminalException.Internal -> say(K.ERROR_GENERIC)
    }
}

// The amount a user typed is theirs to fix; the rest are failures of Koban or the phone.
private fun kobanError(e: KobanException): UserError = when (e) {
    is KobanException.InvalidAmount -> UserError("invalid_amount", UiText(K.ERROR_CHECK_AMOUNT), e.message, false)
    is KobanException.InvalidInput, is KobanException.InvalidConsumerCode, is KobanException.Platform, is KobanException.Internal ->
        UserError("internal", UiText(K.ERROR_GENERIC), e.message, true)
}

/** An error the app finds itself, before anything is sent: the user fixes what they typed or scanned. */
fun formError(kind: String, message: UiText, detail: String? = null): UserError = UserError(kind, message, detail, false)
