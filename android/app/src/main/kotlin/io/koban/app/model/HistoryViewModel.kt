package io.koban.app.model

import io.koban.Direction
import io.koban.Wallet
import io.koban.WalletException
import io.koban.WalletTransaction
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext

/** One line of history. */
data class HistoryItem(
    /** The transaction, for the receipt screen. */
    val transaction: WalletTransaction,
    /** The line to show ("Payment to KOBAN RAMEN"), in the reader's language. */
    val title: UiText,
    /** The amount signed by direction ("−¥1,200", "+¥5,000"). */
    val amount: String,
    /** Money came in. */
    val incoming: Boolean,
)

/** What the History screen shows. */
data class HistoryState(
    /** The lines loaded so far, newest first. */
    val items: List<HistoryItem> = emptyList(),
    /** More pages exist below. */
    val hasMore: Boolean = false,
    /** A page is loading. */
    val loading: Boolean = false,
    /** Why the last page failed to load. */
    val error: UserError? = null,
)

/** History: pages of transactions, newest first, loaded as the list is scrolled. */
class HistoryViewModel(
    private val wallet: Wallet,
    private val scope: CoroutineScope,
    private val pageSize: Int = 30,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val _state = MutableStateFlow(HistoryState())

    /** The screen's state. */
    val state: StateFlow<HistoryState> = _state.asStateFlow()

    // One page at a time: a refresh and a scroll must not interleave their cursors.
    private val paging = Mutex()
    private var cursor: String? = null

    init {
        refresh()
    }

    /** Reloads from the newest transaction. */
    fun refresh(): Job = scope.launch { paging.withLock { load(fresh = true) } }

    /** Appends the next page, if there is one. */
    fun loadMore(): Job = scope.launch {
        paging.withLock { if (cursor != null) load(fresh = false) }
    }

    private suspend fun load(fresh: Boolean) {
        _state.update { it.copy(loading = true) }
        try {
            val page = withContext(io) { wallet.history(pageSize, if (fresh) null else cursor) }
            cursor = page.nextCursor
            val lines = page.items.map(::line)
            _state.update { s ->
                s.copy(items = if (fresh) lines else s.items + lines, hasMore = page.nextCursor != null, loading = false, error = null)
            }
        } catch (e: WalletException) {
            _state.update { it.copy(loading = false, error = userError(e)) }
        }
    }

    // Built from the transaction's kind, direction and counterparty, never from the core's English.
    private fun line(t: WalletTransaction): HistoryItem = HistoryItem(t, t.title(), t.signedAmount(), t.direction == Direction.IN)
}
