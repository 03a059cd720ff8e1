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
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import io.koban.app.R
import io.koban.app.model.SessionState

/** Sign-up for a new phone: home country, handle and display name. */
@Composable
fun EnrolScreen(state: SessionState.NeedsEnrolment, onEnrol: (country: String, handle: String, name: String) -> Unit) {
    var country by rememberSaveable { mutableStateOf("JP") }
    var handle by rememberSaveable { mutableStateOf("") }
    var name by rememberSaveable { mutableStateOf("") }
    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(stringResource(R.string.enrol_title), style = MaterialTheme.typography.headlineSmall)
        OutlinedTextField(country, { country = it.uppercase().take(2) }, label = { Text(stringResource(R.string.enrol_country)) })
        OutlinedTextField(handle, { handle = it.lowercase() }, label = { Text(stringResource(R.string.enrol_handle)) }, prefix = { Text("@") })
        OutlinedTextField(name, { name = it }, label = { Text(stringResource(R.string.enrol_name)) })
        Button(onClick = { onEnrol(country, handle, name) }, enabled = !state.enrolling) { Text(stringResource(R.string.enrol_create)) }
        state.error?.let { ErrorPanel(it) }
    }
}
