import SwiftUI
import KobanAppModel

/// An error as the user reads it, with the step it offers; Koban's own sentence is one tap away.
struct MessageView: View {
    let message: UserMessage
    var onAction: (() -> Void)?

    var body: some View {
        VStack(spacing: 12) {
            Text(verbatim: message.title).font(.headline)
            Text(verbatim: message.detail).font(.subheadline).foregroundStyle(.secondary).multilineTextAlignment(.center)
            if !message.reason.isEmpty {
                DisclosureGroup(AppText.messageDetails.text()) {
                    Text(verbatim: message.reason).font(.caption).foregroundStyle(.secondary).textSelection(.enabled)
                }
                .font(.caption)
            }
            if let action = message.action, let onAction {
                Button(action.label, action: onAction).buttonStyle(.borderedProminent)
            }
        }
        .padding()
    }
}
