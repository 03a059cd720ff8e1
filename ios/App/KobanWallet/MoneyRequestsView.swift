import SwiftUI
import Koban
import KobanAppModel

/// Money requests: ask a friend, see who asked you and whom you asked, pay (shown first,
/// then confirmed once) or decline. The lists update while the screen is up.
struct MoneyRequestsView: View {
    @StateObject private var requests: Observed<MoneyRequestsModel>
    @State private var handle = ""
    @State private var amount = ""
    @State private var note = ""

    init(wallet: Wallet) {
        _requests = StateObject(wrappedValue: Observed(MoneyRequestsModel(wallet: wallet)))
    }

    var body: some View {
        let model = requests.model
        List {
            switch model.state {
            case .reviewing(let payment), .paying(let payment):
                Section(AppText.requestPayReview.text()) {
                    LabeledContent(AppText.sendTo.text(), value: "\(payment.requester.displayName) @\(payment.requester.handle)")
                    LabeledContent(AppText.fieldAmount.text(), value: payment.amountText)
                    if !payment.note.isEmpty { LabeledContent(AppText.fieldNote.text(), value: payment.note) }
                    Button(AppText.requestPayConfirm.text(payment.amountText)) { Task { await model.confirmPay() } }
                        .disabled(model.state == .paying(payment))
                    Button(AppText.actionCancel.text(), role: .cancel) { model.dismiss() }
                        .disabled(model.state == .paying(payment))
                }
            case .paid(let payment, _):
                Section { resultRow(AppText.requestPaid.text(payment.amountText, payment.requester.displayName), model) }
            case .asked(let row):
                Section { resultRow(AppText.requestSent.text(row.friend.displayName, row.amountText), model) }
            case .declined(let row):
                Section { resultRow(AppText.requestDeclined.text(row.friend.displayName), model) }
            case .failed(let message):
                Section { MessageView(message: message) { model.dismiss() } }
            case .idle, .working:
                Section(AppText.requestAsk.text()) {
                    TextField(AppText.requestFriendHandle.text(), text: $handle)
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                    TextField(AppText.fieldAmount.text(), text: $amount).keyboardType(.decimalPad)
                    TextField(AppText.fieldNote.text(), text: $note)
                    if let error = model.formError { Text(verbatim: error.title).foregroundStyle(.red) }
                    Button(AppText.requestAskButton.text()) {
                        Task {
                            await model.ask(from: handle, amount: amount, note: note)
                            if case .asked = model.state { handle = ""; amount = ""; note = "" }
                        }
                    }
                    .disabled(model.state == .working)
                }
            }
            Section(AppText.requestIncomingSection.text()) {
                if model.incoming.isEmpty { Text(.requestNone).foregroundStyle(.secondary) }
                ForEach(model.incoming) { row in
                    VStack(alignment: .leading, spacing: 4) {
                        requestLine(row)
                        if row.canAnswer {
                            HStack {
                                Button(AppText.chargePay.text()) { model.review(row.id) }.buttonStyle(.borderedProminent)
                                Button(AppText.chargeDecline.text()) { Task { await model.decline(row.id) } }.buttonStyle(.bordered)
                            }
                        }
                    }
                }
            }
            Section(AppText.requestOutgoingSection.text()) {
                if model.outgoing.isEmpty { Text(.requestNone).foregroundStyle(.secondary) }
                ForEach(model.outgoing) { row in requestLine(row) }
            }
        }
        .navigationTitle(AppText.requestsTitle.text())
        .refreshable { await model.load() }
        .task { await model.load() }
        .onAppear { model.startListening() }
        .onDisappear { model.stopListening() }
    }

    private func requestLine(_ row: MoneyRequestRow) -> some View {
        VStack(alignment: .leading) {
            Text(verbatim: row.title)
            HStack {
                if !row.note.isEmpty { Text(verbatim: row.note) }
                if let status = row.statusText { Text(verbatim: status) }
            }
            .font(.caption).foregroundStyle(.secondary)
        }
    }

    private func resultRow(_ text: String, _ model: MoneyRequestsModel) -> some View {
        HStack {
            Text(verbatim: text)
            Spacer()
            Button(AppText.actionOK.text()) { model.dismiss() }
        }
    }
}
