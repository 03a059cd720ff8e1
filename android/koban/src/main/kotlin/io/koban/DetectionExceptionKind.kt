package io.koban

/**
 * The core's stable snake_case kind of this refusal ("crc_mismatch", "expired"…), for logs
 * and analytics; apps branch on the subclass itself.
 */
// Hand-written beside the generated bindings: a flat uniffi error carries only its message.
// The `when` is exhaustive, so a new variant does not compile until it is named here, and
// the Kotlin tests check every kind against the Rust list (testHookDetectionErrorKinds).
val DetectionException.kind: String
    get() = when (this) {
        is DetectionException.Empty -> "empty"
        is DetectionException.MalformedTlv -> "malformed_tlv"
        is DetectionException.MissingPayloadFormatIndicator -> "missing_payload_format_indicator"
        is DetectionException.Malformed -> "malformed"
        is DetectionException.CrcMismatch -> "crc_mismatch"
        is DetectionException.MissingCrc -> "missing_crc"
        is DetectionException.CrcNotLast -> "crc_not_last"
        is DetectionException.EmptyValue -> "empty_value"
        is DetectionException.GuidTooLong -> "guid_too_long"
        is DetectionException.DuplicateTag -> "duplicate_tag"
        is DetectionException.InvalidPointOfInitiation -> "invalid_point_of_initiation"
        is DetectionException.UnsupportedFormatIndicator -> "unsupported_format_indicator"
        is DetectionException.InvalidAmount -> "invalid_amount"
        is DetectionException.CurrencyMismatch -> "currency_mismatch"
        is DetectionException.Expired -> "expired"
        is DetectionException.MissingExpiration -> "missing_expiration"
        is DetectionException.InvalidTimestamp -> "invalid_timestamp"
        is DetectionException.MissingField -> "missing_field"
        is DetectionException.BadChecksum -> "bad_checksum"
        is DetectionException.MixedCase -> "mixed_case"
    }
