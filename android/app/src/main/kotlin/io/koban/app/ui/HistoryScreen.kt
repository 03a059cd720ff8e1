package io.koban.app.ui

import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.koban.Wallet
import io.koban.app.model.HistoryViewModel

/** History: newest first, the next page loaded when the list reaches its end. */
@Composable
fun HistoryScreen(wallet: Wallet) {
    val history = rememberModel("history") { HistoryViewModel(wallet, it) }
    val s by history.state.collectAsStateWithLifecycle()
    LazyColumn(Modifier.fillMaxWidth()) {
        items(s.items, key = { it.transaction.id }) { item ->
            Row(Modifier.fillMaxWidth().padding(16.dp, 8.dp)) {
                Text(textOf(item.title), Modifier.weight(1f))
                Text(item.amount, color = if (item.incoming) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.onSurface)
            }
        }
        if (s.hasMore) {
            item {
                // Reaching the end of the list asks for the next page.
                LaunchedEffect(s.items.size) { history.loadMore() }
                Busy()
            }
        }
        s.error?.let { item { ErrorPanel(it, onRetry = { history.refresh() }) } }
    }
}
