package io.koban.app.ui

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
import io.koban.app.model.SessionState

/** Sign-up for a new phone: home country, handle and display name. */
@Composable
fun EnrolScreen(state: SessionState.NeedsEnrolment, onEnrol: (country: String, handle: String, name: String) -> Unit) {
    var country by rememberSaveable { mutableStateOf("JP") }
    var handle by rememberSaveable { mutableStateOf("") }
    var name by rememberSaveable { mutableStateOf("") }
    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text("Set up your wallet", style = MaterialTheme.typography.headlineSmall)
        OutlinedTextField(country, { country = it.uppercase().take(2) }, label = { Text("Country (JP, TH, SG…)") })
        OutlinedTextField(handle, { handle = it.lowercase() }, label = { Text("Handle") }, prefix = { Text("@") })
        OutlinedTextField(name, { name = it }, label = { Text("Your name") })
        Button(onClick = { onEnrol(country, handle, name) }, enabled = !state.enrolling) { Text("Create wallet") }
        state.error?.let { ErrorPanel(it) }
    }
}
