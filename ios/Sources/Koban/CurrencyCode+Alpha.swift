import Foundation

// Hand-written beside the generated bindings: the generated `CurrencyCode` has no raw value.
extension CurrencyCode {
    /// The ISO 4217 alpha code ("JPY", "THB"; "BTC" for Bitcoin), from Koban's table
    /// (`currencyInfo(code:)`), for display and logs where a string is needed.
    public var alpha: String { currencyInfo(code: self).alpha }
}
