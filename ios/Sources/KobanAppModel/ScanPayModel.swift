import Foundation
import Koban

/// One camera frame's luma: the Y plane of the pixel buffer, rows `bytesPerRow` apart.
public struct LumaFrame: Sendable {
    /// The Y plane bytes (at least `bytesPerRow * (height - 1) + width`).
    public let luma: Data
    /// Pixels per row.
    public let width: Int32
    /// Rows.
    public let height: Int32
    /// Bytes from one row to the next (the pixel buffer's bytesPerRow, padding included).
    public let bytesPerRow: Int32
    /// How the frame must turn to appear upright on screen.
    public let rotation: FrameRotation

    /// A frame from the camera's Y plane.
    public init(luma: Data, width: Int32, height: Int32, bytesPerRow: Int32, rotation: FrameRotation) {
        self.luma = luma
        self.width = width
        self.height = height
        self.bytesPerRow = bytesPerRow
        self.rotation = rotation
    }
}

/// Reads codes from camera frames with one `Scanner`, which keeps state across frames (cheap
/// pass every frame, one expensive retry on each miss). Call it off the main thread.
public final class FrameReader: @unchecked Sendable {
    private let scanner = Scanner()

    /// A reader with a fresh scanner.
    public init() {}

    /// The text of every code in `frame`.
    public func read(_ frame: LumaFrame) throws -> [String] {
        try scanner.scanFrame(luma: frame.luma, width: frame.width, height: frame.height, stride: frame.bytesPerRow, rotation: frame.rotation)
            .map(\.text)
    }

    /// The text of every code in a Y plane the caller holds, such as a locked pixel buffer's.
    public func read(luma: UnsafeRawBufferPointer, width: Int32, height: Int32, bytesPerRow: Int32, rotation: FrameRotation) throws -> [String] {
        // Read where it lies: Rust borrows the plane for the call, no copy.
        try scanner.scanFrame(luma: luma, width: width, height: height, stride: bytesPerRow, rotation: rotation).map(\.text)
    }
}

/// A merchant code without an amount: the payer types one in the merchant's currency.
public struct AmountPrompt: Equatable, Sendable {
    /// The scanned code.
    public let payload: String
    /// Merchant name on the code.
    public let merchantName: String?
    /// Merchant city on the code.
    public let merchantCity: String?
    /// Merchant country.
    public let country: String?
    /// The currency to type the amount in (the merchant's).
    public let currency: CurrencyCode
    /// Its symbol, for the text field.
    public let currencySymbol: String
    /// The route chosen for a multi-network code (nil: the code's only or first one).
    public var route: String? = nil
}

/// One way to pay a code that offers several (RuPay or UPI, PromptPay or a card network).
public struct RouteOption: Equatable, Sendable {
    /// Detection's scheme id (`rupay`, `upi`), what `chooseRoute(_:)` takes.
    public let schemeId: String
    /// `RuPay`, `UPI`.
    public let name: String
    /// The account, proxy or merchant id it pays, where the code says.
    public let identifier: String?
}

/// A multi-network code: the payer picks the route before anything is quoted.
public struct RouteChoice: Equatable, Sendable {
    /// The scanned code.
    public let payload: String
    /// Merchant name on the code.
    public let merchantName: String?
    /// The payable routes, in the code's order (the first is the default).
    public let options: [RouteOption]
}

/// A reference the code asks the payer to type (it says `***`).
public struct ReferenceField: Equatable, Sendable {
    /// Which one; the key of the values given to `enterDetails`.
    public let kind: ReferenceKind
    /// `Bill number`, `Mobile number`…
    public let label: String
}

/// A code that asks the payer for more than an amount: references (a bill number, a mobile
/// number…) and/or a tip; and the amount too when it fixes none.
public struct DetailsPrompt: Equatable, Sendable {
    /// The scanned code.
    public let payload: String
    /// The route chosen (nil: the code's only or first one).
    public let route: String?
    /// Merchant name on the code.
    public let merchantName: String?
    /// Merchant country.
    public let country: String?
    /// The merchant's currency (amount and tip are typed in it).
    public let currency: CurrencyCode
    /// Its symbol.
    public let currencySymbol: String
    /// The amount the code fixes; nil asks the payer for one.
    public let fixedAmount: Money?
    /// `¥2,480`, for a fixed amount.
    public let fixedAmountText: String?
    /// The references to ask for, in the code's order.
    public let references: [ReferenceField]
    /// Whether the code invites a tip.
    public let asksTip: Bool
}

/// Everything the payer must see before paying: the merchant, the amount in its currency,
/// and what leaves the wallet in the home currency with the fee and rate.
public struct PaymentConfirmation: Equatable, Sendable {
    /// The quote to pay: an object of the core's that the app reads but cannot alter.
    public let quote: PaymentQuote
    /// Merchant name.
    public let merchantName: String
    /// Merchant country.
    public let merchantCountry: String?
    /// Amount plus tip, merchant currency.
    public let merchantAmount: Money
    /// `฿120.00`.
    public let merchantAmountText: String
    /// What leaves the wallet, home currency, fee included.
    public let debit: Money
    /// `¥580`.
    public let debitText: String
    /// The fee, home currency.
    public let fee: Money
    /// `¥50`.
    public let feeText: String
    /// Whether the merchant is paid in another currency (an FX quote applies).
    public let isForeign: Bool
    /// `1 JPY = 0.22655 THB` for a foreign merchant.
    public let rateText: String?
    /// The route paid (`upi`, `jpqr`…).
    public let route: String
    /// The tip (or the code's convenience fee), merchant currency; zero when none.
    public let tip: Money
    /// `฿20.00`, when there is a tip or fee.
    public let tipText: String?
    /// The references sent with the payment (those the payer typed included).
    public let references: [PaymentReference]
}

/// What was paid.
public struct PaymentReceipt: Equatable, Sendable {
    /// The payment as history has it.
    public let transaction: WalletTransaction
    /// What was shown and confirmed.
    public let confirmation: PaymentConfirmation
}

/// Scan & Pay: a frame or scanned text → detection → (amount) → quote → confirmation → payment.
public final class ScanPayModel: ViewModel {
    /// Where the flow is.
    public enum State: Equatable {
        /// Waiting for a code.
        case scanning
        /// Reading the code or asking the host for a quote.
        case resolving
        /// The code offers several routes: the payer picks one first.
        case chooseRoute(RouteChoice)
        /// The code has no amount: ask for one.
        case enterAmount(AmountPrompt)
        /// The code asks for references or a tip (and the amount, if it fixes none).
        case enterDetails(DetailsPrompt)
        /// The quote is ready for the payer to confirm.
        case confirming(PaymentConfirmation)
        /// Paying the confirmed quote.
        case paying(PaymentConfirmation)
        /// Paid.
        case paid(PaymentReceipt)
        /// The code, the amount or the payment was refused.
        case failed(UserMessage)
        /// A friend's receive code: paid by sending to it (the Send screen), not here.
        case personCode(String)
    }

    /// The current state.
    public private(set) var state: State = .scanning { didSet { changed() } }
    /// Why the typed amount was not accepted (the prompt stays open).
    public private(set) var amountError: UserMessage? { didSet { changed() } }
    /// Why the typed details (references, tip, amount) were not accepted (the prompt stays open).
    public private(set) var detailsError: UserMessage? { didSet { changed() } }

    /// Detection's scheme id for a Koban wallet's receive code.
    static let receiveCodeScheme = "koban-receive"

    private let wallet: Wallet
    /// The reader for camera frames; the camera may call it on its own queue (see `found(_:)`).
    public let reader: FrameReader
    private var readingFrame = false
    /// The code whose route the payer is choosing, detected once.
    private var pending: (text: String, detection: Detection)?

    /// Scan & Pay over `wallet`, reading frames with `reader`.
    public init(wallet: Wallet, reader: FrameReader = FrameReader()) {
        self.wallet = wallet
        self.reader = reader
    }

    /// Reads `frame` off the main thread; true when it held a code and the flow moved on.
    /// Frames that arrive while not scanning, or while one is being read, are dropped.
    public func read(frame: LumaFrame) async throws -> Bool {
        guard state == .scanning, !readingFrame else { return false }
        readingFrame = true
        defer { readingFrame = false }
        let reader = self.reader
        let texts = try await Task.detached { try reader.read(frame) }.value
        return await found(texts)
    }

    /// Takes the codes `reader` found in a frame (first one wins); true when the flow moved on.
    /// A camera reads its frames with `reader` on its own queue while it holds the pixels, then
    /// hands the texts here; codes that arrive while not scanning are dropped.
    public func found(_ texts: [String]) async -> Bool {
        guard let text = texts.first, state == .scanning else { return false }
        await scanned(text: text)
        return true
    }

    /// Starts paying a scanned code (from the camera, a photo or a paste).
    public func scanned(text: String) async {
        guard state == .scanning else { return }
        state = .resolving
        let detection: Detection
        do {
            detection = try detect(payload: text)
        } catch {
            state = .failed(UserMessage(error))
            return
        }
        if detection.routes.contains(where: { $0.schemeId == ScanPayModel.receiveCodeScheme }) {
            state = .personCode(text)
            return
        }
        let payable = detection.routes.filter { $0.role == .payable }
        if detection.presentment != .consumer, payable.count > 1 {
            pending = (text: text, detection: detection)
            state = .chooseRoute(RouteChoice(
                payload: text, merchantName: detection.merchant?.name,
                options: payable.map { RouteOption(schemeId: $0.schemeId, name: $0.schemeName, identifier: $0.identifier) }))
            return
        }
        await ask(text, detection, route: nil)
    }

    /// The route the payer picked for a multi-network code (a `RouteOption.schemeId`).
    public func chooseRoute(_ schemeId: String) async {
        guard case .chooseRoute(let choice) = state, let scanned = pending, scanned.text == choice.payload,
              choice.options.contains(where: { $0.schemeId == schemeId })
        else { return }
        pending = nil
        await ask(scanned.text, scanned.detection, route: schemeId)
    }

    /// What to ask the payer for, by the code's rules: references and a tip, an amount, or nothing.
    private func ask(_ text: String, _ detection: Detection, route: String?) async {
        let open = detection.references.filter { $0.value == nil }.map { ReferenceField(kind: $0.kind, label: Self.label($0.kind)) }
        let asksTip = detection.tip == .prompt
        // A code with its amount, or one that is no merchant's (a shopper's code, plain text):
        // no amount to ask for; Koban quotes the first and refuses the others with a typed error.
        guard detection.presentment != .consumer, !detection.routes.isEmpty, let currency = detection.currency else {
            await quote(PaymentRequest(payload: text, route: route, amount: nil, tip: nil, references: []))
            return
        }
        if !open.isEmpty || asksTip {
            detailsError = nil
            state = .enterDetails(DetailsPrompt(
                payload: text, route: route, merchantName: detection.merchant?.name, country: detection.country,
                currency: currency.code, currencySymbol: currency.symbol, fixedAmount: detection.amount,
                fixedAmountText: detection.amount.map(MoneyText.format), references: open, asksTip: asksTip))
            return
        }
        guard detection.amount == nil else {
            await quote(PaymentRequest(payload: text, route: route, amount: nil, tip: nil, references: []))
            return
        }
        amountError = nil
        state = .enterAmount(AmountPrompt(
            payload: text, merchantName: detection.merchant?.name, merchantCity: detection.merchant?.city,
            country: detection.country, currency: currency.code, currencySymbol: currency.symbol, route: route))
    }

    /// What the payer typed for a code that asks for details: a value for every reference the
    /// prompt lists (none may be left empty), a tip if it invites one (empty: none), and the
    /// amount when the code fixes none. Nothing is quoted until all of it is there.
    public func enterDetails(references: [ReferenceKind: String], tip: String = "", amount: String = "") async {
        guard case .enterDetails(let prompt) = state else { return }
        var given: [PaymentReference] = []
        for field in prompt.references {
            let value = references[field.kind]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !value.isEmpty else {
                detailsError = UserMessage(kind: "missing_reference", title: AppText.scanFillReferenceTitle.text(field.label),
                                           detail: AppText.scanFillReferenceDetail.text(), action: .edit)
                return
            }
            given.append(PaymentReference(kind: field.kind, value: value))
        }
        let typedAmount: Money?
        let typedTip: Money?
        do {
            if prompt.fixedAmount == nil {
                guard !amount.trimmingCharacters(in: .whitespaces).isEmpty else {
                    detailsError = .form(.scanEnterAmountTitle, .scanEnterAmountDetail, kind: "invalid_amount")
                    return
                }
                typedAmount = try MoneyText.parse(amount, currency: prompt.currency)
            } else {
                typedAmount = nil
            }
            let tipText = tip.trimmingCharacters(in: .whitespaces)
            typedTip = prompt.asksTip && !tipText.isEmpty ? try MoneyText.parse(tipText, currency: prompt.currency) : nil
        } catch {
            detailsError = UserMessage(error)
            return
        }
        detailsError = nil
        await quote(PaymentRequest(payload: prompt.payload, route: prompt.route, amount: typedAmount, tip: typedTip, references: given))
    }

    /// The amount the payer typed (`120.00`), in the merchant's currency.
    public func enterAmount(_ text: String) async {
        guard case .enterAmount(let prompt) = state else { return }
        let amount: Money
        do {
            amount = try moneyParseDecimal(text: text.trimmingCharacters(in: .whitespaces), currency: prompt.currency)
        } catch {
            amountError = UserMessage(error)
            return
        }
        amountError = nil
        await quote(PaymentRequest(payload: prompt.payload, route: prompt.route, amount: amount, tip: nil, references: []))
    }

    /// Pays the quote on screen, exactly once.
    public func confirm() async {
        guard case .confirming(let confirmation) = state else { return }
        state = .paying(confirmation)
        do {
            let t = try await wallet.confirmPayment(quote: confirmation.quote)
            state = .paid(PaymentReceipt(transaction: t, confirmation: confirmation))
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    /// Back to the camera (after a payment, a refusal or a cancel).
    public func scanAgain() {
        if case .paying = state { return }
        amountError = nil
        detailsError = nil
        pending = nil
        state = .scanning
    }

    private func quote(_ request: PaymentRequest) async {
        state = .resolving
        do {
            let q = try await wallet.quotePayment(request: request)
            state = .confirming(Self.confirmation(q))
        } catch {
            state = .failed(UserMessage(error))
        }
    }

    static func confirmation(_ q: PaymentQuote) -> PaymentConfirmation {
        PaymentConfirmation(
            quote: q,
            merchantName: q.merchantName() ?? AppText.scanMerchant.text(),
            merchantCountry: q.merchantCountry(),
            merchantAmount: q.total(),
            merchantAmountText: MoneyText.format(q.total()),
            debit: q.debit(),
            debitText: MoneyText.format(q.debit()),
            fee: q.fee(),
            feeText: MoneyText.format(q.fee()),
            isForeign: q.fx() != nil,
            rateText: q.fx().map(MoneyText.rate),
            route: q.route(),
            tip: q.tip(),
            tipText: q.tip().minor == 0 ? nil : MoneyText.format(q.tip()),
            references: q.references()
        )
    }

    /// `Bill number`: how the field for a reference is labelled.
    public static func label(_ kind: ReferenceKind) -> String {
        switch kind {
        case .billNumber: return AppText.refBillNumber.text()
        case .mobileNumber: return AppText.refMobileNumber.text()
        case .storeLabel: return AppText.refStore.text()
        case .loyaltyNumber: return AppText.refLoyaltyNumber.text()
        case .referenceLabel: return AppText.refReference.text()
        case .customerLabel: return AppText.refCustomerNumber.text()
        case .terminalLabel: return AppText.refTerminal.text()
        case .purpose: return AppText.refPurpose.text()
        case .consumerDataRequest: return AppText.refConsumerData.text()
        case .note: return AppText.refNote.text()
        }
    }

    /// `0.2265500000` → `0.22655`: the host's rate string, without trailing zeros (no floats).
    nonisolated static func trimmedDecimal(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }
}
