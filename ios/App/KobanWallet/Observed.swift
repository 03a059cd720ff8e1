import Combine
import KobanAppModel

/// Bridges a KobanAppModel view model (plain change callbacks, so it also runs on Linux) to
/// SwiftUI: every change of the model re-renders the views that hold this object.
@MainActor
final class Observed<Model: ViewModel>: ObservableObject {
    /// The view model.
    let model: Model
    private var observation: ModelObservation?

    init(_ model: Model) {
        self.model = model
        observation = model.observe { [weak self] in self?.objectWillChange.send() }
    }
}
