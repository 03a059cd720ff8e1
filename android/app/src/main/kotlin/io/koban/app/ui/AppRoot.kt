package io.koban.app.ui

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Icon
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.navigation.NavType
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.currentBackStackEntryAsState
import androidx.navigation.compose.rememberNavController
import androidx.navigation.navArgument
import io.koban.Wallet
import io.koban.app.R
import io.koban.app.model.SessionState
import io.koban.app.model.SessionViewModel
import java.net.URLEncoder

/** The app: opening the wallet, sign-up for a new phone, then the wallet's screens. */
@Composable
fun AppRoot(open: suspend () -> Wallet) {
    val session = rememberModel("session") { SessionViewModel(open, it) }
    val state by session.state.collectAsStateWithLifecycle()
    when (val s = state) {
        SessionState.Opening -> Busy()
        is SessionState.Failed -> ErrorPanel(s.error, onRetry = { session.openWallet() })
        is SessionState.NeedsEnrolment -> EnrolScreen(s, onEnrol = { country, handle, name -> session.enrol(country, handle, name) })
        is SessionState.Ready -> WalletScreens(s.wallet)
    }
}

private val tabs = listOf("home" to R.string.tab_home, "scan" to R.string.tab_scan, "code" to R.string.tab_code, "history" to R.string.tab_history)

@Composable
private fun WalletScreens(wallet: Wallet) {
    val nav = rememberNavController()
    val current by nav.currentBackStackEntryAsState()
    Scaffold(
        bottomBar = {
            NavigationBar {
                for ((route, label) in tabs) {
                    NavigationBarItem(
                        selected = current?.destination?.route == route,
                        onClick = { nav.navigate(route) { launchSingleTop = true; popUpTo("home") } },
                        icon = { Icon(TabIcons.of(route), contentDescription = null) },
                        label = { Text(stringResource(label)) },
                    )
                }
            }
        },
    ) { padding ->
        Box(Modifier.padding(padding)) {
            NavHost(nav, startDestination = "home") {
                composable("home") { HomeScreen(wallet, onSend = { nav.navigate("send") }, onTopUp = { nav.navigate("topup") }) }
                composable("scan") {
                    ScanPayScreen(wallet, onPersonCode = { code -> nav.navigate("send?to=" + URLEncoder.encode(code, "UTF-8")) })
                }
                composable("code") { MyCodeScreen(wallet) }
                composable("history") { HistoryScreen(wallet) }
                composable("send?to={to}", arguments = listOf(navArgument("to") { type = NavType.StringType; defaultValue = "" })) { entry ->
                    SendScreen(wallet, initialTo = entry.arguments?.getString("to").orEmpty())
                }
                composable("topup") { TopUpScreen(wallet) }
            }
        }
    }
}
