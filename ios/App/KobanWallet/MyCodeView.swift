import SwiftUI
import UIKit
import Koban
import KobanAppModel

/// My Code: the shopper's code for the till, refreshed by the model at `refreshAt`; the screen
/// is at full brightness with the idle timer off while it is shown. A till charge above the
/// no-confirmation limit is asked about in an alert over the code.
struct MyCodeView: View {
    @StateObject private var code: Observed<MyCodeModel>
    @State private var savedBrightness: CGFloat?

    init(wallet: Wallet) {
        _code = StateObject(wrappedValue: Observed(MyCodeModel(wallet: wallet)))
    }

    var body: some View {
        let model = code.model
        VStack(spacing: 16) {
            switch model.state {
            case .idle, .preparing:
                ProgressView()
            case .showing(let display):
                QRCodeView(matrix: display.matrix).padding()
                if let digits = display.numeric {
                    Text(digits).font(.system(.body, design: .monospaced)).textSelection(.disabled)
                }
                Text(model.isOffline ? .myCodeCodesLeftOffline : .myCodeCodesLeft, String(display.codesLeft))
                    .font(.caption).foregroundStyle(.secondary)
            case .failed(let message):
                MessageView(message: message) { model.stop(); model.start() }
            }
            Toggle(AppText.myCodeBarcodeTill.text(), isOn: Binding(get: { model.numeric }, set: { model.showNumeric($0) }))
                .padding(.horizontal)
            if let outcome = model.chargeOutcome {
                HStack {
                    Text(verbatim: Self.note(outcome)).font(.callout)
                    Button(AppText.actionOK.text()) { model.dismissChargeOutcome() }
                }
            }
        }
        // Dismissing is not an answer: the alert stays while the request waits.
        .alert(
            model.charge.map { AppText.chargeAlertTitle.text($0.amountText) } ?? "",
            isPresented: Binding(get: { model.charge != nil }, set: { _ in }),
            presenting: model.charge
        ) { prompt in
            Button(AppText.chargePay.text()) { Task { await model.approve() } }.disabled(prompt.isAnswering)
            Button(AppText.chargeDecline.text(), role: .cancel) { Task { await model.decline() } }.disabled(prompt.isAnswering)
        } message: { prompt in
            Text(verbatim: AppText.chargeAlertMessage.text(prompt.merchantName, prompt.amountText, String(prompt.secondsLeft))
                 + (prompt.message.map { "\n\($0.title)" } ?? ""))
        }
        .onAppear { model.start() }
        .onDisappear { model.stop() }
        .onChange(of: model.keepScreenBright) { bright in applyBrightness(bright) }
    }

    /// One line on how the last till request ended.
    private static func note(_ outcome: ChargeOutcome) -> String {
        switch outcome {
        case .approved(_, let transaction): return AppText.chargeApproved.text(MoneyText.format(transaction.amount))
        case .declined: return AppText.chargeDeclined.text()
        case .expired: return AppText.chargeExpired.text()
        case .refused(_, let message): return message.title
        }
    }

    private func applyBrightness(_ bright: Bool) {
        if bright {
            savedBrightness = UIScreen.main.brightness
            UIScreen.main.brightness = 1.0
        } else if let saved = savedBrightness {
            UIScreen.main.brightness = saved
            savedBrightness = nil
        }
        UIApplication.shared.isIdleTimerDisabled = bright
    }
}

/// A QR code drawn from Koban's module matrix, with the 4-module quiet zone tills need.
struct QRCodeView: View {
    let matrix: QrMatrix

    var body: some View {
        Canvas { context, size in
            let n = Int(matrix.size)
            let quiet = 4
            let cell = min(size.width, size.height) / CGFloat(n + 2 * quiet)
            var dark = Path()
            for y in 0..<n {
                for x in 0..<n where matrix.modules[y * n + x] {
                    dark.addRect(CGRect(x: CGFloat(x + quiet) * cell, y: CGFloat(y + quiet) * cell, width: cell, height: cell))
                }
            }
            context.fill(Path(CGRect(origin: .zero, size: size)), with: .color(.white))
            context.fill(dark, with: .color(.black))
        }
        .aspectRatio(1, contentMode: .fit)
        .accessibilityLabel(AppText.myCodeAccessibility.text())
    }
}
