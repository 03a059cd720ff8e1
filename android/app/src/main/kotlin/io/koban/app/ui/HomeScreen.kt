package io.koban.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.koban.Wallet
import io.koban.app.R
import io.koban.app.model.HomeViewModel

/** Home: the balance, refresh, money that just arrived, and the ways to add or send money. */
@Composable
fun HomeScreen(wallet: Wallet, onSend: () -> Unit, onTopUp: () -> Unit) {
    val home = rememberModel("home") { HomeViewModel(wallet, it) }
    val s by home.state.collectAsStateWithLifecycle()
    // Listen for incoming money only while the screen is in front.
    LifecycleResumeEffect(home) {
        home.startListening()
        onPauseOrDispose { home.stopListening() }
    }
    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        s.handle?.let { Text("@$it", style = MaterialTheme.typography.titleMedium) }
        Text(s.balanceText ?: "—", style = MaterialTheme.typography.displayMedium)
        if (s.offline) Text(stringResource(R.string.home_offline), style = MaterialTheme.typography.bodySmall)
        s.lastIncomingNote?.let { Text(textOf(it)) }
        s.error?.let { ErrorPanel(it, onRetry = { home.refresh() }) }
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button(onClick = onTopUp) { Text(stringResource(R.string.action_top_up)) }
            Button(onClick = onSend) { Text(stringResource(R.string.action_send)) }
            OutlinedButton(onClick = { home.refresh() }, enabled = !s.refreshing) { Text(stringResource(R.string.action_refresh)) }
        }
    }
}
