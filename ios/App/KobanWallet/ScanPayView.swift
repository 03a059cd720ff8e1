import AVFoundation
import SwiftUI
import Koban
import KobanAppModel

/// Scan & Pay: the camera until a code is read, then the amount, the confirmation (with the
/// debit in the home currency, fee and rate abroad) and the receipt.
struct ScanPayView: View {
    @StateObject private var scan: Observed<ScanPayModel>
    @State private var camera = CameraFrameSource()
    @State private var amount = ""
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
                case .enterAmount(let prompt):
                    Form {
                        Section(prompt.merchantName ?? "Merchant") {
                            HStack {
                                Text(prompt.currencySymbol)
                                TextField("Amount in \(prompt.currency)", text: $amount).keyboardType(.decimalPad)
                            }
                            if let error = model.amountError { Text(error.detail).foregroundStyle(.red) }
                        }
                        Button("Continue") { Task { await model.enterAmount(amount) } }
                        Button("Cancel", role: .cancel) { model.scanAgain() }
                    }
                case .confirming(let c):
                    ConfirmationView(confirmation: c, onPay: { Task { await model.confirm() } }, onCancel: { model.scanAgain() })
                case .paid(let receipt):
                    VStack(spacing: 12) {
                        Image(systemName: "checkmark.circle.fill").font(.system(size: 56)).foregroundStyle(.green)
                        Text("Paid \(receipt.confirmation.merchantAmountText)").font(.title2)
                        Text(receipt.confirmation.merchantName)
                        if receipt.confirmation.isForeign { Text("\(receipt.confirmation.debitText) from your wallet").foregroundStyle(.secondary) }
                        Button("Done") { model.scanAgain() }.buttonStyle(.borderedProminent)
                    }
                case .failed(let message):
                    MessageView(message: message) { model.scanAgain() }
                case .personCode(let code):
                    SendView(wallet: wallet, recipient: code)
                }
            }
            .navigationTitle("Scan & Pay")
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
            if state == .scanning { amount = "" }
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
                LabeledContent("Amount", value: confirmation.merchantAmountText)
                if confirmation.isForeign {
                    if let rate = confirmation.rateText { LabeledContent("Rate", value: rate) }
                    LabeledContent("Fee", value: confirmation.feeText)
                }
                LabeledContent("From your wallet", value: confirmation.debitText).font(.headline)
            }
            Button("Pay \(confirmation.debitText)", action: onPay).buttonStyle(.borderedProminent)
            Button("Cancel", role: .cancel, action: onCancel)
        }
    }
}
