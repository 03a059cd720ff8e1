package io.koban.app.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.koban.CurrencyCode
import io.koban.Money
import io.koban.Wallet
import io.koban.app.BuildConfig
import io.koban.app.R
import io.koban.app.model.TopUpStatus
import io.koban.app.model.TopUpViewModel

/** Top up: link a bank account once, then move money from it into the wallet. */
@Composable
fun TopUpScreen(wallet: Wallet) {
    val topUp = rememberModel("topup") {
        val opening = BuildConfig.SANDBOX_OPENING_BALANCE.takeIf { n -> n > 0 }?.let { n -> Money(n, CurrencyCode.JPY) }
        TopUpViewModel(wallet, it, sandboxOpeningBalance = opening)
    }
    val s by topUp.state.collectAsStateWithLifecycle()
    var bankId by rememberSaveable { mutableStateOf("") }
    var account by rememberSaveable { mutableStateOf("") }
    var holder by rememberSaveable { mutableStateOf("") }
    var amount by rememberSaveable { mutableStateOf("") }
    val working = s.status == TopUpStatus.Working
    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        val link = s.links.firstOrNull()
        if (link == null) {
            Text(stringResource(R.string.topup_link_title), style = MaterialTheme.typography.titleLarge)
            for (bank in s.banks) FilterChip(bankId == bank.id, { bankId = bank.id }, label = { Text(bank.name) })
            OutlinedTextField(account, { account = it }, label = { Text(stringResource(R.string.topup_account_number)) })
            OutlinedTextField(holder, { holder = it }, label = { Text(stringResource(R.string.topup_account_holder)) })
            Button(onClick = { topUp.linkBank(bankId, account, holder) }, enabled = !working && bankId.isNotEmpty()) { Text(stringResource(R.string.topup_link)) }
        } else {
            Text("${link.bankName} ····${link.last4}", style = MaterialTheme.typography.titleLarge)
            OutlinedTextField(amount, { amount = it }, label = { Text(stringResource(R.string.amount_in, s.currency?.name ?: "")) })
            Button(onClick = { topUp.topUp(link.id, amount) }, enabled = !working) { Text(stringResource(R.string.action_top_up)) }
        }
        when (val status = s.status) {
            is TopUpStatus.ToppedUp -> Text(stringResource(R.string.topup_added, status.amount))
            is TopUpStatus.Ready -> status.error?.let { ErrorPanel(it) }
            TopUpStatus.Working -> Busy()
        }
    }
}
