import Foundation
import Koban

/// An error as the user reads it: a title and an explanation in the user's language, Koban's
/// own sentence for support and logs, and what the screen can offer next.
public struct UserMessage: Equatable, Sendable {
    /// What the user can do about it.
    public enum Action: Equatable, Sendable, CaseIterable {
        /// Try the same thing again (the network may be back).
        case retry
        /// Add money to the wallet.
        case topUp
        /// Verify identity to raise limits.
        case verifyIdentity
        /// Scan the code again (for a fresh quote).
        case scanAgain
        /// Fix what was typed.
        case edit
        /// Connect to the Internet.
        case goOnline

        /// The button's label.
        public var label: String {
            switch self {
            case .retry: return AppText.actionRetry.text()
            case .topUp: return AppText.actionTopUp.text()
            case .verifyIdentity: return AppText.actionVerifyIdentity.text()
            case .scanAgain: return AppText.actionScanAgain.text()
            case .edit: return AppText.actionEdit.text()
            case .goOnline: return AppText.actionOK.text()
            }
        }
    }

    /// The stable kind (`insufficient_funds`, `crc_mismatch`, `invalid_amount`…), for analytics and tests.
    public let kind: String
    /// The headline, in the user's language.
    public let title: String
    /// What happened and what to do, in the user's language.
    public let detail: String
    /// Koban's own message (the Rust `Display`, English, free of personal data), for a
    /// "details" line, support and logs; empty for the app's own form checks.
    public let reason: String
    /// The offered next step, if any.
    public let action: Action?

    /// A message from its parts.
    public init(kind: String, title: String, detail: String, reason: String = "", action: Action?) {
        self.kind = kind
        self.title = title
        self.detail = detail
        self.reason = reason
        self.action = action
    }

    /// The message for `topic` in the current language.
    public init(kind: String, topic: ErrorTopic, reason: String) {
        let l = Localization.current
        self.init(kind: kind, title: l.text(topic.titleKey), detail: l.text(topic.detailKey), reason: reason, action: topic.action)
    }

    /// The message for any error a Koban call threw.
    public init(_ error: Error) {
        switch error {
        case let e as WalletError:
            self.init(kind: e.kind, topic: ErrorTopic(e), reason: e.message)
        case let e as DetectionError:
            self.init(kind: e.kind, topic: ErrorTopic(e), reason: e.message)
        case let e as TerminalError:
            self.init(kind: e.kind, topic: ErrorTopic(e), reason: e.message)
        case let e as KobanError:
            self.init(kind: e.kind, topic: ErrorTopic(e), reason: e.message)
        default:
            self.init(kind: "internal", topic: .generic, reason: error.localizedDescription)
        }
    }
}

extension UserMessage {
    /// A form field left empty or wrong, before anything is sent.
    static func form(_ title: AppText, _ detail: AppText, _ detailArgs: String..., kind: String = "invalid_input") -> UserMessage {
        let l = Localization.current
        return UserMessage(kind: kind, title: l.text(title.key), detail: l.text(detail.key, detailArgs), action: .edit)
    }

    /// The wallet has no profile yet.
    static var notEnrolled: UserMessage { UserMessage(WalletError.NotEnrolled(message: "this device is not enrolled yet")) }
}

/// Display text for money, from Koban's formatter (integer minor units throughout).
public enum MoneyText {
    /// The amount a user typed (`5000`, `5,000`, `120.50`) in `currency`; Koban's error when it is not one.
    static func parse(_ text: String, currency: CurrencyCode) throws -> Money {
        try moneyParseDecimal(text: text.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces), currency: currency)
    }

    /// The amount a user typed, in the wallet's own currency; `nil` before the wallet is enrolled.
    static func parse(_ text: String, in wallet: Wallet) async throws -> Money? {
        guard let currency = try await wallet.profile()?.currency else { return nil }
        return try parse(text, currency: currency)
    }

    /// `1 JPY = 0.22655 THB`: a host rate (foreign units per home unit) without trailing zeros.
    static func rate(_ quote: FxQuote) -> String {
        "1 \(quote.total().currency.alpha) = \(ScanPayModel.trimmedDecimal(quote.rate())) \(quote.receive().currency.alpha)"
    }

    /// `within 15 min`, `within 2 h`: a delivery estimate in seconds.
    static func arrival(_ secs: Int64?) -> String? {
        guard let secs, secs >= 0 else { return nil }
        if secs < 60 { return AppText.arrivalMinute.text() }
        if secs < 3_600 { return AppText.arrivalMinutes.text(String((secs + 59) / 60)) }
        return AppText.arrivalHours.text(String((secs + 3_599) / 3_600))
    }

    /// `¥1,200`, `฿120.00`.
    public static func format(_ money: Money) -> String {
        moneyFormat(money: money)
    }

    /// `+¥5,000` for money in, `−¥1,200` for money out.
    public static func signed(_ money: Money, direction: Direction) -> String {
        // Amounts in history are positive; the sign comes from the direction alone.
        let magnitude = Money(minor: money.minor == .min ? .max : abs(money.minor), currency: money.currency)
        return (direction == .in ? "+" : "\u{2212}") + format(magnitude)
    }
}
