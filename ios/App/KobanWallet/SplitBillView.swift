import SwiftUI
import Koban
import KobanAppModel

/// Split a bill: friends' handles, equal shares or exact ones, shown before sending; then who
/// has paid.
struct SplitBillView: View {
    @StateObject private var split: Observed<SplitBillModel>
    @State private var total = ""
    @State private var note = ""
    @State private var exact = false
    @State private var shares: [ShareField] = [ShareField()]

    struct ShareField: Identifiable {
        let id = UUID()
        var handle = ""
        var amount = ""
    }

    init(wallet: Wallet) {
        _split = StateObject(wrappedValue: Observed(SplitBillModel(wallet: wallet)))
    }

    private var rule: ShareRule {
        exact ? .exact(shares.map { ExactShare(handle: $0.handle, amount: $0.amount) }) : .equal(shares.map(\.handle))
    }

    var body: some View {
        let model = split.model
        Form {
            switch model.state {
            case .editing, .working:
                Section(AppText.splitBill.text()) {
                    TextField(AppText.splitTotal.text(), text: $total).keyboardType(.decimalPad)
                    TextField(AppText.fieldNote.text(), text: $note)
                    Picker(AppText.splitHow.text(), selection: $exact) {
                        Text(.splitEqual).tag(false)
                        Text(.splitExact).tag(true)
                    }
                    .pickerStyle(.segmented)
                }
                Section(AppText.splitFriends.text()) {
                    ForEach($shares) { $share in
                        HStack {
                            TextField(AppText.requestFriendHandle.text(), text: $share.handle)
                                .textInputAutocapitalization(.never)
                                .autocorrectionDisabled()
                            if exact { TextField(AppText.fieldAmount.text(), text: $share.amount).keyboardType(.decimalPad) }
                        }
                    }
                    Button(AppText.splitAddFriend.text()) { shares.append(ShareField()) }
                }
                if !model.planned.isEmpty {
                    Section(AppText.splitShares.text()) {
                        ForEach(model.planned, id: \.handle) { line in
                            LabeledContent("@\(line.handle)", value: line.amountText)
                        }
                    }
                }
                if let error = model.formError {
                    Section { Text(verbatim: error.title).foregroundStyle(.red); Text(verbatim: error.detail).font(.caption) }
                }
                Button(AppText.splitPreview.text()) { Task { await model.plan(total: total, rule: rule) } }
                Button(AppText.splitSend.text()) { Task { await model.create(total: total, rule: rule, note: note) } }
                    .buttonStyle(.borderedProminent)
                    .disabled(model.planned.isEmpty || model.state == .working)
            case .created(let summary):
                Section(summary.note.isEmpty ? AppText.splitBill.text() : summary.note) {
                    LabeledContent(AppText.splitTotal.text(), value: summary.totalText)
                    LabeledContent(AppText.splitPaidSoFar.text(), value: summary.paidText)
                    LabeledContent(AppText.splitOutstanding.text(), value: summary.outstandingText)
                }
                Section(AppText.splitFriends.text()) {
                    ForEach(summary.lines, id: \.handle) { line in
                        LabeledContent(line.displayName ?? "@\(line.handle)", value: "\(line.amountText) · \(line.statusText ?? "")")
                    }
                }
                Button(AppText.splitRefresh.text()) { Task { await model.refresh() } }
                Button(AppText.splitNew.text()) { total = ""; note = ""; shares = [ShareField()]; model.reset() }
            case .failed(let message):
                MessageView(message: message) { model.reset() }
            }
        }
        .navigationTitle(AppText.splitTitle.text())
        .onChange(of: exact) { _ in Task { await model.plan(total: total, rule: rule) } }
    }
}
