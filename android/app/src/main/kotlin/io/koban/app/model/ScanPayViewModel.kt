package io.koban.app.model

import io.koban.CurrencyCode
import io.koban.Detection
import io.koban.DetectionException
import io.koban.FrameRotation
import io.koban.KobanException
import io.koban.PaymentQuote
import io.koban.PaymentReference
import io.koban.PaymentRequest
import io.koban.Presentment
import io.koban.ReferenceKind
import io.koban.RouteRole
import io.koban.Scanner
import io.koban.Tip
import io.koban.Wallet
import io.koban.WalletException
import io.koban.WalletTransaction
import io.koban.detect
import io.koban.moneyParseDecimal
import io.koban.scanFrame
import java.nio.ByteBuffer
import java.time.Instant
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch

/** A quote as the confirmation screen shows it: what the shop gets and what leaves the wallet. */
data class PaymentSummary(
    /** The shop's name from the code, or null when it has none (the screen says "a shop" in its language). */
    val merchant: String?,
    /** The shop's country, when the code says. */
    val country: String?,
    /** What the shop receives, in its currency ("฿120.00"). */
    val amount: String,
    /** Tip or convenience fee in the shop's currency, when there is one. */
    val tip: String?,
    /** What leaves the wallet, in the home currency, fee included ("¥527"). */
    val debit: String,
    /** The fee inside [debit], when there is one. */
    val fee: String?,
    /** The exchange rate applied, for a shop abroad ("1 JPY = 0.2277 THB"). */
    val rate: String?,
    /** When the quoted rate stops being valid (host clock), for a shop abroad. */
    val rateExpiresAt: Instant?,
    /** The route paid (the scheme's name, "UPI"), or its id when the name is not known. */
    val route: String? = null,
    /** The references sent with the payment: the code's own and those the payer typed. */
    val references: List<PaymentReference> = emptyList(),
) {
    companion object {
        /** The summary of `q`; `routeName` names its route for people. */
        fun of(q: PaymentQuote, routeName: String? = null): PaymentSummary = PaymentSummary(
            merchant = q.merchantName(),
            country = q.merchantCountry(),
            amount = q.amount().display(),
            tip = q.tip().takeIf { it.minor > 0 }?.display(),
            debit = q.debit().display(),
            fee = q.fee().takeIf { it.minor > 0 }?.display(),
            rate = q.fx()?.rateLine(),
            rateExpiresAt = q.fx()?.expiresAt(),
            route = routeName ?: q.route(),
            references = q.references(),
        )
    }
}

/** Where the Scan & Pay screen is. */
sealed interface ScanPayState {
    /** The camera is looking for a code. */
    data object Scanning : ScanPayState

    /** Reading the code or asking the host for a price. */
    data object Working : ScanPayState

    /** The code can be paid through several networks (a multi-network code): the payer picks one first. */
    data class ChooseRoute(
        /** The shop's name, when the code has one. */
        val merchant: String?,
        /** The networks, in the code's order (the first is the code's own preference). */
        val routes: List<RouteChoice>,
    ) : ScanPayState

    /** The code leaves the amount to the payer. */
    data class NeedsAmount(
        /** The shop's name, when the code has one. */
        val merchant: String?,
        /** The currency the amount is typed in (the shop's). */
        val currency: CurrencyCode,
        /** Why the last amount typed was refused. */
        val error: UserError? = null,
    ) : ScanPayState

    /**
     * The code asks the payer for references (a bill number, a mobile number, …) or a tip: the
     * payer fills them in with [ScanPayViewModel.enterDetails] before any price is asked for.
     */
    data class NeedsDetails(
        /** The shop's name, when the code has one. */
        val merchant: String?,
        /** The currency a tip is typed in (the shop's). */
        val currency: CurrencyCode,
        /** The references to fill in, in the code's order. */
        val references: List<ReferenceKind>,
        /** Whether the code invites a tip (optional: blank is no tip). */
        val tipPrompted: Boolean,
        /** Why the last details were refused. */
        val error: UserError? = null,
    ) : ScanPayState

    /** Everything the payer must see before paying; [ScanPayViewModel.confirm] pays it. */
    data class Confirm(
        /** The quote to pay: an object of the core's that the app reads but cannot alter. */
        val quote: PaymentQuote,
        /** The quote for people. */
        val summary: PaymentSummary,
        /** True when the earlier rate expired and this is a fresh quote the payer has not seen yet. */
        val requoted: Boolean = false,
    ) : ScanPayState

    /** The payment is on its way. */
    data class Paying(val summary: PaymentSummary) : ScanPayState

    /** Paid. */
    data class Done(val transaction: WalletTransaction, val summary: PaymentSummary) : ScanPayState

    /** A Koban wallet's receive code: the app opens Send with it. */
    data class PersonCode(val payload: String) : ScanPayState

    /** It did not work; [error] says why and whether [ScanPayViewModel.retry] may help. */
    data class Failed(val error: UserError) : ScanPayState
}

/** One network a multi-network code can be paid through. */
data class RouteChoice(
    /** Detection's scheme id ("upi", "rupay"), for [ScanPayViewModel.chooseRoute]. */
    val schemeId: String,
    /** The network's name for people ("UPI"). */
    val name: String,
)

/** The stable id of a reference kind ("bill_number"), for texts and analytics. */
fun ReferenceKind.id(): String = name.lowercase()

/**
 * Scan & Pay: camera frames (or scanned text) → detection → route (for a multi-network code) →
 * amount → references and tip (when the code asks) → quote → confirmation → payment.
 *
 * Frames come from the camera's analysis thread; everything else from the UI.
 */
class ScanPayViewModel(
    private val wallet: Wallet,
    private val scope: CoroutineScope,
    private val scanner: Scanner = Scanner(),
) : AutoCloseable {
    private val _state = MutableStateFlow<ScanPayState>(ScanPayState.Scanning)

    /** The screen's state. */
    val state: StateFlow<ScanPayState> = _state.asStateFlow()

    // What the last quote was asked with, to quote again after an expired rate or a retry.
    @Volatile
    private var request: PaymentRequest? = null

    // The code being paid, and whether the payer has filled in what it asks for.
    @Volatile
    private var detection: Detection? = null

    @Volatile
    private var detailsGiven = false
    private var work: Job? = null

    /**
     * One camera frame as a luma plane (Y of YUV_420_888, CameraX's direct buffer as it comes):
     * `stride` bytes per row, `rotation` from the camera to the display. Returns true when it held a code.
     */
    fun onFrame(luma: ByteBuffer, width: Int, height: Int, stride: Int, rotation: FrameRotation): Boolean {
        if (_state.value != ScanPayState.Scanning) return false
        val codes = try {
            scanner.scanFrame(luma, width, height, stride, rotation)
        } catch (e: KobanException) {
            _state.value = ScanPayState.Failed(userError(e))
            return false
        }
        val text = codes.firstOrNull()?.text ?: return false
        onScanned(text)
        return true
    }

    /** A code's text, from the camera or pasted. */
    fun onScanned(text: String) {
        // Frames keep coming while a code is handled: only the first one wins.
        if (!_state.compareAndSet(ScanPayState.Scanning, ScanPayState.Working)) return
        val d = try {
            detect(text)
        } catch (e: DetectionException) {
            _state.value = ScanPayState.Failed(userError(e))
            return
        }
        when {
            d.presentment == Presentment.CONSUMER ->
                _state.value = ScanPayState.Failed(formError("not_payable", UiText(TextKey.ERROR_NOT_SHOP_CODE)))
            // A friend's receive code is payable only by sending to it.
            d.routes.any { it.schemeId == RECEIVE_CODE_SCHEME } -> _state.value = ScanPayState.PersonCode(text)
            d.routes.none { it.role == RouteRole.PAYABLE } ->
                _state.value = ScanPayState.Failed(formError("not_payable", UiText(TextKey.ERROR_UNREADABLE_CODE)))
            else -> {
                detection = d
                detailsGiven = false
                request = PaymentRequest(text)
                val payable = d.routes.filter { it.role == RouteRole.PAYABLE }.distinctBy { it.schemeId }
                if (payable.size > 1) {
                    _state.value = ScanPayState.ChooseRoute(d.merchant?.name, payable.map { RouteChoice(it.schemeId, it.schemeName) })
                } else {
                    next()
                }
            }
        }
    }

    /** The network the payer chose on [ScanPayState.ChooseRoute] (a [RouteChoice.schemeId]). */
    fun chooseRoute(schemeId: String) {
        val asked = _state.value as? ScanPayState.ChooseRoute ?: return
        if (asked.routes.none { it.schemeId == schemeId }) return
        if (!_state.compareAndSet(asked, ScanPayState.Working)) return
        request = request?.copy(route = schemeId)
        next()
    }

    /**
     * What the payer filled in on [ScanPayState.NeedsDetails]: a value for every reference
     * asked (letters, digits and the like, up to 25 characters) and, when the code invites one,
     * a tip ("100"; blank for none).
     */
    fun enterDetails(references: Map<ReferenceKind, String>, tipText: String = "") {
        val asked = _state.value as? ScanPayState.NeedsDetails ?: return
        val base = request ?: return
        val values = mutableListOf<PaymentReference>()
        for (kind in asked.references) {
            val v = references[kind]?.trim().orEmpty()
            if (v.isEmpty() || v.length > MAX_REFERENCE) {
                val why = if (v.isEmpty()) UiText(TextKey.ERROR_FILL_IN_DETAILS) else UiText(TextKey.ERROR_REFERENCE_TOO_LONG, MAX_REFERENCE)
                _state.value = asked.copy(error = formError("missing_reference", why, kind.id()))
                return
            }
            values += PaymentReference(kind, v)
        }
        val tip = if (asked.tipPrompted && tipText.isNotBlank()) {
            try {
                moneyParseDecimal(tipText.trim(), asked.currency)
            } catch (e: KobanException) {
                _state.value = asked.copy(error = userError(e))
                return
            }
        } else {
            null
        }
        detailsGiven = true
        quote(base.copy(references = values, tip = tip))
    }

    /** The amount the payer typed ("120.50"), in the currency [ScanPayState.NeedsAmount] asked for. */
    fun enterAmount(text: String) {
        val asked = _state.value as? ScanPayState.NeedsAmount ?: return
        val base = request ?: return
        val amount = try {
            moneyParseDecimal(text.trim(), asked.currency)
        } catch (e: KobanException) {
            _state.value = asked.copy(error = userError(e))
            return
        }
        request = base.copy(amount = amount)
        next()
    }

    // The next thing to ask the payer for, else the price.
    private fun next() {
        val d = detection ?: return
        val r = request ?: return
        val codeCurrency = d.currency?.code
        if (codeCurrency != null) return ask(d, r, codeCurrency)
        // A code without a currency is priced in the wallet's own, read from the local profile
        // (a suspend read, off the UI thread); rescanning meanwhile cancels it.
        _state.value = ScanPayState.Working
        work = scope.launch {
            val home = try {
                wallet.profile()?.currency
            } catch (e: WalletException) {
                _state.value = ScanPayState.Failed(userError(e))
                return@launch
            }
            ask(d, r, home)
        }
    }

    private fun ask(d: Detection, r: PaymentRequest, currency: CurrencyCode?) {
        val openReferences = d.references.filter { it.value == null }.map { it.kind }.distinct()
        val tipPrompted = d.tip == Tip.Prompt
        when {
            (d.amount == null && r.amount == null) || (!detailsGiven && (openReferences.isNotEmpty() || tipPrompted)) -> {
                if (currency == null) {
                    _state.value = ScanPayState.Failed(formError("not_payable", UiText(TextKey.ERROR_NO_CURRENCY)))
                } else if (d.amount == null && r.amount == null) {
                    _state.value = ScanPayState.NeedsAmount(d.merchant?.name, currency)
                } else {
                    _state.value = ScanPayState.NeedsDetails(d.merchant?.name, currency, openReferences, tipPrompted)
                }
            }
            else -> quote(r)
        }
    }

    /** Pays the quote on screen. */
    fun confirm() {
        val shown = _state.value as? ScanPayState.Confirm ?: return
        if (!_state.compareAndSet(shown, ScanPayState.Paying(shown.summary))) return
        // Leaving the screen cancels this; the wallet then settles the payment exactly once.
        work = scope.launch {
            _state.value = try {
                ScanPayState.Done(wallet.confirmPayment(shown.quote), shown.summary)
            } catch (e: WalletException.QuoteExpired) {
                // Never pay a new price unseen: quote again and ask again.
                requote(requoted = true)
                return@launch
            } catch (e: WalletException) {
                ScanPayState.Failed(userError(e))
            }
        }
    }

    /** After a failure that [UserError.canRetry]: asks for the price again, or rescans if there is nothing to price. */
    fun retry() {
        val failed = _state.value as? ScanPayState.Failed ?: return
        val last = request
        if (failed.error.canRetry && last != null) quote(last) else rescan()
    }

    /** Back to the camera (after Done, Failed, or when the payer backs out before paying). */
    fun rescan() {
        if (_state.value is ScanPayState.Paying) return
        work?.cancel()
        request = null
        detection = null
        detailsGiven = false
        _state.value = ScanPayState.Scanning
    }

    private fun quote(r: PaymentRequest) {
        request = r
        _state.value = ScanPayState.Working
        work = scope.launch { requote(requoted = false) }
    }

    private suspend fun requote(requoted: Boolean) {
        val r = request ?: return
        _state.value = ScanPayState.Working
        _state.value = try {
            val q = wallet.quotePayment(r)
            val routeName = detection?.routes?.firstOrNull { it.schemeId == q.route() }?.schemeName
            ScanPayState.Confirm(q, PaymentSummary.of(q, routeName), requoted)
        } catch (e: WalletException) {
            ScanPayState.Failed(userError(e))
        }
    }

    /** Releases the scanner. */
    override fun close() {
        scanner.close()
    }

    private companion object {
        // Detection's scheme id for a Koban wallet's receive code; a person's PromptPay or
        // PayNow number is a payable code like a shop's.
        const val RECEIVE_CODE_SCHEME = "koban-receive"

        // The longest reference value an EMV code carries (tag 62's sub-fields).
        const val MAX_REFERENCE = 25
    }
}
