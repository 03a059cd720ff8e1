import SwiftUI
import Koban
import KobanAppModel

/// Top up: link a bank account, then move money in.
struct TopUpView: View {
    @StateObject private var topUp: Observed<TopUpModel>
    @State private var linkId: String?
    @State private var amount = ""
    @State private var bankId = ""
    @State private var account = ""
    @State private var holder = ""

    init(wallet: Wallet) {
        _topUp = StateObject(wrappedValue: Observed(TopUpModel(wallet: wallet)))
    }

    var body: some View {
        let model = topUp.model
        Form {
            if !model.links.isEmpty {
                Section(AppText.topUpFrom.text()) {
                    Picker(AppText.bankAccount.text(), selection: $linkId) {
                        ForEach(model.links, id: \.id) { link in
                            Text(verbatim: "\(link.bankName) ••••\(link.last4)").tag(Optional(link.id))
                        }
                    }
                    TextField(AppText.fieldAmount.text(), text: $amount).keyboardType(.decimalPad)
                    if let error = model.amountError { Text(verbatim: error.detail).foregroundStyle(.red) }
                    Button(AppText.topUpTitle.text()) {
                        guard let linkId else { return }
                        Task { await model.topUp(linkId: linkId, amount: amount) }
                    }
                    .disabled(linkId == nil || amount.isEmpty || model.state == .working)
                }
            }
            Section(AppText.bankLinkSection.text()) {
                Picker(AppText.bankBank.text(), selection: $bankId) {
                    ForEach(model.banks, id: \.id) { Text(verbatim: $0.name).tag($0.id) }
                }
                TextField(AppText.bankAccountNumber.text(), text: $account).keyboardType(.numberPad)
                TextField(AppText.bankHolderName.text(), text: $holder).textInputAutocapitalization(.characters)
                Button(AppText.bankLink.text()) { Task { await model.link(bankId: bankId, accountNumber: account, holderName: holder) } }
                    .disabled(bankId.isEmpty || account.isEmpty || holder.isEmpty)
            }
            switch model.state {
            case .idle: EmptyView()
            case .working: ProgressView()
            case .done(let receipt):
                Section(AppText.doneSection.text()) {
                    Text(.topUpAdded, receipt.amountText)
                    if let balance = receipt.balanceText { Text(.balanceNow, balance) }
                }
            case .failed(let message):
                Section { MessageView(message: message) { model.reset() } }
            }
        }
        .navigationTitle(AppText.topUpTitle.text())
        .task {
            await model.load()
            if linkId == nil { linkId = model.links.first?.id }
        }
    }
}
