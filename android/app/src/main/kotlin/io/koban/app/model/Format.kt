package io.koban.app.model

import io.koban.Direction
import io.koban.FxQuote
import io.koban.Money
import io.koban.MoneyRequestStatus
import io.koban.TransactionKind
import io.koban.WalletTransaction
import io.koban.moneyFormat
import java.math.BigDecimal
import io.koban.app.model.TextKey as K

/** The amount for people, in its currency's style ("¥1,200", "฿120.00"). */
fun Money.display(): String = moneyFormat(this)

/** The customer rate as people read it: "1 JPY = 0.2277 THB" (codes and digits read the same in every language). */
fun FxQuote.rateLine(): String =
    "1 ${send().currency.name} = ${BigDecimal(rate()).stripTrailingZeros().toPlainString()} ${receive().currency.name}"

/**
 * The history line of `t` ("Payment to KOBAN RAMEN"), from its kind, direction and
 * counterparty, in the reader's language; the amount is shown beside it.
 */
fun WalletTransaction.title(): UiText {
    val incoming = direction == Direction.IN
    val who = counterparty?.takeIf { it.isNotBlank() }
    fun line(named: K, plain: K) = if (who != null) UiText(named, who) else UiText(plain)
    return when (kind) {
        TransactionKind.TOP_UP -> line(K.HISTORY_TOPUP, K.HISTORY_TOPUP_PLAIN)
        TransactionKind.WITHDRAWAL -> line(K.HISTORY_WITHDRAWAL, K.HISTORY_WITHDRAWAL_PLAIN)
        TransactionKind.PAYMENT -> line(K.HISTORY_PAYMENT, K.HISTORY_PAYMENT_PLAIN)
        TransactionKind.TILL_CHARGE -> line(K.HISTORY_CODE_PAYMENT, K.HISTORY_CODE_PAYMENT_PLAIN)
        TransactionKind.REFUND -> line(K.HISTORY_REFUND, K.HISTORY_REFUND_PLAIN)
        TransactionKind.REMITTANCE_RETURN -> UiText(K.HISTORY_REMITTANCE_RETURNED)
        TransactionKind.REMITTANCE -> when {
            incoming -> line(K.HISTORY_RECEIVED, K.HISTORY_RECEIVED_PLAIN)
            who == null -> UiText(K.HISTORY_REMITTANCE_PLAIN)
            else -> detail.foreignAmount?.let { UiText(K.HISTORY_REMITTANCE_RECEIVES, who, it.display()) }
                ?: UiText(K.HISTORY_REMITTANCE, who)
        }
        TransactionKind.TRANSFER -> if (incoming) line(K.HISTORY_RECEIVED, K.HISTORY_RECEIVED_PLAIN) else line(K.HISTORY_SENT, K.HISTORY_SENT_PLAIN)
        // A kind this library does not know yet (a newer host): say which way the money went.
        TransactionKind.UNKNOWN -> UiText(if (incoming) K.HISTORY_MONEY_IN else K.HISTORY_MONEY_OUT)
    }
}

/** The amount of `t` signed by its direction ("−¥1,200", "+¥5,000"). */
fun WalletTransaction.signedAmount(): String = (if (direction == Direction.IN) "+" else "−") + amount.display()

/** The note for money that just arrived ("Received ¥2,500 from @lea"). */
fun WalletTransaction.arrivedNote(): UiText {
    val who = counterparty?.takeIf { it.isNotBlank() }
    return if (who != null) UiText(K.HOME_RECEIVED, amount.display(), who) else UiText(K.HOME_RECEIVED_PLAIN, amount.display())
}

/** A money request's or a split share's status for people. */
fun requestStatusText(status: MoneyRequestStatus): UiText = UiText(
    when (status) {
        MoneyRequestStatus.PENDING -> K.REQUEST_STATUS_PENDING
        MoneyRequestStatus.PAID -> K.REQUEST_STATUS_PAID
        MoneyRequestStatus.DECLINED -> K.REQUEST_STATUS_DECLINED
        MoneyRequestStatus.EXPIRED -> K.REQUEST_STATUS_EXPIRED
        MoneyRequestStatus.UNKNOWN -> K.REQUEST_STATUS_UNKNOWN
    },
)
