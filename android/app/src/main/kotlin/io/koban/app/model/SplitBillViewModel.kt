package io.koban.app.model

import io.koban.CurrencyCode
import io.koban.KobanException
import io.koban.Money
import io.koban.MoneyRequestStatus
import io.koban.Split
import io.koban.SplitShare
import io.koban.SplitShares
import io.koban.Wallet
import io.koban.WalletException
import io.koban.equalShares
import io.koban.moneyParseDecimal
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** One friend's share of a bill, as a row shows it. */
data class ShareLine(
    /** The friend's handle, with `@`. */
    val handle: String,
    /** Their name, once the host has said it (after the split is made). */
    val name: String?,
    /** Their share for people. */
    val amount: String,
    /** Their share's request status; null before the split is made. */
    val status: MoneyRequestStatus?,
) {
    /** Whether this friend has paid their share. */
    val paid: Boolean get() = status == MoneyRequestStatus.PAID

    /** [status] for people, once the split is made. */
    val statusText: UiText? get() = status?.let(::requestStatusText)
}

/** A bill about to be split: what each friend will be asked for, before anyone is. */
data class SplitDraft(
    /** The bill. */
    val total: Money,
    /** The shares, in the order given. */
    val shares: List<SplitShare>,
    /** Whether the shares are equal ones (else typed by the organiser). */
    val equal: Boolean,
) {
    /** The rows for people. */
    val lines: List<ShareLine> get() = shares.map { ShareLine("@" + it.handle, null, it.amount.display(), null) }
}

/** A split as its organiser sees it: who has paid and what is still to come. */
data class SplitView(
    /** The split. */
    val split: Split,
    /** The bill for people. */
    val total: String,
    /** Paid so far. */
    val paid: String,
    /** Still to be paid. */
    val outstanding: String,
    /** One row per friend, in the order given. */
    val lines: List<ShareLine>,
) {
    companion object {
        /** The view of `s`. */
        fun of(s: Split): SplitView = SplitView(
            split = s,
            total = s.total.display(),
            paid = s.paid.display(),
            outstanding = s.outstanding.display(),
            lines = s.shares.map { ShareLine("@" + it.payer.handle, it.payer.displayName, it.amount.display(), it.status) },
        )
    }
}

/** Where the Split screen is. */
sealed interface SplitStatus {
    /** The form; [error] says why the last step failed. */
    data class Editing(val error: UserError? = null) : SplitStatus

    /** Asking the host. */
    data object Working : SplitStatus

    /** The split is made (each friend has a request); [SplitState.split] says who has paid. */
    data object Made : SplitStatus
}

/** What the Split screen shows. */
data class SplitState(
    /** The home currency amounts are typed in. */
    val currency: CurrencyCode? = null,
    /** The shares about to be asked for, shown before [SplitBillViewModel.create]. */
    val draft: SplitDraft? = null,
    /** The split once made, refreshed by [SplitBillViewModel.refresh]. */
    val split: SplitView? = null,
    /** The current step. */
    val status: SplitStatus = SplitStatus.Editing(),
)

/**
 * Split a bill among friends: equal shares (the remainder on the first) or shares typed one by
 * one, shown first, then one money request per friend; then who has paid.
 */
class SplitBillViewModel(
    private val wallet: Wallet,
    private val scope: CoroutineScope,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow(SplitState())

    /** The screen's state. */
    val state: StateFlow<SplitState> = _state.asStateFlow()

    init {
        scope.launch {
            val currency = withContext(io) { wallet.profile()?.currency }
            _state.update { it.copy(currency = currency) }
        }
    }

    /** Shows `totalText` ("10000") divided equally among `handles`; nothing is asked yet. Returns whether it could. */
    fun splitEqually(totalText: String, handles: List<String>): Boolean {
        val total = parse(totalText) ?: return false
        val people = friends(handles) ?: return false
        val amounts = try {
            equalShares(total, people.size)
        } catch (e: WalletException) {
            return fail(userError(e))
        }
        _state.update { it.copy(draft = SplitDraft(total, people.zip(amounts) { h, a -> SplitShare(h, a) }, equal = true), status = SplitStatus.Editing()) }
        return true
    }

    /** Shows `totalText` divided as typed: each friend's handle and share ("4000"); they must add up. */
    fun splitExactly(totalText: String, shares: List<Pair<String, String>>): Boolean {
        val total = parse(totalText) ?: return false
        val people = friends(shares.map { it.first }) ?: return false
        val amounts = shares.map { parse(it.second) ?: return false }
        val sum = amounts.sumOf { it.minor }
        if (sum != total.minor) {
            val added = Money(sum, total.currency).display()
            return fail(formError("shares_do_not_add_up", UiText(TextKey.ERROR_SHARES_DO_NOT_ADD_UP, added, total.display())))
        }
        _state.update { it.copy(draft = SplitDraft(total, people.zip(amounts) { h, a -> SplitShare(h, a) }, equal = false), status = SplitStatus.Editing()) }
        return true
    }

    /** Asks each friend of the draft on screen for their share, once. */
    fun create(note: String = ""): Job? {
        val draft = _state.value.draft ?: return null
        if (!transition(SplitStatus.Working)) return null
        val shares = if (draft.equal) SplitShares.Equal(draft.shares.map { it.handle }) else SplitShares.Explicit(draft.shares)
        return scope.launch {
            try {
                val s = wallet.splitBill(draft.total, shares, note.trim())
                _state.update { it.copy(split = SplitView.of(s), draft = null, status = SplitStatus.Made) }
            } catch (e: WalletException) {
                _state.update { it.copy(status = SplitStatus.Editing(userError(e))) }
            }
        }
    }

    /** Reads the split again: who has paid since. */
    fun refresh(): Job? {
        val id = _state.value.split?.split?.id ?: return null
        return scope.launch {
            try {
                val s = wallet.split(id)
                _state.update { it.copy(split = SplitView.of(s)) }
            } catch (e: WalletException) {
                _state.update { it.copy(status = SplitStatus.Editing(userError(e))) }
            }
        }
    }

    /** A new bill. */
    fun another() {
        _state.update { if (it.status is SplitStatus.Working) it else it.copy(draft = null, split = null, status = SplitStatus.Editing()) }
    }

    private fun parse(text: String): Money? {
        val currency = _state.value.currency ?: return null
        return try {
            moneyParseDecimal(text.trim(), currency)
        } catch (e: KobanException) {
            fail(userError(e))
            null
        }
    }

    private fun friends(handles: List<String>): List<String>? {
        val people = handles.map { it.trim().removePrefix("@") }.filter { it.isNotEmpty() }
        if (people.isEmpty()) {
            fail(formError("invalid_input", UiText(TextKey.ERROR_NO_FRIENDS)))
            return null
        }
        if (people.toSet().size != people.size) {
            fail(formError("invalid_input", UiText(TextKey.ERROR_FRIEND_TWICE)))
            return null
        }
        return people
    }

    private fun fail(error: UserError): Boolean {
        _state.update { if (it.status is SplitStatus.Working) it else it.copy(draft = null, status = SplitStatus.Editing(error)) }
        return false
    }

    private fun transition(to: SplitStatus): Boolean {
        while (true) {
            val s = _state.value
            if (s.status !is SplitStatus.Editing) return false
            if (_state.compareAndSet(s, s.copy(status = to))) return true
        }
    }
}
