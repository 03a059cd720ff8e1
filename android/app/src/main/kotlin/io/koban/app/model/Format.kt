package io.koban.app.model

import io.koban.FxQuote
import io.koban.Money
import io.koban.moneyFormat
import java.math.BigDecimal

/** The amount for people, in its currency's style ("¥1,200", "฿120.00"). */
fun Money.display(): String = moneyFormat(this)

/** The customer rate as people read it: "1 JPY = 0.2277 THB". */
fun FxQuote.rateLine(): String =
    "1 ${send().currency} = ${BigDecimal(rate()).stripTrailingZeros().toPlainString()} ${receive().currency}"
