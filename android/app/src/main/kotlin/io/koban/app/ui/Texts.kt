package io.koban.app.ui

import androidx.annotation.StringRes
import androidx.compose.runtime.Composable
import androidx.compose.runtime.ReadOnlyComposable
import androidx.compose.ui.res.stringResource
import io.koban.app.R
import io.koban.app.model.TextKey
import io.koban.app.model.UiText

/** `text` in the device's language: its string resource, formatted with its arguments (texts among them resolved first). */
@Composable
@ReadOnlyComposable
fun textOf(text: UiText): String {
    val args = text.args.map { if (it is UiText) textOf(it) else it }.toTypedArray()
    return stringResource(text.key.res, *args)
}

/**
 * The string resource of each key the view models produce. Exhaustive, so a new key does not
 * compile until it is named here; `StringsTest` checks that each line names the resource
 * [TextKey.resourceName] says, and that the resource exists in every language.
 */
@get:StringRes
val TextKey.res: Int
    get() = when (this) {
        TextKey.ERROR_INSUFFICIENT_FUNDS -> R.string.error_insufficient_funds
        TextKey.ERROR_LIMIT_EXCEEDED -> R.string.error_limit_exceeded
        TextKey.ERROR_KYC_REQUIRED -> R.string.error_kyc_required
        TextKey.ERROR_QUOTE_EXPIRED -> R.string.error_quote_expired
        TextKey.ERROR_QUOTE_UNUSABLE -> R.string.error_quote_unusable
        TextKey.ERROR_AMOUNT_MISMATCH -> R.string.error_amount_mismatch
        TextKey.ERROR_CANNOT_PAY_CODE -> R.string.error_cannot_pay_code
        TextKey.ERROR_UNREADABLE_CODE -> R.string.error_unreadable_code
        TextKey.ERROR_CODE_ALREADY_PAID -> R.string.error_code_already_paid
        TextKey.ERROR_CURRENCY_UNSUPPORTED -> R.string.error_currency_unsupported
        TextKey.ERROR_UNKNOWN_RECIPIENT -> R.string.error_unknown_recipient
        TextKey.ERROR_HANDLE_TAKEN -> R.string.error_handle_taken
        TextKey.ERROR_ALREADY_ENROLLED -> R.string.error_already_enrolled
        TextKey.ERROR_NOT_ENROLLED -> R.string.error_not_enrolled
        TextKey.ERROR_OUTCOME_UNKNOWN -> R.string.error_outcome_unknown
        TextKey.ERROR_OFFLINE -> R.string.error_offline
        TextKey.ERROR_MISSING_REFERENCE -> R.string.error_missing_reference
        TextKey.ERROR_NO_CODES_LEFT -> R.string.error_no_codes_left
        TextKey.ERROR_CHARGE_EXPIRED -> R.string.error_charge_expired
        TextKey.ERROR_ALREADY_ANSWERED -> R.string.error_already_answered
        TextKey.ERROR_REQUEST_NOT_PENDING -> R.string.error_request_not_pending
        TextKey.ERROR_CODE_REVOKED -> R.string.error_code_revoked
        TextKey.ERROR_DEVICE_REVOKED -> R.string.error_device_revoked
        TextKey.ERROR_KEY_STORE -> R.string.error_key_store
        TextKey.ERROR_BAD_REQUEST -> R.string.error_bad_request
        TextKey.ERROR_NOT_FOUND -> R.string.error_not_found
        TextKey.ERROR_FORBIDDEN -> R.string.error_forbidden
        TextKey.ERROR_GENERIC -> R.string.error_generic
        TextKey.ERROR_CHECK_AMOUNT -> R.string.error_check_amount
        TextKey.ERROR_CODE_EXPIRED -> R.string.error_code_expired
        TextKey.ERROR_SCAN_AGAIN -> R.string.error_scan_again
        TextKey.ERROR_CODE_USED -> R.string.error_code_used
        TextKey.ERROR_REFUND_EXCEEDS_PAYMENT -> R.string.error_refund_exceeds_payment
        TextKey.ERROR_NOT_REFUNDABLE -> R.string.error_not_refundable
        TextKey.ERROR_TILL_ALREADY_ENROLLED -> R.string.error_till_already_enrolled
        TextKey.ERROR_TILL_BAD_ENROLMENT_TOKEN -> R.string.error_till_bad_enrolment_token
        TextKey.ERROR_TILL_UNKNOWN -> R.string.error_till_unknown
        TextKey.ERROR_TILL_NOT_ENROLLED -> R.string.error_till_not_enrolled
        TextKey.ERROR_NOT_SHOP_CODE -> R.string.error_not_shop_code
        TextKey.ERROR_NO_CURRENCY -> R.string.error_no_currency
        TextKey.ERROR_FILL_IN_DETAILS -> R.string.error_fill_in_details
        TextKey.ERROR_REFERENCE_TOO_LONG -> R.string.error_reference_too_long
        TextKey.ERROR_ENTER_HANDLE -> R.string.error_enter_handle
        TextKey.ERROR_NO_FRIENDS -> R.string.error_no_friends
        TextKey.ERROR_FRIEND_TWICE -> R.string.error_friend_twice
        TextKey.ERROR_SHARES_DO_NOT_ADD_UP -> R.string.error_shares_do_not_add_up
        TextKey.ERROR_NOTE_TOO_LONG -> R.string.error_note_too_long
        TextKey.HISTORY_TOPUP -> R.string.history_topup
        TextKey.HISTORY_TOPUP_PLAIN -> R.string.history_topup_plain
        TextKey.HISTORY_WITHDRAWAL -> R.string.history_withdrawal
        TextKey.HISTORY_WITHDRAWAL_PLAIN -> R.string.history_withdrawal_plain
        TextKey.HISTORY_PAYMENT -> R.string.history_payment
        TextKey.HISTORY_PAYMENT_PLAIN -> R.string.history_payment_plain
        TextKey.HISTORY_CODE_PAYMENT -> R.string.history_code_payment
        TextKey.HISTORY_CODE_PAYMENT_PLAIN -> R.string.history_code_payment_plain
        TextKey.HISTORY_SENT -> R.string.history_sent
        TextKey.HISTORY_SENT_PLAIN -> R.string.history_sent_plain
        TextKey.HISTORY_RECEIVED -> R.string.history_received
        TextKey.HISTORY_RECEIVED_PLAIN -> R.string.history_received_plain
        TextKey.HISTORY_REMITTANCE -> R.string.history_remittance
        TextKey.HISTORY_REMITTANCE_RECEIVES -> R.string.history_remittance_receives
        TextKey.HISTORY_REMITTANCE_PLAIN -> R.string.history_remittance_plain
        TextKey.HISTORY_REMITTANCE_RETURNED -> R.string.history_remittance_returned
        TextKey.HISTORY_REFUND -> R.string.history_refund
        TextKey.HISTORY_REFUND_PLAIN -> R.string.history_refund_plain
        TextKey.HISTORY_MONEY_IN -> R.string.history_money_in
        TextKey.HISTORY_MONEY_OUT -> R.string.history_money_out
        TextKey.HOME_RECEIVED -> R.string.home_received
        TextKey.HOME_RECEIVED_PLAIN -> R.string.home_received_plain
        TextKey.REQUEST_STATUS_PENDING -> R.string.request_status_pending
        TextKey.REQUEST_STATUS_PAID -> R.string.request_status_paid
        TextKey.REQUEST_STATUS_DECLINED -> R.string.request_status_declined
        TextKey.REQUEST_STATUS_EXPIRED -> R.string.request_status_expired
        TextKey.REQUEST_STATUS_UNKNOWN -> R.string.request_status_unknown
    }
