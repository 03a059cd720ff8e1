import Foundation
import Koban

/// An error as the user reads it: a short title the app writes, Koban's own readable
/// sentence, and what the screen can offer next.
public struct UserMessage: Equatable, Sendable {
    /// What the user can do about it.
    public enum Action: Equatable, Sendable {
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
    }

    /// The stable kind (`insufficient_funds`, `crc_mismatch`, `invalid_amount`…), for analytics and tests.
    public let kind: String
    /// The headline.
    public let title: String
    /// Koban's message (the Rust `Display`, free of personal data).
    public let detail: String
    /// The offered next step, if any.
    public let action: Action?

    /// A message from its parts.
    public init(kind: String, title: String, detail: String, action: Action?) {
        self.kind = kind
        self.title = title
        self.detail = detail
        self.action = action
    }

    /// The message for any error a Koban call threw.
    public init(_ error: Error) {
        switch error {
        case let e as WalletError:
            let (title, action) = Self.wallet(e.kind)
            self.init(kind: e.kind, title: title, detail: e.message, action: action)
        case let e as DetectionError:
            self.init(kind: e.kind, title: "Can't read this code", detail: e.message, action: .scanAgain)
        case KobanError.InvalidAmount(let message):
            self.init(kind: "invalid_amount", title: "Check the amount", detail: message, action: .edit)
        case KobanError.InvalidInput(let message):
            self.init(kind: "invalid_input", title: "Check the details", detail: message, action: .edit)
        case let e as KobanError:
            self.init(kind: "internal", title: "Something went wrong", detail: e.message, action: .retry)
        default:
            self.init(kind: "internal", title: "Something went wrong", detail: error.localizedDescription, action: .retry)
        }
    }

    // Exhaustive over the kinds apps treat differently; the rest share a generic title.
    private static func wallet(_ kind: String) -> (String, Action?) {
        switch kind {
        case "insufficient_funds": return ("Not enough money", .topUp)
        case "limit_exceeded": return ("Over your limit", .verifyIdentity)
        case "kyc_required": return ("Verify your identity first", .verifyIdentity)
        case "quote_expired", "quote_used", "quote_mismatch", "quote_required":
            return ("The price has changed", .scanAgain)
        case "amount_mismatch", "currency_mismatch", "invalid_input":
            return ("Check the details", .edit)
        case "missing_reference": return ("Fill in what the shop asks for", .edit)
        case "invalid_payload", "unknown_merchant", "route_mismatch", "not_payable", "unreadable_code":
            return ("Can't pay this code", .scanAgain)
        case "code_already_paid": return ("Already paid", .scanAgain)
        case "unsupported_corridor": return ("Not available for this country", nil)
        case "unknown_recipient": return ("No one has that handle or code", .edit)
        case "handle_taken": return ("That handle is taken", .edit)
        case "outcome_unknown": return ("Not confirmed yet", .retry)
        case "unavailable": return ("You're offline", .retry)
        case "no_codes_left": return ("No codes left", .goOnline)
        case "not_enrolled": return ("Set up your wallet first", nil)
        case "key_store": return ("Your wallet is locked", .retry)
        // Till charges answered on the phone: retrying cannot bring the request back.
        case "charge_expired": return ("The request timed out", nil)
        case "charge_not_pending": return ("Already answered", nil)
        case "code_revoked": return ("This code was blocked", nil)
        case "device_revoked": return ("This phone was removed from your wallet", nil)
        // Money requests and bank links: the host's answer stands (paid already, lapsed, unlinked).
        case "bad_request": return ("Can't do that now", nil)
        case "not_found": return ("Not found", nil)
        case "forbidden", "unauthorized": return ("Not allowed", nil)
        default: return ("Something went wrong", .retry)
        }
    }
}

extension UserMessage {
    /// A form field left empty or wrong, before anything is sent.
    static func form(_ title: String, _ detail: String, kind: String = "invalid_input") -> UserMessage {
        UserMessage(kind: kind, title: title, detail: detail, action: .edit)
    }

    /// The wallet has no profile yet.
    static let notEnrolled = UserMessage(WalletError.NotEnrolled(message: "this device is not enrolled yet"))
}

/// Display text for money, from Koban's formatter (integer minor units throughout).
public enum MoneyText {
    /// The amount a user typed (`5000`, `5,000`, `120.50`) in `currency`; Koban's error when it is not one.
    static func parse(_ text: String, currency: String) throws -> Money {
        try moneyParseDecimal(text: text.replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces), currency: currency)
    }

    /// `1 JPY = 0.22655 THB`: a host rate (foreign units per home unit) without trailing zeros.
    static func rate(_ quote: FxQuote) -> String {
        "1 \(quote.total().currency) = \(ScanPayModel.trimmedDecimal(quote.rate())) \(quote.receive().currency)"
    }

    /// `within 15 min`, `within 2 h`: a delivery estimate in seconds.
    static func arrival(_ secs: Int64?) -> String? {
        guard let secs, secs >= 0 else { return nil }
        if secs < 60 { return "within a minute" }
        if secs < 3_600 { return "within \((secs + 59) / 60) min" }
        return "within \((secs + 3_599) / 3_600) h"
    }

    /// `¥1,200`, `฿120.00`; the bare amount and code if Koban does not know the currency.
    public static func format(_ money: Money) -> String {
        (try? moneyFormat(money: money)) ?? "\(money.minor) \(money.currency)"
    }

    /// `+¥5,000` for money in, `−¥1,200` for money out.
    public static func signed(_ money: Money, direction: Direction) -> String {
        // Amounts in history are positive; the sign comes from the direction alone.
        let magnitude = Money(minor: money.minor == .min ? .max : abs(money.minor), currency: money.currency)
        return (direction == .in ? "+" : "\u{2212}") + format(magnitude)
    }
}
