package io.koban.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.compose.material3.MaterialTheme
import io.koban.AndroidKeystoreKeyStore
import io.koban.LogcatLogger
import io.koban.Wallet
import io.koban.WalletConfig
import io.koban.app.ui.AppRoot
import java.io.File

/** The app's only activity: the Compose screens, over one wallet in the app's private files. */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val database = File(noBackupFilesDir, "wallet.sqlite3").path
        val open = suspend {
            Wallet.open(database, AndroidKeystoreKeyStore(), WalletConfig(BuildConfig.KOBAN_HOST_URL), logger = LogcatLogger())
        }
        setContent {
            MaterialTheme { AppRoot(open) }
        }
    }
}
