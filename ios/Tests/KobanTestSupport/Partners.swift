import Foundation
import Koban

/// The partner networks (Alipay+, WeChat Pay, UnionPay) the sandbox host started beside itself
/// and acquires tourists' codes through: here the tests play the tourists' phones
/// (`/wallet/v1/users/...`). Seeded users include `li_wei` (Alipay, CNY), `wang_fang`
/// (WeChat Pay) and `liu_yang` (UnionPay).
public enum Partners {
    /// The networks' base URL, from `KOBAN_PARTNERS_URL`.
    public static var url: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["KOBAN_PARTNERS_URL"], !url.isEmpty else {
                throw SandboxError.unexpectedAnswer(
                    "KOBAN_PARTNERS_URL is not set: run the suite with ./scripts/test-swift.sh, which starts the partner networks")
            }
            return url
        }
    }

    /// A fresh payment code on `user`'s phone, to show at the till.
    public static func code(_ user: String) async throws -> String {
        let path = "/wallet/v1/users/\(user)/codes"
        let answer = try await URLSessionTransport().send(
            request: HttpRequest(method: "POST", url: try url + path, headers: [], body: Data()))
        guard (200...201).contains(answer.status),
              let doc = try JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
              let code = doc["code"] as? String
        else { throw SandboxError.unexpectedAnswer("POST \(path): \(answer.status)") }
        return code
    }

    /// `user`'s balance: minor units of their wallet's currency, and that currency.
    public static func balance(_ user: String) async throws -> Money {
        let path = "/wallet/v1/users/\(user)"
        let answer = try await URLSessionTransport().send(
            request: HttpRequest(method: "GET", url: try url + path, headers: [], body: Data()))
        guard answer.status == 200,
              let doc = try JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
              let balance = doc["balance"] as? [String: Any],
              let value = (balance["value"] as? NSNumber)?.int64Value,
              let currency = balance["currency"] as? String
        else { throw SandboxError.unexpectedAnswer("GET \(path): \(answer.status)") }
        return Money(minor: value, currency: try currencyLookup(code: currency).code)
    }
}
