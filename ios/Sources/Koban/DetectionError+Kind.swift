import Foundation

// Hand-written beside the generated bindings: a flat uniffi error carries only its message.
// The switches are exhaustive, so a new variant does not compile until it is named here, and
// the Swift tests check every kind against the Rust list (testHookDetectionErrorKinds).
extension DetectionError: LocalizedError {
    /// The core's stable snake_case kind of this refusal ("crc_mismatch", "expired"…), for logs.
    public var kind: String {
        switch self {
        case .Empty: return "empty"
        case .MalformedTlv: return "malformed_tlv"
        case .MissingPayloadFormatIndicator: return "missing_payload_format_indicator"
        case .Malformed: return "malformed"
        case .CrcMismatch: return "crc_mismatch"
        case .MissingCrc: return "missing_crc"
        case .CrcNotLast: return "crc_not_last"
        case .EmptyValue: return "empty_value"
        case .GuidTooLong: return "guid_too_long"
        case .DuplicateTag: return "duplicate_tag"
        case .InvalidPointOfInitiation: return "invalid_point_of_initiation"
        case .UnsupportedFormatIndicator: return "unsupported_format_indicator"
        case .InvalidAmount: return "invalid_amount"
        case .CurrencyMismatch: return "currency_mismatch"
        case .Expired: return "expired"
        case .MissingExpiration: return "missing_expiration"
        case .InvalidTimestamp: return "invalid_timestamp"
        case .MissingField: return "missing_field"
        case .BadChecksum: return "bad_checksum"
        case .MixedCase: return "mixed_case"
        }
    }

    /// The readable message Koban produced for this refusal (the core's `Display` text).
    public var message: String {
        switch self {
        case .Empty(let m), .MalformedTlv(let m), .MissingPayloadFormatIndicator(let m), .Malformed(let m),
             .CrcMismatch(let m), .MissingCrc(let m), .CrcNotLast(let m), .EmptyValue(let m),
             .GuidTooLong(let m), .DuplicateTag(let m), .InvalidPointOfInitiation(let m),
             .UnsupportedFormatIndicator(let m), .InvalidAmount(let m), .CurrencyMismatch(let m),
             .Expired(let m), .MissingExpiration(let m), .InvalidTimestamp(let m), .MissingField(let m),
             .BadChecksum(let m), .MixedCase(let m):
            return m
        }
    }

    /// The message, for alerts and `localizedDescription`.
    public var errorDescription: String? { message }
}
