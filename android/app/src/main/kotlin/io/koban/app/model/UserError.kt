package io.koban.app.model

import io.koban.DetectionException
import io.koban.KobanException
import io.koban.WalletException
import io.koban.kind

/** A failure as a screen shows it. */
data class UserError(
    /** The stable kind ("insufficient_funds"), for analytics and tests. */
    val kind: String,
    /** What to tell the user, written for them. */
    val message: String,
    /** The core's own words, to show in small print (already free of personal data). */
    val detail: String?,
    /** Whether doing the same thing again may work (offline, a locked key store); never true when money may have moved. */
    val canRetry: Boolean,
)

/** What to tell the user about `e`, thrown by a Koban call. */
fun userError(e: Throwable): UserError = when (e) {
    is WalletException -> walletError(e)
    is DetectionException -> detectionError(e)
    is KobanException.InvalidAmount -> UserError("invalid_amount", "Check the amount.", e.message, false)
    is KobanException -> UserError("internal", "Something went wrong.", e.message, true)
    // Not a Koban error: its message may carry anything, so none of it is shown.
    else -> UserError("internal", "Something went wrong.", null, true)
}

// Exhaustive on purpose: a new wallet error does not compile until it has its sentence here.
private fun walletError(e: WalletException): UserError {
    fun say(message: String, canRetry: Boolean = false) = UserError(e.kind, message, e.message, canRetry)
    return when (e) {
        is WalletException.InsufficientFunds -> say("Not enough money for this.")
        is WalletException.LimitExceeded -> say("This is over your limit.")
        is WalletException.KycRequired -> say("Verify your identity to do this.")
        is WalletException.QuoteExpired -> say("The exchange rate expired. Check the new amount.", canRetry = true)
        is WalletException.QuoteUsed, is WalletException.QuoteMismatch, is WalletException.QuoteRequired ->
            say("This price can no longer be used. Scan the code again.")
        is WalletException.AmountMismatch -> say("The amount does not match the code.")
        is WalletException.RouteMismatch, is WalletException.InvalidPayload, is WalletException.UnknownMerchant,
        is WalletException.NotPayable -> say("Koban cannot pay this code.")
        is WalletException.UnreadableCode -> say("This is not a payment code Koban can read.")
        is WalletException.CodeAlreadyPaid -> say("This code has already been paid.")
        is WalletException.CurrencyMismatch, is WalletException.UnsupportedCorridor -> say("Payments in this currency are not supported.")
        is WalletException.UnknownRecipient -> say("Nobody has that handle. Check it and try again.")
        is WalletException.HandleTaken -> say("That handle is taken. Try another one.")
        is WalletException.AlreadyEnrolled -> say("This phone already has a wallet.")
        is WalletException.NotEnrolled -> say("Set up your wallet first.")
        // The request may have been applied: retrying by hand could pay twice, and the wallet
        // settles it by itself before anything else is sent.
        is WalletException.OutcomeUnknown -> say("We could not confirm this yet. It will be settled automatically; do not pay again.")
        is WalletException.Unavailable -> say("You are offline. Nothing was sent.", canRetry = true)
        is WalletException.MissingReference -> say("This code needs a reference from you.")
        is WalletException.NoCodesLeft -> say("No codes left on this phone. Go online to get more.")
        // Till charges waiting on the phone: whatever the answer was, nothing more can be done with this one.
        is WalletException.ChargeExpired -> say("The shop's request timed out. Nothing was paid.")
        is WalletException.ChargeNotPending -> say("This request was already answered.")
        is WalletException.CodeRevoked -> say("This code was blocked. Show a new one.")
        is WalletException.DeviceRevoked -> say("This phone was removed from your wallet. Set it up again.")
        is WalletException.KeyStore -> say("Your phone's key store is unavailable. Unlock your phone and try again.", canRetry = true)
        is WalletException.BadRequest, is WalletException.NotFound, is WalletException.Forbidden, is WalletException.Unauthorized,
        is WalletException.Refused, is WalletException.InvalidInput, is WalletException.Storage, is WalletException.Internal ->
            say("Something went wrong.")
    }
}

private fun detectionError(e: DetectionException): UserError {
    fun say(message: String, canRetry: Boolean = false) = UserError(e.kind, message, e.message, canRetry)
    return when (e) {
        is DetectionException.Expired -> say("This code has expired. Ask for a new one.")
        is DetectionException.CrcMismatch -> say("The code did not scan cleanly. Scan it again.", canRetry = true)
        else -> say("This is not a payment code Koban can read.")
    }
}
