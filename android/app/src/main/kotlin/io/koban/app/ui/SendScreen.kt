package io.koban.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.koban.Wallet
import io.koban.app.model.SendStatus
import io.koban.app.model.SendViewModel

/** Send: to a handle (or a scanned receive code in `initialTo`), an amount in the home currency, a message. */
@Composable
fun SendScreen(wallet: Wallet, initialTo: String) {
    val send = rememberModel("send") { SendViewModel(wallet, it) }
    val s by send.state.collectAsStateWithLifecycle()
    var to by rememberSaveable { mutableStateOf(initialTo) }
    var amount by rememberSaveable { mutableStateOf("") }
    var message by rememberSaveable { mutableStateOf("") }
    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        when (val status = s.status) {
            is SendStatus.Sent -> {
                Text("Sent ${status.amount} to ${status.transaction.counterparty.orEmpty()}", style = MaterialTheme.typography.titleLarge)
                Button(onClick = { amount = ""; message = ""; send.another() }) { Text("Send more") }
            }
            else -> {
                // A scanned receive code is long EMV text: name it rather than show it.
                if (initialTo.isNotEmpty() && to == initialTo) {
                    Text("To: the receive code you scanned", style = MaterialTheme.typography.titleMedium)
                } else {
                    OutlinedTextField(to, { to = it }, label = { Text("To (@handle)") })
                }
                OutlinedTextField(amount, { amount = it }, label = { Text("Amount in ${s.currency ?: ""}") })
                OutlinedTextField(message, { message = it }, label = { Text("Message") })
                Button(onClick = { send.send(to, amount, message) }, enabled = status is SendStatus.Editing) { Text("Send") }
                (status as? SendStatus.Editing)?.error?.let { ErrorPanel(it) }
                for (r in s.recipients) {
                    Text("@${r.handle} · ${r.displayName}", Modifier.clickable { to = r.handle })
                }
            }
        }
    }
}
