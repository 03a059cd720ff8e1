import Foundation

// Hand-written beside the generated bindings: a flat uniffi error carries only its message.
// The switches are exhaustive, so a new variant does not compile until it is named here.
extension WalletError: LocalizedError {
    /// The stable snake_case kind of this error ("insufficient_funds", "outcome_unknown"…), for logs.
    public var kind: String {
        switch self {
        case .InsufficientFunds: return "insufficient_funds"
        case .LimitExceeded: return "limit_exceeded"
        case .KycRequired: return "kyc_required"
        case .QuoteExpired: return "quote_expired"
        case .QuoteUsed: return "quote_used"
        case .QuoteMismatch: return "quote_mismatch"
        case .QuoteRequired: return "quote_required"
        case .AmountMismatch: return "amount_mismatch"
        case .RouteMismatch: return "route_mismatch"
        case .InvalidPayload: return "invalid_payload"
        case .UnknownMerchant: return "unknown_merchant"
        case .CodeAlreadyPaid: return "code_already_paid"
        case .CurrencyMismatch: return "currency_mismatch"
        case .UnsupportedCorridor: return "unsupported_corridor"
        case .UnknownRecipient: return "unknown_recipient"
        case .HandleTaken: return "handle_taken"
        case .AlreadyEnrolled: return "already_enrolled"
        case .BadRequest: return "bad_request"
        case .NotFound: return "not_found"
        case .Forbidden: return "forbidden"
        case .Unauthorized: return "unauthorized"
        case .ChargeExpired: return "charge_expired"
        case .ChargeNotPending: return "charge_not_pending"
        case .RequestNotPending: return "request_not_pending"
        case .DeviceRevoked: return "device_revoked"
        case .CodeRevoked: return "code_revoked"
        case .Refused: return "refused"
        case .OutcomeUnknown: return "outcome_unknown"
        case .Unavailable: return "unavailable"
        case .NotEnrolled: return "not_enrolled"
        case .InvalidInput: return "invalid_input"
        case .MissingReference: return "missing_reference"
        case .NotPayable: return "not_payable"
        case .UnreadableCode: return "unreadable_code"
        case .NoCodesLeft: return "no_codes_left"
        case .KeyStore: return "key_store"
        case .Storage: return "storage"
        case .Internal: return "internal"
        }
    }

    /// The readable message Koban produced for this error (its Rust `Display` text).
    public var message: String {
        switch self {
        case .InsufficientFunds(let message), .LimitExceeded(let message),
             .KycRequired(let message), .QuoteExpired(let message), .QuoteUsed(let message),
             .QuoteMismatch(let message), .QuoteRequired(let message),
             .AmountMismatch(let message), .RouteMismatch(let message),
             .InvalidPayload(let message), .UnknownMerchant(let message),
             .CodeAlreadyPaid(let message), .CurrencyMismatch(let message),
             .UnsupportedCorridor(let message), .UnknownRecipient(let message),
             .HandleTaken(let message), .AlreadyEnrolled(let message), .BadRequest(let message),
             .NotFound(let message), .Forbidden(let message), .Unauthorized(let message),
             .ChargeExpired(let message), .ChargeNotPending(let message), .RequestNotPending(let message),
             .DeviceRevoked(let message), .CodeRevoked(let message),
             .Refused(let message), .OutcomeUnknown(let message), .Unavailable(let message),
             .NotEnrolled(let message), .InvalidInput(let message), .MissingReference(let message),
             .NotPayable(let message), .UnreadableCode(let message), .NoCodesLeft(let message),
             .KeyStore(let message), .Storage(let message), .Internal(let message):
            return message
        }
    }

    /// The message, for alerts and `localizedDescription`.
    public var errorDescription: String? { message }
}
