import Foundation

// uniffi's own conformance would describe errors as `String(reflecting:)` dumps, so
// uniffi.toml turns it off and this one shows the message Koban wrote for users.
extension KobanError: LocalizedError {
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
