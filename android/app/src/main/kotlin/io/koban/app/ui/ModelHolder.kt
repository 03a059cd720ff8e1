package io.koban.app.ui

import androidx.compose.runtime.Composable
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import kotlinx.coroutines.CoroutineScope

/** An androidx ViewModel owning one plain view model, made with viewModelScope and closed with it. */
class ModelHolder<M : Any>(create: (CoroutineScope) -> M) : ViewModel() {
    /** The plain view model. */
    val model: M = create(viewModelScope)

    override fun onCleared() {
        (model as? AutoCloseable)?.close()
    }
}

/** The plain view model stored under `key`, surviving configuration changes like any androidx ViewModel. */
@Composable
fun <M : Any> rememberModel(key: String, create: (CoroutineScope) -> M): M =
    viewModel(key = key) { ModelHolder(create) }.model
