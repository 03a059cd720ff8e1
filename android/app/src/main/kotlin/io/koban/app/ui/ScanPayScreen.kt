package io.koban.app.ui

import android.Manifest
import android.content.pm.PackageManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateMapOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.LocalLifecycleOwner
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import io.koban.FrameRotation
import io.koban.ReferenceKind
import io.koban.Wallet
import io.koban.app.R
import io.koban.app.model.PaymentSummary
import io.koban.app.model.ScanPayState
import io.koban.app.model.ScanPayViewModel
import java.util.concurrent.Executors

/** Scan & Pay: the camera, then the amount, the confirmation in the home currency, and the result. */
@Composable
fun ScanPayScreen(wallet: Wallet, onPersonCode: (String) -> Unit) {
    val pay = rememberModel("scan") { ScanPayViewModel(wallet, it) }
    val state by pay.state.collectAsStateWithLifecycle()
    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        when (val s = state) {
            ScanPayState.Scanning -> Camera(pay)
            ScanPayState.Working -> Busy()
            is ScanPayState.ChooseRoute -> RouteChooser(s, onChoose = pay::chooseRoute, onCancel = pay::rescan)
            is ScanPayState.NeedsAmount -> AmountForm(s, onAmount = pay::enterAmount, onCancel = pay::rescan)
            is ScanPayState.NeedsDetails -> DetailsForm(s, onDetails = pay::enterDetails, onCancel = pay::rescan)
            is ScanPayState.Confirm -> {
                if (s.requoted) Text(stringResource(R.string.pay_requoted), color = MaterialTheme.colorScheme.error)
                Summary(s.summary)
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    Button(onClick = pay::confirm) { Text(stringResource(R.string.pay_confirm, s.summary.debit)) }
                    OutlinedButton(onClick = pay::rescan) { Text(stringResource(R.string.action_cancel)) }
                }
            }
            is ScanPayState.Paying -> {
                Summary(s.summary)
                Busy()
            }
            is ScanPayState.Done -> {
                Text(stringResource(R.string.pay_paid), style = MaterialTheme.typography.headlineSmall)
                Summary(s.summary)
                Button(onClick = pay::rescan) { Text(stringResource(R.string.action_done)) }
            }
            is ScanPayState.PersonCode -> LaunchedEffect(s) {
                pay.rescan()
                onPersonCode(s.payload)
            }
            is ScanPayState.Failed -> {
                ErrorPanel(s.error, onRetry = pay::retry)
                OutlinedButton(onClick = pay::rescan) { Text(stringResource(R.string.pay_scan_again)) }
            }
        }
    }
}

@Composable
private fun AmountForm(s: ScanPayState.NeedsAmount, onAmount: (String) -> Unit, onCancel: () -> Unit) {
    var amount by rememberSaveable { mutableStateOf("") }
    Text(s.merchant ?: stringResource(R.string.pay_title), style = MaterialTheme.typography.headlineSmall)
    OutlinedTextField(amount, { amount = it }, label = { Text(stringResource(R.string.amount_in, s.currency.name)) })
    s.error?.let { ErrorPanel(it) }
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        Button(onClick = { onAmount(amount) }) { Text(stringResource(R.string.action_continue)) }
        OutlinedButton(onClick = onCancel) { Text(stringResource(R.string.action_cancel)) }
    }
}

/** A multi-network code (RuPay and UPI, PromptPay and a card…): the payer picks the network. */
@Composable
private fun RouteChooser(s: ScanPayState.ChooseRoute, onChoose: (String) -> Unit, onCancel: () -> Unit) {
    s.merchant?.let { Text(it, style = MaterialTheme.typography.headlineSmall) }
    Text(stringResource(R.string.pay_choose_route))
    for (r in s.routes) {
        Button(onClick = { onChoose(r.schemeId) }) { Text(r.name) }
    }
    OutlinedButton(onClick = onCancel) { Text(stringResource(R.string.action_cancel)) }
}

/** The references the code asks the payer for (bill number, mobile number…) and, when invited, a tip. */
@Composable
private fun DetailsForm(s: ScanPayState.NeedsDetails, onDetails: (Map<ReferenceKind, String>, String) -> Unit, onCancel: () -> Unit) {
    val values = remember(s.references) { mutableStateMapOf<ReferenceKind, String>() }
    var tip by rememberSaveable { mutableStateOf("") }
    Text(s.merchant ?: stringResource(R.string.pay_details_title), style = MaterialTheme.typography.headlineSmall)
    for (kind in s.references) {
        OutlinedTextField(values[kind].orEmpty(), { values[kind] = it }, label = { Text(stringResource(referenceLabel(kind))) })
    }
    if (s.tipPrompted) OutlinedTextField(tip, { tip = it }, label = { Text(stringResource(R.string.pay_tip, s.currency.name)) })
    s.error?.let { ErrorPanel(it) }
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        Button(onClick = { onDetails(values.toMap(), tip) }) { Text(stringResource(R.string.action_continue)) }
        OutlinedButton(onClick = onCancel) { Text(stringResource(R.string.action_cancel)) }
    }
}

/** The text naming a reference kind. */
private fun referenceLabel(kind: ReferenceKind): Int = when (kind) {
    ReferenceKind.BILL_NUMBER -> R.string.reference_bill_number
    ReferenceKind.MOBILE_NUMBER -> R.string.reference_mobile_number
    ReferenceKind.STORE_LABEL -> R.string.reference_store_label
    ReferenceKind.LOYALTY_NUMBER -> R.string.reference_loyalty_number
    ReferenceKind.REFERENCE_LABEL -> R.string.reference_reference_label
    ReferenceKind.CUSTOMER_LABEL -> R.string.reference_customer_label
    ReferenceKind.TERMINAL_LABEL -> R.string.reference_terminal_label
    ReferenceKind.PURPOSE -> R.string.reference_purpose
    ReferenceKind.CONSUMER_DATA_REQUEST -> R.string.reference_consumer_data_request
    ReferenceKind.NOTE -> R.string.reference_note
}

/** What the shop gets and, first and largest, what leaves the wallet in the home currency. */
@Composable
private fun Summary(s: PaymentSummary) {
    Text(s.merchant ?: stringResource(R.string.pay_unnamed_shop), style = MaterialTheme.typography.titleLarge)
    Text(s.debit, style = MaterialTheme.typography.displaySmall)
    Text(s.tip?.let { stringResource(R.string.pay_shop_receives_tip, s.amount, it) } ?: stringResource(R.string.pay_shop_receives, s.amount))
    s.fee?.let { Text(stringResource(R.string.pay_fee, it)) }
    s.rate?.let { Text(stringResource(R.string.pay_rate, it)) }
    s.route?.let { Text(stringResource(R.string.pay_via, it)) }
    for (r in s.references) Text(stringResource(R.string.pay_reference_line, stringResource(referenceLabel(r.kind)), r.value))
}

/** The camera preview, its luma frames handed to the view model on a background thread. */
@Composable
private fun Camera(pay: ScanPayViewModel) {
    val context = LocalContext.current
    val owner = LocalLifecycleOwner.current
    var granted by remember {
        mutableStateOf(ContextCompat.checkSelfPermission(context, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED)
    }
    val ask = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted = it }
    if (!granted) {
        Text(stringResource(R.string.pay_camera_needed))
        Button(onClick = { ask.launch(Manifest.permission.CAMERA) }) { Text(stringResource(R.string.pay_allow_camera)) }
        return
    }
    val preview = remember { PreviewView(context) }
    AndroidView({ preview }, Modifier.fillMaxWidth())
    DisposableEffect(owner) {
        val analysis = Executors.newSingleThreadExecutor()
        val providerFuture = ProcessCameraProvider.getInstance(context)
        providerFuture.addListener({
            val provider = providerFuture.get()
            val shown = Preview.Builder().build().also { it.setSurfaceProvider(preview.surfaceProvider) }
            val frames = ImageAnalysis.Builder()
                .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
                .build()
                .also { it.setAnalyzer(analysis) { image -> analyze(pay, image) } }
            provider.unbindAll()
            provider.bindToLifecycle(owner, CameraSelector.DEFAULT_BACK_CAMERA, shown, frames)
        }, ContextCompat.getMainExecutor(context))
        onDispose {
            if (providerFuture.isDone) providerFuture.get().unbindAll()
            analysis.shutdown()
        }
    }
}

/** Hands the Y plane of one YUV_420_888 frame (one byte per pixel, `rowStride` per row) to the scanner. */
private fun analyze(pay: ScanPayViewModel, image: ImageProxy) {
    image.use {
        val y = it.planes[0]
        val rotation = when (it.imageInfo.rotationDegrees) {
            90 -> FrameRotation.DEG90
            180 -> FrameRotation.DEG180
            270 -> FrameRotation.DEG270
            else -> FrameRotation.DEG0
        }
        // The plane's own buffer: Koban copies it once, straight into Rust memory.
        pay.onFrame(y.buffer, it.width, it.height, y.rowStride, rotation)
    }
}
