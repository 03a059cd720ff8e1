import Foundation

// Hand-written beside the generated bindings: a flat uniffi error carries only its message.
// The switches are exhaustive, so a new variant does not compile until it is named here.
extension TerminalError: LocalizedError {
    /// The stable snake_case kind of this error ("refund_exceeds_payment", "code_used"…), for logs.
    public var kind: String {
        switch self {
        case .InvalidPayload: return "invalid_payload"
        case .CodeExpired: return "code_expired"
        case .CodeUsed: return "code_used"
        case .BadCryptogram: return "bad_cryptogram"
        case .UnknownToken: return "unknown_token"
        case .CodeRevoked: return "code_revoked"
        case .InsufficientFunds: return "insufficient_funds"
        case .LimitExceeded: return "limit_exceeded"
        case .ChargeExpired: return "charge_expired"
        case .CurrencyMismatch: return "currency_mismatch"
        case .RefundExceedsPayment: return "refund_exceeds_payment"
        case .NotRefundable: return "not_refundable"
        case .IdempotencyKeyReused: return "idempotency_key_reused"
        case .AlreadyEnrolled: return "already_enrolled"
        case .BadEnrolmentToken: return "bad_enrolment_token"
        case .UnknownTerminal: return "unknown_terminal"
        case .Unauthorized: return "unauthorized"
        case .UnknownMerchant: return "unknown_merchant"
        case .NotFound: return "not_found"
        case .Forbidden: return "forbidden"
        case .BadRequest: return "bad_request"
        case .Refused: return "refused"
        case .OutcomeUnknown: return "outcome_unknown"
        case .NotEnrolled: return "not_enrolled"
        case .InvalidInput: return "invalid_input"
        case .KeyStore: return "key_store"
        case .Storage: return "storage"
        case .Internal: return "internal"
        }
    }

    /// The readable message Koban produced for this error (its Rust `Display` text).
    public var message: String {
        switch self {
        case .InvalidPayload(let message), .CodeExpired(let message), .CodeUsed(let message),
             .BadCryptogram(let message), .UnknownToken(let message), .CodeRevoked(let message),
             .InsufficientFunds(let message), .LimitExceeded(let message),
             .ChargeExpired(let message), .CurrencyMismatch(let message),
             .RefundExceedsPayment(let message), .NotRefundable(let message),
             .IdempotencyKeyReused(let message), .AlreadyEnrolled(let message),
             .BadEnrolmentToken(let message), .UnknownTerminal(let message),
             .Unauthorized(let message), .UnknownMerchant(let message), .NotFound(let message),
             .Forbidden(let message), .BadRequest(let message), .Refused(let message),
             .OutcomeUnknown(let message), .NotEnrolled(let message), .InvalidInput(let message),
             .KeyStore(let message), .Storage(let message), .Internal(let message):
            return message
        }
    }

    /// The message, for alerts and `localizedDescription`.
    public var errorDescription: String? { message }
}
