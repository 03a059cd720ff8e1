import SwiftUI
import Koban
import KobanAppModel

/// Send: to a handle (or a recent recipient) or a scanned receive code.
struct SendView: View {
    @StateObject private var send: Observed<SendModel>
    @State private var recipient = ""
    @State private var amount = ""
    @State private var note = ""

    init(wallet: Wallet, recipient: String = "") {
        _send = StateObject(wrappedValue: Observed(SendModel(wallet: wallet)))
        _recipient = State(initialValue: recipient)
    }

    var body: some View {
        let model = send.model
        NavigationStack {
            Form {
                switch model.state {
                case .editing, .sending:
                    Section("To") {
                        TextField("@handle or receive code", text: $recipient)
                            .textInputAutocapitalization(.never)
                            .autocorrectionDisabled()
                        ForEach(model.recipients, id: \.handle) { r in
                            Button("\(r.displayName) @\(r.handle)") { recipient = r.handle }
                        }
                    }
                    Section("Amount") {
                        TextField("Amount", text: $amount).keyboardType(.numberPad)
                        TextField("Message", text: $note)
                    }
                    if let error = model.formError { Text(error.detail).foregroundStyle(.red) }
                    Button("Send") { Task { await model.send(to: recipient, amount: amount, message: note) } }
                        .disabled(model.state == .sending)
                case .sent(let receipt):
                    Section("Sent") {
                        Text("\(receipt.amountText) to \(receipt.transaction.counterparty ?? "")")
                        Button("Send more") { amount = ""; model.edit() }
                    }
                case .failed(let message):
                    MessageView(message: message) { model.edit() }
                }
            }
            .navigationTitle("Send")
            .onAppear { model.load() }
        }
    }
}
