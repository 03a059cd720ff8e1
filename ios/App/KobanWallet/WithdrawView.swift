import SwiftUI
import Koban
import KobanAppModel

/// Withdraw: money to a linked bank account, shown first and confirmed once; and unlinking.
struct WithdrawView: View {
    @StateObject private var withdraw: Observed<WithdrawModel>
    @State private var linkId: String?
    @State private var amount = ""

    init(wallet: Wallet) {
        _withdraw = StateObject(wrappedValue: Observed(WithdrawModel(wallet: wallet)))
    }

    var body: some View {
        let model = withdraw.model
        Form {
            switch model.state {
            case .idle, .previewing, .working:
                Section(AppText.withdrawTo.text()) {
                    Picker(AppText.bankAccount.text(), selection: $linkId) {
                        ForEach(model.links, id: \.id) { link in
                            Text(verbatim: "\(link.bankName) ••••\(link.last4)").tag(Optional(link.id))
                        }
                    }
                    TextField(AppText.fieldAmount.text(), text: $amount).keyboardType(.decimalPad)
                    if let error = model.formError { Text(verbatim: error.title).foregroundStyle(.red) }
                    Button(AppText.actionContinue.text()) { Task { await model.review(linkId: linkId ?? "", amount: amount) } }
                        .disabled(amount.isEmpty || model.state != .idle)
                }
                if let linkId {
                    Section {
                        Button(AppText.withdrawUnlink.text(), role: .destructive) { Task { await model.unlink(linkId: linkId) } }
                            .disabled(model.state != .idle)
                    }
                }
            case .reviewing(let review), .withdrawing(let review):
                Section(AppText.withdrawReview.text()) {
                    LabeledContent(AppText.withdrawTo.text(), value: review.accountText)
                    LabeledContent(AppText.withdrawToBank.text(), value: review.amountText)
                    // The fee by the host's rule and what leaves the wallet, before anything moves.
                    LabeledContent(AppText.fieldFee.text(), value: review.feeText)
                    LabeledContent(AppText.fieldFromWallet.text(), value: review.totalText)
                    Text(verbatim: review.feeNote).font(.caption).foregroundStyle(.secondary)
                }
                Button(AppText.withdrawConfirm.text(review.amountText)) { Task { await model.confirm() } }
                    .buttonStyle(.borderedProminent)
                    .disabled(model.state == .withdrawing(review))
                Button(AppText.actionCancel.text(), role: .cancel) { model.reset() }
                    .disabled(model.state == .withdrawing(review))
            case .done(let receipt):
                Section(AppText.doneSection.text()) {
                    LabeledContent(AppText.withdrawToBank.text(), value: receipt.amountText)
                    if let fee = receipt.feeText { LabeledContent(AppText.fieldFee.text(), value: fee) }
                    LabeledContent(AppText.fieldFromWallet.text(), value: receipt.totalText)
                    if let balance = receipt.balanceText { Text(.balanceNow, balance) }
                    Button(AppText.actionDone.text()) { amount = ""; model.reset() }
                }
            case .unlinked(let link):
                Section(AppText.doneSection.text()) {
                    Text(.withdrawUnlinked, "\(link.bankName) ••••\(link.last4)")
                    Button(AppText.actionOK.text()) { linkId = model.links.first?.id; model.reset() }
                }
            case .failed(let message):
                Section { MessageView(message: message) { model.reset() } }
            }
        }
        .navigationTitle(AppText.withdrawTitle.text())
        .task {
            await model.load()
            if linkId == nil { linkId = model.links.first?.id }
        }
    }
}
