package io.koban.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalConfiguration
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.koban.Wallet
import io.koban.app.R
import io.koban.app.model.SendStatus
import io.koban.app.model.SendViewModel
import java.util.Locale

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
                Text(stringResource(R.string.send_sent, status.amount, status.transaction.counterparty.orEmpty()), style = MaterialTheme.typography.titleLarge)
                Button(onClick = { amount = ""; message = ""; send.another() }) { Text(stringResource(R.string.send_more)) }
            }
            is SendStatus.Confirm -> SendConfirmation(status, onConfirm = { send.confirm() }, onCancel = send::cancel)
            SendStatus.Checking, SendStatus.Sending -> Busy()
            is SendStatus.Editing -> {
                // A scanned receive code is long EMV text: name it rather than show it.
                if (initialTo.isNotEmpty() && to == initialTo) {
                    Text(stringResource(R.string.send_to_scanned_code), style = MaterialTheme.typography.titleMedium)
                } else {
                    OutlinedTextField(to, { to = it }, label = { Text(stringResource(R.string.send_to_field)) })
                }
                OutlinedTextField(amount, { amount = it }, label = { Text(stringResource(R.string.amount_in, s.currency?.name ?: "")) })
                OutlinedTextField(message, { message = it }, label = { Text(stringResource(R.string.send_message)) })
                Button(onClick = { send.preview(to, amount, message) }) { Text(stringResource(R.string.send_review)) }
                status.error?.let { ErrorPanel(it) }
                for (r in s.recipients) {
                    Text("@${r.handle} · ${r.displayName}", Modifier.clickable { to = r.handle })
                }
            }
        }
    }
}

/** The recipient as the host knows them and, abroad, the remittance quote: shown before anything moves. */
@Composable
private fun SendConfirmation(c: SendStatus.Confirm, onConfirm: () -> Unit, onCancel: () -> Unit) {
    val s = c.summary
    if (c.requoted) Text(stringResource(R.string.send_requoted), color = MaterialTheme.colorScheme.error)
    Text(stringResource(R.string.send_to_name, s.name, s.handle), style = MaterialTheme.typography.titleLarge)
    // The country's name in the reader's language ("Thailand", "タイ", "ประเทศไทย", "泰国").
    Text(stringResource(R.string.send_recipient_country, Locale("", s.country).getDisplayCountry(LocalConfiguration.current.locales[0])))
    Text(s.debit, style = MaterialTheme.typography.displaySmall)
    if (s.amountFixed) Text(stringResource(R.string.send_amount_fixed, s.amount))
    s.note?.let { Text(stringResource(R.string.send_code_note, it)) }
    if (s.abroad) {
        Text(stringResource(R.string.send_abroad_title))
        Text(stringResource(R.string.send_abroad_receives, s.name, s.receives.orEmpty()))
        s.rate?.let { Text(stringResource(R.string.send_abroad_rate, it)) }
        s.fee?.let { Text(stringResource(R.string.send_abroad_fee, it)) }
        s.arrivesInSecs?.let { secs ->
            if (secs >= 3600) {
                Text(stringResource(R.string.send_abroad_arrival_hours, (secs / 3600).toInt()))
            } else {
                Text(stringResource(R.string.send_abroad_arrival_minutes, ((secs + 59) / 60).toInt()))
            }
        }
    }
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        Button(onClick = onConfirm) { Text(stringResource(R.string.send_confirm, s.debit)) }
        OutlinedButton(onClick = onCancel) { Text(stringResource(R.string.action_cancel)) }
    }
}
