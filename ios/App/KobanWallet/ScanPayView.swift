import AVFoundation
import SwiftUI
import Koban
import KobanAppModel

/// Scan & Pay: the camera until a code is read, then the route (for a code several networks
/// can pay), the amount or the details the code asks for, the confirmation (with the debit in
/// the home currency, fee and rate abroad) and the receipt.
struct ScanPayView: View {
    @StateObject private var scan: Observed<ScanPayModel>
    @State private var camera = CameraFrameSource()
    @State private var amount = ""
    @State private var tip = ""
    @State private var references: [ReferenceKind: String] = [:]
    private let wallet: Wallet

    init(wallet: Wallet) {
        self.wallet = wallet
        _scan = StateObject(wrappedValue: Observed(ScanPayModel(wallet: wallet)))
    }

    var body: some View {
        let model = scan.model
        NavigationStack {
            Group {
                switch model.state {
                case .scanning:
                    CameraPreview(session: camera.session).ignoresSafeArea()
                case .resolving, .paying:
                    ProgressView()
                case .chooseRoute(let choice):
                    Form {
                        Section(choice.merchantName ?? AppText.scanMerchant.text()) {
                            Text(.scanChooseRoute)
                            ForEach(choice.options, id: \.schemeId) { option in
                                Button {
                                    Task { await model.chooseRoute(option.schemeId) }
                                } label: {
                                    VStack(alignment: .leading) {
                                        Text(verbatim: option.name)
                                        if let id = option.identifier { Text(verbatim: id).font(.caption).foregroundStyle(.secondary) }
                                    }
                                }
                            }
                        }
                        Button(AppText.actionCancel.text(), role: .cancel) { model.scanAgain() }
                    }
                case .enterAmount(let prompt):
                    Form {
                        Section(prompt.merchantName ?? AppText.scanMerchant.text()) {
                            HStack {
                                Text(verbatim: prompt.currencySymbol)
                                TextField(AppText.scanAmountIn.text(prompt.currency.alpha), text: $amount).keyboardType(.decimalPad)
                            }
                            if let error = model.amountError { Text(verbatim: error.title).foregroundStyle(.red) }
                        }
                        Button(AppText.actionContinue.text()) { Task { await model.enterAmount(amount) } }
                        Button(AppText.actionCancel.text(), role: .cancel) { model.scanAgain() }
                    }
                case .enterDetails(let prompt):
                    DetailsForm(prompt: prompt, error: model.detailsError, amount: $amount, tip: $tip, references: $references,
                                onContinue: { Task { await model.enterDetails(references: references, tip: tip, amount: amount) } },
                                onCancel: { model.scanAgain() })
                case .confirming(let c):
                    ConfirmationView(confirmation: c, onPay: { Task { await model.confirm() } }, onCancel: { model.scanAgain() })
                case .paid(let receipt):
                    VStack(spacing: 12) {
                        Image(systemName: "checkmark.circle.fill").font(.system(size: 56)).foregroundStyle(.green)
                        Text(.scanPaid, receipt.confirmation.merchantAmountText).font(.title2)
                        Text(verbatim: receipt.confirmation.merchantName)
                        if receipt.confirmation.isForeign {
                            Text(.scanFromWalletLine, receipt.confirmation.debitText).foregroundStyle(.secondary)
                        }
                        Button(AppText.actionDone.text()) { model.scanAgain() }.buttonStyle(.borderedProminent)
                    }
                case .failed(let message):
                    MessageView(message: message) { model.scanAgain() }
                case .personCode(let code):
                    SendView(wallet: wallet, recipient: code)
                }
            }
            .navigationTitle(AppText.tabScanPay.text())
        }
        .onAppear {
            camera.reader = model.reader
            camera.onCodes = { [weak model, weak camera] texts in
                Task { @MainActor in
                    _ = await model?.found(texts)
                    camera?.done()
                }
            }
            try? camera.configure()
            camera.start()
        }
        .onDisappear { camera.stop() }
        .onChange(of: model.state) { state in
            if state == .scanning {
                amount = ""
                tip = ""
                references = [:]
            }
        }
    }
}

/// A code that asks for references (a bill number, a mobile number…), a tip, and the amount
/// when it fixes none. Every reference must be filled before anything is quoted.
struct DetailsForm: View {
    let prompt: DetailsPrompt
    let error: UserMessage?
    @Binding var amount: String
    @Binding var tip: String
    @Binding var references: [ReferenceKind: String]
    let onContinue: () -> Void
    let onCancel: () -> Void

    var body: some View {
        Form {
            Section(prompt.merchantName ?? AppText.scanMerchant.text()) {
                if let fixed = prompt.fixedAmountText {
                    LabeledContent(AppText.fieldAmount.text(), value: fixed)
                } else {
                    HStack {
                        Text(verbatim: prompt.currencySymbol)
                        TextField(AppText.scanAmountIn.text(prompt.currency.alpha), text: $amount).keyboardType(.decimalPad)
                    }
                }
            }
            if !prompt.references.isEmpty {
                Section(AppText.scanShopAsks.text()) {
                    ForEach(prompt.references, id: \.kind) { field in
                        TextField(field.label, text: Binding(
                            get: { references[field.kind] ?? "" },
                            set: { references[field.kind] = String($0.prefix(25)) }))
                    }
                }
            }
            if prompt.asksTip {
                Section(AppText.scanTip.text()) {
                    HStack {
                        Text(verbatim: prompt.currencySymbol)
                        TextField(AppText.scanTipOptional.text(), text: $tip).keyboardType(.decimalPad)
                    }
                }
            }
            if let error {
                Text(verbatim: error.title).foregroundStyle(.red)
            }
            Button(AppText.actionContinue.text(), action: onContinue)
            Button(AppText.actionCancel.text(), role: .cancel, action: onCancel)
        }
    }
}

/// What the payer sees before paying.
struct ConfirmationView: View {
    let confirmation: PaymentConfirmation
    let onPay: () -> Void
    let onCancel: () -> Void

    var body: some View {
        Form {
            Section(confirmation.merchantName) {
                LabeledContent(AppText.fieldAmount.text(), value: confirmation.merchantAmountText)
                if let tip = confirmation.tipText { LabeledContent(AppText.scanTip.text(), value: tip) }
                LabeledContent(AppText.scanRoute.text(), value: confirmation.route)
                ForEach(Array(confirmation.references.enumerated()), id: \.offset) { _, r in
                    LabeledContent(ScanPayModel.label(r.kind), value: r.value)
                }
                if confirmation.isForeign {
                    if let rate = confirmation.rateText { LabeledContent(AppText.fieldRate.text(), value: rate) }
                    LabeledContent(AppText.fieldFee.text(), value: confirmation.feeText)
                }
                LabeledContent(AppText.fieldFromWallet.text(), value: confirmation.debitText).font(.headline)
            }
            Button(AppText.scanPay.text(confirmation.debitText), action: onPay).buttonStyle(.borderedProminent)
            Button(AppText.actionCancel.text(), role: .cancel, action: onCancel)
        }
    }
}
