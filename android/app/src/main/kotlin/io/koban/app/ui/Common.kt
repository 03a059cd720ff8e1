package io.koban.app.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.DateRange
import androidx.compose.material.icons.filled.Home
import androidx.compose.material.icons.filled.Search
import androidx.compose.material.icons.filled.Star
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import io.koban.QrMatrix
import io.koban.app.R
import io.koban.app.model.UserError

/** A spinner filling the screen. */
@Composable
fun Busy() {
    Box(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) { CircularProgressIndicator() }
}

/** A failure: the sentence for people, the core's words in small print, and a retry when it may help. */
@Composable
fun ErrorPanel(error: UserError, onRetry: (() -> Unit)? = null) {
    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(textOf(error.message), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyLarge)
        error.detail?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
        if (error.canRetry && onRetry != null) Button(onClick = onRetry) { Text(stringResource(R.string.action_try_again)) }
    }
}

/** A QR code drawn module by module, black on white with its 4-module quiet zone. */
@Composable
fun QrCode(matrix: QrMatrix, modifier: Modifier = Modifier) {
    val n = matrix.size.toInt()
    Canvas(modifier.aspectRatio(1f).background(Color.White)) {
        val module = size.minDimension / (n + 8)
        for (y in 0 until n) for (x in 0 until n) {
            if (matrix.modules[y * n + x]) {
                drawRect(Color.Black, Offset((x + 4) * module, (y + 4) * module), Size(module, module))
            }
        }
    }
}

/** Icons of the bottom navigation's tabs. */
object TabIcons {
    /** The icon of tab `route`. */
    fun of(route: String): ImageVector = when (route) {
        "home" -> Icons.Filled.Home
        "scan" -> Icons.Filled.Search
        "code" -> Icons.Filled.Star
        else -> Icons.Filled.DateRange
    }
}
