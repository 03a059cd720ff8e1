package io.koban.app.model

/**
 * A text for people that a view model produces: a string resource of the app, named by [key],
 * with its arguments. The UI resolves it in the device's language (`ui/Texts.kt`); the view
 * models stay plain Kotlin and never see `android.content.res`.
 */
data class UiText(
    /** The string resource. */
    val key: TextKey,
    /** Its arguments in placeholder order: strings, numbers, or texts resolved first. */
    val args: List<Any> = emptyList(),
) {
    constructor(key: TextKey, vararg args: Any) : this(key, args.toList())

    init {
        require(args.size == key.arity) { "$key takes ${key.arity} argument(s), got ${args.size}" }
    }
}

/**
 * Every text a view model can produce. The resource is [resourceName] in `res/values/strings.xml`
 * (English) and its `values-ja`, `values-th` and `values-zh-rCN` translations, with [arity]
 * placeholders `%1$…`; `StringsTest` checks each exists, filled in, in every language.
 */
enum class TextKey(val arity: Int = 0) {
    // Errors: one per thing the user can do something about (UserError.kt maps each error kind).
    ERROR_INSUFFICIENT_FUNDS,
    ERROR_LIMIT_EXCEEDED,
    ERROR_KYC_REQUIRED,
    ERROR_QUOTE_EXPIRED,
    ERROR_QUOTE_UNUSABLE,
    ERROR_AMOUNT_MISMATCH,
    ERROR_CANNOT_PAY_CODE,
    ERROR_UNREADABLE_CODE,
    ERROR_CODE_ALREADY_PAID,
    ERROR_CURRENCY_UNSUPPORTED,
    ERROR_UNKNOWN_RECIPIENT,
    ERROR_HANDLE_TAKEN,
    ERROR_ALREADY_ENROLLED,
    ERROR_NOT_ENROLLED,
    ERROR_OUTCOME_UNKNOWN,
    ERROR_OFFLINE,
    ERROR_MISSING_REFERENCE,
    ERROR_NO_CODES_LEFT,
    ERROR_CHARGE_EXPIRED,
    ERROR_ALREADY_ANSWERED,
    ERROR_REQUEST_NOT_PENDING,
    ERROR_CODE_REVOKED,
    ERROR_DEVICE_REVOKED,
    ERROR_KEY_STORE,
    ERROR_BAD_REQUEST,
    ERROR_NOT_FOUND,
    ERROR_FORBIDDEN,
    ERROR_GENERIC,
    ERROR_CHECK_AMOUNT,
    ERROR_CODE_EXPIRED,
    ERROR_SCAN_AGAIN,
    ERROR_CODE_USED,
    ERROR_REFUND_EXCEEDS_PAYMENT,
    ERROR_NOT_REFUNDABLE,
    ERROR_TILL_ALREADY_ENROLLED,
    ERROR_TILL_BAD_ENROLMENT_TOKEN,
    ERROR_TILL_UNKNOWN,
    ERROR_TILL_NOT_ENROLLED,

    // Errors the app finds itself, before anything is sent.
    ERROR_NOT_SHOP_CODE,
    ERROR_NO_CURRENCY,
    ERROR_FILL_IN_DETAILS,
    ERROR_REFERENCE_TOO_LONG(1),
    ERROR_ENTER_HANDLE,
    ERROR_NO_FRIENDS,
    ERROR_FRIEND_TWICE,
    ERROR_SHARES_DO_NOT_ADD_UP(2),
    ERROR_NOTE_TOO_LONG(1),

    // History lines, from the transaction's kind, direction and counterparty (plain: no counterparty).
    HISTORY_TOPUP(1),
    HISTORY_TOPUP_PLAIN,
    HISTORY_WITHDRAWAL(1),
    HISTORY_WITHDRAWAL_PLAIN,
    HISTORY_PAYMENT(1),
    HISTORY_PAYMENT_PLAIN,
    HISTORY_CODE_PAYMENT(1),
    HISTORY_CODE_PAYMENT_PLAIN,
    HISTORY_SENT(1),
    HISTORY_SENT_PLAIN,
    HISTORY_RECEIVED(1),
    HISTORY_RECEIVED_PLAIN,
    HISTORY_REMITTANCE(1),
    HISTORY_REMITTANCE_RECEIVES(2),
    HISTORY_REMITTANCE_PLAIN,
    HISTORY_REMITTANCE_RETURNED,
    HISTORY_REFUND(1),
    HISTORY_REFUND_PLAIN,
    HISTORY_MONEY_IN,
    HISTORY_MONEY_OUT,

    // Money that arrived while Home was shown.
    HOME_RECEIVED(2),
    HOME_RECEIVED_PLAIN(1),

    // A money request's or a split share's status.
    REQUEST_STATUS_PENDING,
    REQUEST_STATUS_PAID,
    REQUEST_STATUS_DECLINED,
    REQUEST_STATUS_EXPIRED,
    REQUEST_STATUS_UNKNOWN,
    ;

    /** The string resource's name ("error_insufficient_funds"). */
    val resourceName: String get() = name.lowercase()
}
