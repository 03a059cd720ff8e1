package io.koban.app.ui

import android.app.Activity
import android.view.WindowManager
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.koban.Wallet
import io.koban.app.R
import io.koban.app.model.ChargeOutcome
import io.koban.app.model.ChargePrompt
import io.koban.app.model.MyCodeState
import io.koban.app.model.MyCodeViewModel
import io.koban.app.model.display

/**
 * My Code: the consumer code for the till, refreshed by the view model, screen on and bright;
 * a till charge above the no-confirmation limit is asked about in a dialog over the code.
 */
@Composable
fun MyCodeScreen(wallet: Wallet) {
    val screen = rememberModel("code") { MyCodeViewModel(wallet, it) }
    val state by screen.state.collectAsStateWithLifecycle()
    val bright by screen.keepScreenBright.collectAsStateWithLifecycle()
    val charge by screen.charge.collectAsStateWithLifecycle()
    val outcome by screen.chargeOutcome.collectAsStateWithLifecycle()
    LifecycleResumeEffect(screen) {
        screen.start()
        onPauseOrDispose { screen.stop() }
    }
    KeepScreenBright(bright)
    var digits by remember { mutableStateOf(false) }
    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp), horizontalAlignment = Alignment.CenterHorizontally) {
        when (val s = state) {
            MyCodeState.Idle, MyCodeState.Loading -> Busy()
            is MyCodeState.Unavailable -> ErrorPanel(s.error)
            is MyCodeState.Showing -> {
                QrCode(s.code.matrix, Modifier.fillMaxWidth())
                s.digits?.let { Text(it.chunked(4).joinToString(" "), fontFamily = FontFamily.Monospace) }
                if (s.offline) Text(stringResource(R.string.mycode_offline, s.codesLeft), style = MaterialTheme.typography.bodySmall)
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Text(stringResource(R.string.mycode_show_number))
                    Switch(digits, { digits = it; screen.showDigits(it) })
                }
            }
        }
        outcome?.let { ChargeNote(it, onDismiss = screen::dismissChargeOutcome) }
    }
    charge?.let { ChargeDialog(it, onApprove = { screen.approve() }, onDecline = { screen.decline() }) }
}

/** The till's request: shop, amount and the seconds left; nothing is paid without "Pay". */
@Composable
private fun ChargeDialog(prompt: ChargePrompt, onApprove: () -> Unit, onDecline: () -> Unit) {
    AlertDialog(
        // Dismissing is not an answer: the request keeps waiting until it lapses.
        onDismissRequest = {},
        title = { Text(stringResource(R.string.charge_title, prompt.amountText)) },
        text = {
            Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(stringResource(R.string.charge_body, prompt.merchantName, prompt.amountText))
                Text(stringResource(R.string.charge_seconds_left, prompt.secondsLeft), style = MaterialTheme.typography.bodySmall)
                prompt.error?.let { Text(textOf(it.message), color = MaterialTheme.colorScheme.error) }
            }
        },
        confirmButton = { TextButton(onClick = onApprove, enabled = !prompt.answering) { Text(stringResource(R.string.charge_pay)) } },
        dismissButton = { TextButton(onClick = onDecline, enabled = !prompt.answering) { Text(stringResource(R.string.charge_decline)) } },
    )
}

/** One line on how the last request ended. */
@Composable
private fun ChargeNote(outcome: ChargeOutcome, onDismiss: () -> Unit) {
    val text = when (outcome) {
        is ChargeOutcome.Approved -> stringResource(R.string.charge_paid, outcome.transaction.amount.display())
        is ChargeOutcome.Declined -> stringResource(R.string.charge_declined)
        is ChargeOutcome.Expired -> stringResource(R.string.charge_expired)
        is ChargeOutcome.Refused -> textOf(outcome.error.message)
    }
    Row(verticalAlignment = Alignment.CenterVertically) {
        Text(text, style = MaterialTheme.typography.bodyMedium)
        TextButton(onClick = onDismiss) { Text(stringResource(R.string.action_ok)) }
    }
}

/** Keeps the screen on at full brightness while `on`, so a till's scanner can read it. */
@Composable
private fun KeepScreenBright(on: Boolean) {
    val window = (LocalContext.current as? Activity)?.window ?: return
    DisposableEffect(window, on) {
        if (on) {
            window.addFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON)
            window.attributes = window.attributes.apply { screenBrightness = WindowManager.LayoutParams.BRIGHTNESS_OVERRIDE_FULL }
        }
        onDispose {
            window.clearFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON)
            window.attributes = window.attributes.apply { screenBrightness = WindowManager.LayoutParams.BRIGHTNESS_OVERRIDE_NONE }
        }
    }
}
