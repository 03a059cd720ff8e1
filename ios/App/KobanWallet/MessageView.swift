import SwiftUI
import KobanAppModel

/// An error as the user reads it, with the step it offers.
struct MessageView: View {
    let message: UserMessage
    var onAction: (() -> Void)?

    var body: some View {
        VStack(spacing: 12) {
            Text(message.title).font(.headline)
            Text(message.detail).font(.subheadline).foregroundStyle(.secondary).multilineTextAlignment(.center)
            if let action = message.action, let onAction {
                Button(Self.label(action), action: onAction).buttonStyle(.borderedProminent)
            }
        }
        .padding()
    }

    static func label(_ action: UserMessage.Action) -> String {
        switch action {
        case .retry: return "Try again"
        case .topUp: return "Top up"
        case .verifyIdentity: return "Verify identity"
        case .scanAgain: return "Scan again"
        case .edit: return "Edit"
        case .goOnline: return "OK"
        }
    }
}
