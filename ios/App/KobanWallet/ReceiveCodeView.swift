import SwiftUI
import Koban
import KobanAppModel

/// Receive: this wallet's code for a friend to scan, with an amount and a note if wanted.
struct ReceiveCodeView: View {
    @StateObject private var receive: Observed<ReceiveCodeModel>
    @State private var amount = ""
    @State private var note = ""

    init(wallet: Wallet) {
        _receive = StateObject(wrappedValue: Observed(ReceiveCodeModel(wallet: wallet)))
    }

    var body: some View {
        let model = receive.model
        Form {
            switch model.state {
            case .idle, .making:
                Section {
                    TextField(AppText.receiveAmountOptional.text(), text: $amount).keyboardType(.decimalPad)
                    TextField(AppText.receiveNoteOptional.text(), text: $note)
                    if let error = model.formError { Text(verbatim: error.title).foregroundStyle(.red) }
                }
                Button(AppText.receiveMake.text()) { Task { await model.make(amount: amount, note: note) } }
                    .disabled(model.state == .making)
            case .showing(let display):
                Section {
                    QRCodeView(matrix: display.matrix).padding()
                    Text(display.amountText.map { AppText.receiveAsksFor.text($0) } ?? AppText.receiveAnyAmount.text())
                        .font(.headline)
                    if let note = display.note { Text(verbatim: note).foregroundStyle(.secondary) }
                    Text(.receiveHint).font(.caption).foregroundStyle(.secondary)
                }
                Button(AppText.receiveNewCode.text()) { model.reset() }
            case .failed(let message):
                MessageView(message: message) { model.reset() }
            }
        }
        .navigationTitle(AppText.receiveTitle.text())
    }
}
