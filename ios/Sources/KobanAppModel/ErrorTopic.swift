import Foundation
import Koban

/// What an error tells the user: each error kind belongs to one topic, which has a title, an
/// explanation (`error.<topic>.title` / `.detail` in the string tables) and a next step.
///
/// The mappings below are exhaustive switches over the error enums, with no default: a new
/// error variant does not compile until it is given a topic, and the tests check that every
/// kind Koban lists has a text in every language.
public enum ErrorTopic: String, CaseIterable, Sendable {
    case insufficientFunds = "insufficient_funds"
    case limitExceeded = "limit_exceeded"
    case kycRequired = "kyc_required"
    case priceChanged = "price_changed"
    case checkDetails = "check_details"
    case checkAmount = "check_amount"
    case missingReference = "missing_reference"
    case cannotPayCode = "cannot_pay_code"
    case unreadableCode = "unreadable_code"
    case codeExpired = "code_expired"
    case alreadyPaid = "already_paid"
    case codeUsed = "code_used"
    case unsupportedCorridor = "unsupported_corridor"
    case unknownRecipient = "unknown_recipient"
    case handleTaken = "handle_taken"
    case outcomeUnknown = "outcome_unknown"
    case offline
    case noCodesLeft = "no_codes_left"
    case notEnrolled = "not_enrolled"
    case alreadyEnrolled = "already_enrolled"
    case locked
    case chargeExpired = "charge_expired"
    case alreadyAnswered = "already_answered"
    case requestNotPending = "request_not_pending"
    case codeRevoked = "code_revoked"
    case deviceRevoked = "device_revoked"
    case refused
    case refundTooLarge = "refund_too_large"
    case notRefundable = "not_refundable"
    case notNow = "not_now"
    case notFound = "not_found"
    case notAllowed = "not_allowed"
    case generic

    /// `error.<topic>.title`.
    public var titleKey: TextKey { TextKey(rawValue: "error.\(rawValue).title") }
    /// `error.<topic>.detail`.
    public var detailKey: TextKey { TextKey(rawValue: "error.\(rawValue).detail") }

    /// What the screen offers next.
    public var action: UserMessage.Action? {
        switch self {
        case .insufficientFunds: return .topUp
        case .limitExceeded, .kycRequired: return .verifyIdentity
        case .priceChanged, .cannotPayCode, .unreadableCode, .codeExpired, .alreadyPaid, .codeUsed: return .scanAgain
        case .checkDetails, .checkAmount, .missingReference, .unknownRecipient, .handleTaken: return .edit
        case .outcomeUnknown, .offline, .locked, .generic: return .retry
        case .noCodesLeft: return .goOnline
        // The host's answer stands (answered, lapsed, blocked, removed): retrying cannot change it.
        case .unsupportedCorridor, .notEnrolled, .alreadyEnrolled, .chargeExpired, .alreadyAnswered, .requestNotPending, .codeRevoked,
             .deviceRevoked, .refused, .refundTooLarge, .notRefundable, .notNow, .notFound, .notAllowed:
            return nil
        }
    }

    /// The topic of a wallet error.
    public init(_ e: WalletError) {
        switch e {
        case .InsufficientFunds: self = .insufficientFunds
        case .LimitExceeded: self = .limitExceeded
        case .KycRequired: self = .kycRequired
        case .QuoteExpired, .QuoteUsed, .QuoteMismatch, .QuoteRequired: self = .priceChanged
        case .AmountMismatch, .CurrencyMismatch, .InvalidInput: self = .checkDetails
        case .MissingReference: self = .missingReference
        case .InvalidPayload, .UnknownMerchant, .RouteMismatch, .NotPayable, .UnreadableCode: self = .cannotPayCode
        case .CodeAlreadyPaid: self = .alreadyPaid
        case .UnsupportedCorridor: self = .unsupportedCorridor
        case .UnknownRecipient: self = .unknownRecipient
        case .HandleTaken: self = .handleTaken
        case .AlreadyEnrolled: self = .alreadyEnrolled
        case .BadRequest: self = .notNow
        case .NotFound: self = .notFound
        case .Forbidden, .Unauthorized: self = .notAllowed
        case .ChargeExpired: self = .chargeExpired
        case .ChargeNotPending: self = .alreadyAnswered
        case .RequestNotPending: self = .requestNotPending
        case .DeviceRevoked: self = .deviceRevoked
        case .CodeRevoked: self = .codeRevoked
        case .Refused: self = .refused
        case .OutcomeUnknown: self = .outcomeUnknown
        case .Unavailable: self = .offline
        case .NotEnrolled: self = .notEnrolled
        case .NoCodesLeft: self = .noCodesLeft
        case .KeyStore: self = .locked
        case .Storage, .Internal: self = .generic
        }
    }

    /// The topic of a code that could not be read.
    public init(_ e: DetectionError) {
        switch e {
        case .Expired: self = .codeExpired
        case .Empty, .MalformedTlv, .MissingPayloadFormatIndicator, .Malformed, .CrcMismatch, .MissingCrc,
             .CrcNotLast, .EmptyValue, .GuidTooLong, .DuplicateTag, .InvalidPointOfInitiation,
             .UnsupportedFormatIndicator, .InvalidAmount, .CurrencyMismatch, .MissingExpiration,
             .InvalidTimestamp, .MissingField, .BadChecksum, .MixedCase:
            self = .unreadableCode
        }
    }

    /// The topic of a till (terminal) error.
    public init(_ e: TerminalError) {
        switch e {
        case .InvalidPayload, .UnknownMerchant: self = .cannotPayCode
        case .CodeExpired: self = .codeExpired
        case .CodeUsed: self = .codeUsed
        case .BadCryptogram, .UnknownToken: self = .unreadableCode
        case .CodeRevoked: self = .codeRevoked
        case .InsufficientFunds: self = .insufficientFunds
        case .LimitExceeded: self = .limitExceeded
        case .ChargeExpired: self = .chargeExpired
        case .CurrencyMismatch, .InvalidInput: self = .checkDetails
        case .RefundExceedsPayment: self = .refundTooLarge
        case .NotRefundable: self = .notRefundable
        case .AlreadyEnrolled: self = .alreadyEnrolled
        case .BadEnrolmentToken, .UnknownTerminal, .Unauthorized, .Forbidden: self = .notAllowed
        case .NotFound: self = .notFound
        case .BadRequest: self = .notNow
        case .Refused: self = .refused
        case .OutcomeUnknown: self = .outcomeUnknown
        case .NotEnrolled: self = .notEnrolled
        case .KeyStore: self = .locked
        case .IdempotencyKeyReused, .Storage, .Internal: self = .generic
        }
    }

    /// The topic of an input or platform error.
    public init(_ e: KobanError) {
        switch e {
        case .InvalidAmount: self = .checkAmount
        case .InvalidInput: self = .checkDetails
        case .InvalidConsumerCode: self = .unreadableCode
        case .Platform: self = .locked
        case .Internal: self = .generic
        }
    }
}

/// One line of history, by what the transaction is: `tx.<line>` without a counterparty,
/// `tx.<line>.with` with one (`Payment to %@`).
public enum TransactionLine: String, CaseIterable, Sendable {
    case topUp = "topup"
    case withdrawal
    case payment
    case codePayment = "cpm_charge"
    case refund
    case sent = "p2p_out"
    case received = "p2p_in"
    case remittance
    case remittanceReturned = "remittance_return"
    case moneyIn = "other_in"
    case moneyOut = "other_out"

    /// `tx.<line>`.
    public var key: TextKey { TextKey(rawValue: "tx.\(rawValue)") }
    /// `tx.<line>.with`: the same with the counterparty in `%@`.
    public var keyWithCounterparty: TextKey { TextKey(rawValue: "tx.\(rawValue).with") }

    /// The line of a transaction of `kind` going `direction`.
    public init(kind: TransactionKind, direction: Direction) {
        switch (kind, direction) {
        case (.topUp, _): self = .topUp
        case (.withdrawal, _): self = .withdrawal
        case (.payment, _): self = .payment
        case (.tillCharge, _): self = .codePayment
        case (.refund, _): self = .refund
        case (.transfer, .out): self = .sent
        case (.transfer, .in): self = .received
        case (.remittance, .out): self = .remittance
        case (.remittance, .in): self = .received
        case (.remittanceReturn, _): self = .remittanceReturned
        case (.unknown, .in): self = .moneyIn
        case (.unknown, .out): self = .moneyOut
        }
    }

    /// `Payment to KOBAN RAMEN`: the line of `t` in the current language, from its kind,
    /// direction and counterparty (never the English sentence the core writes).
    public static func text(_ t: WalletTransaction) -> String {
        text(kind: t.kind, direction: t.direction, counterparty: t.counterparty)
    }

    /// The line of a transaction from its parts.
    public static func text(kind: TransactionKind, direction: Direction, counterparty: String?) -> String {
        let line = TransactionLine(kind: kind, direction: direction)
        let l = Localization.current
        guard let who = counterparty, !who.isEmpty else { return l.text(line.key) }
        return l.text(line.keyWithCounterparty, [who])
    }
}
