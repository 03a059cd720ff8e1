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
                Section("From") {
                    Picker("Account", selection: $linkId) {
                        ForEach(model.links, id: \.id) { link in
                            Text("\(link.bankName) ****\(link.last4)").tag(Optional(link.id))
                        }
                    }
                    TextField("Amount", text: $amount).keyboardType(.numberPad)
                    if let error = model.amountError { Text(error.detail).foregroundStyle(.red) }
                    Button("Top up") {
                        guard let linkId else { return }
                        Task { await model.topUp(linkId: linkId, amount: amount) }
                    }
                    .disabled(linkId == nil || amount.isEmpty || model.state == .working)
                }
            }
            Section("Link a bank account") {
                Picker("Bank", selection: $bankId) {
                    ForEach(model.banks, id: \.id) { Text($0.name).tag($0.id) }
                }
                TextField("Account number", text: $account).keyboardType(.numberPad)
                TextField("Holder name", text: $holder).textInputAutocapitalization(.characters)
                Button("Link") { Task { await model.link(bankId: bankId, accountNumber: account, holderName: holder) } }
                    .disabled(bankId.isEmpty || account.isEmpty || holder.isEmpty)
            }
            switch model.state {
            case .idle: EmptyView()
            case .working: ProgressView()
            case .done(let receipt):
                Section("Done") {
                    Text("Added \(receipt.amountText)")
                    if let balance = receipt.balanceText { Text("Balance \(balance)") }
                }
            case .failed(let message):
                Section { MessageView(message: message) { model.reset() } }
            }
        }
        .navigationTitle("Top up")
        .task {
            await model.load()
            if linkId == nil { linkId = model.links.first?.id }
        }
    }
}
