import Foundation

// uniffi's own conformance would describe errors as `String(reflecting:)` dumps, so
// uniffi.toml turns it off and this one shows the message Koban wrote for users.
extension KobanError: LocalizedError {
    /// The stable snake_case kind of this error ("invalid_amount", "internal"…), for logs and
    /// the apps' texts. Exhaustive: a new variant does not compile until it is named here.
    public var kind: String {
        switch self {
        case .InvalidInput: return "invalid_input"
        case .InvalidAmount: return "invalid_amount"
        case .InvalidConsumerCode: return "invalid_consumer_code"
        case .Platform: return "platform"
        case .Internal: return "internal"
        }
    }

    /// The readable message Koban produced for this error (its Rust `Display` text).
    public var message: String {
        switch self {
        case .InvalidInput(let message), .InvalidAmount(let message), .InvalidConsumerCode(let message),
             .Platform(let message), .Internal(let message):
            return message
        }
    }

    /// The message, for alerts and `localizedDescription`.
    public var errorDescription: String? { message }
}
