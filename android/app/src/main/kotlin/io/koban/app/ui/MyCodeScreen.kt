package io.koban.app.ui

import android.app.Activity
import android.view.WindowManager
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Switch
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.LifecycleResumeEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.koban.Wallet
import io.koban.app.model.MyCodeState
import io.koban.app.model.MyCodeViewModel

/** My Code: the consumer code for the till, refreshed by the view model, screen on and bright. */
@Composable
fun MyCodeScreen(wallet: Wallet) {
    val screen = rememberModel("code") { MyCodeViewModel(wallet, it) }
    val state by screen.state.collectAsStateWithLifecycle()
    val bright by screen.keepScreenBright.collectAsStateWithLifecycle()
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
                if (s.offline) Text("Offline: ${s.codesLeft} codes left on this phone", style = MaterialTheme.typography.bodySmall)
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Text("Show number")
                    Switch(digits, { digits = it; screen.showDigits(it) })
                }
            }
        }
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
