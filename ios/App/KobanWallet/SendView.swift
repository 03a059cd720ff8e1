import SwiftUI
import Koban
import KobanAppModel

/// Send: to a handle (or a recent recipient) or a scanned receive code. The send is shown
/// first (who, and abroad the rate, fee and arrival); money moves only on Confirm.
struct SendView: View {
    @StateObject private var send: Observed<SendModel>
    @State private var recipient = ""
    @State private var amount = ""
    @State private var note = ""

    init(wallet: Wallet, recipient: String = "") {
        _send = StateObject(wrappedValue: Observed(SendModel(wallet: wallet)))
        _recipient = State(initialValue: recipient)
        // A receive code that fixes its amount fills the field.
        if let fixed = SendModel.fixedAmount(recipient) { _amount = State(initialValue: MoneyText.format(fixed)) }
    }

    var body: some View {
        let model = send.model
        NavigationStack {
            Form {
                switch model.state {
                case .editing:
                    form(model)
                case .previewing:
                    ProgressView()
                case .reviewing(let review), .sending(let review):
                    SendReviewSection(review: review)
                    Button(AppText.sendConfirm.text(review.debitText)) { Task { await model.confirm() } }
                        .buttonStyle(.borderedProminent)
                        .disabled(model.state == .sending(review))
                    Button(AppText.actionEdit.text()) { model.edit() }
                        .disabled(model.state == .sending(review))
                case .sent(let receipt):
                    Section(AppText.sendSent.text()) {
                        Text(.sendSentTo, receipt.amountText, receipt.review.displayName)
                        if let r = receipt.review.remittance { Text(.sendTheyReceive, r.receiveText) }
                        Button(AppText.sendMore.text()) { amount = ""; note = ""; model.edit() }
                    }
                case .failed(let message):
                    MessageView(message: message) { model.edit() }
                }
            }
            .navigationTitle(AppText.tabSend.text())
            .task { await model.load() }
        }
    }

    @ViewBuilder
    private func form(_ model: SendModel) -> some View {
        let fixed = SendModel.fixedAmount(recipient) != nil
        Section(AppText.sendTo.text()) {
            TextField(AppText.sendRecipientPlaceholder.text(), text: $recipient)
                .textInputAutocapitalization(.never)
                .autocorrectionDisabled()
            ForEach(model.recipients, id: \.handle) { r in
                Button("\(r.displayName) @\(r.handle)") { recipient = r.handle }
            }
        }
        Section(AppText.fieldAmount.text()) {
            TextField(AppText.fieldAmount.text(), text: $amount).keyboardType(.decimalPad).disabled(fixed)
            TextField(AppText.sendMessage.text(), text: $note)
        }
        if let error = model.formError { Text(verbatim: error.title).foregroundStyle(.red) }
        // A fixed amount is the code's own: the model takes it from the code.
        Button(AppText.actionContinue.text()) {
            Task { await model.review(to: recipient, amount: fixed ? "" : amount, message: note) }
        }
    }
}

/// The send as it will go: to whom, what leaves the wallet and, abroad, what arrives.
struct SendReviewSection: View {
    let review: SendReview

    var body: some View {
        Section(AppText.sendReview.text()) {
            LabeledContent(AppText.sendTo.text(), value: "\(review.displayName) @\(review.handle)")
            LabeledContent(AppText.fieldAmount.text(), value: review.amountText)
            if let note = review.note { LabeledContent(AppText.fieldNote.text(), value: note) }
            if let message = review.message { LabeledContent(AppText.sendMessage.text(), value: message) }
            if let r = review.remittance {
                LabeledContent(AppText.fieldRate.text(), value: r.rateText)
                LabeledContent(AppText.fieldFee.text(), value: r.feeText)
                LabeledContent(AppText.sendTheyReceiveLabel.text(), value: r.receiveText)
                if let arrival = r.arrivalText { LabeledContent(AppText.sendArrives.text(), value: arrival) }
            }
            LabeledContent(AppText.fieldFromWallet.text(), value: review.debitText).font(.headline)
        }
    }
}
