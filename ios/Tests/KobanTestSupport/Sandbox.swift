import Foundation
import Koban

/// The sandbox wallet host that scripts/test-swift.sh starts on loopback for the whole run.
///
/// One host serves every test, so each test makes its own wallets with unique handles
/// (`Sandbox.handle`) and never depends on another test's data or order.
public enum Sandbox {
    /// The host's base URL, from `KOBAN_SANDBOX_URL`.
    public static var url: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["KOBAN_SANDBOX_URL"], !url.isEmpty else {
                throw SandboxError.notRunning
            }
            return url
        }
    }

    /// A wallet configuration for the host: short timeouts, so a hung request fails the test instead of the run.
    public static func config() throws -> WalletConfig {
        WalletConfig(hostUrl: try url, timeoutMs: 10_000, maxAttempts: 3)
    }

    /// A handle no other wallet of this run has: `prefix_` and 8 random hex digits.
    public static func handle(_ prefix: String) -> String {
        let suffix = (0..<8).map { _ in String(UInt8.random(in: 0...15), radix: 16) }.joined()
        return "\(prefix)_\(suffix)"
    }

    /// The seeded merchants, as `GET /v1/merchants` lists them.
    public static func merchants() async throws -> [SandboxMerchant] {
        let answer = try await URLSessionTransport().send(
            request: HttpRequest(method: "GET", url: try url + "/v1/merchants", headers: [], body: Data()))
        guard answer.status == 200,
              let doc = try JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
              let list = doc["merchants"] as? [[String: Any]]
        else { throw SandboxError.unexpectedAnswer("GET /v1/merchants: \(answer.status)") }
        return try list.compactMap { m in
            guard let id = m["id"] as? String, let payload = m["static_payload"] as? String,
                  let name = m["name"] as? String, let alpha = m["currency"] as? String,
                  let country = m["country"] as? String
            else { return nil }
            // A currency Koban does not know is the host's mistake: say so rather than drop the merchant.
            let currency = try currencyLookup(code: alpha).code
            return SandboxMerchant(id: id, name: name, country: country, currency: currency, staticPayload: payload)
        }
    }

    /// A one-time token a terminal of merchant `merchantId` enrols with
    /// (`POST /admin/merchants/{id}/enrolment-tokens`; the host runs with `--admin`).
    public static func enrolmentToken(_ merchantId: String) async throws -> String {
        let path = "/admin/merchants/\(merchantId)/enrolment-tokens"
        let answer = try await URLSessionTransport().send(
            request: HttpRequest(method: "POST", url: try url + path, headers: [], body: Data()))
        guard answer.status == 201,
              let doc = try JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
              let token = doc["token"] as? String
        else { throw SandboxError.unexpectedAnswer("POST \(path): \(answer.status)") }
        return token
    }

    /// The static code of the seeded merchant `id` (`m_jp_ramen`, `m_th_somtam`…).
    public static func merchant(_ id: String) async throws -> SandboxMerchant {
        guard let m = try await merchants().first(where: { $0.id == id }) else {
            throw SandboxError.unexpectedAnswer("no seeded merchant \(id)")
        }
        return m
    }
}

/// A merchant the sandbox seeds, with the static code printed on its counter.
public struct SandboxMerchant: Equatable, Sendable {
    /// Merchant id (`m_jp_ramen`).
    public let id: String
    /// Name on the code (`KOBAN RAMEN`).
    public let name: String
    /// Country (ISO 3166-1 alpha-2).
    public let country: String
    /// Currency (the host's ISO 4217 alpha-3 code, as Koban's code).
    public let currency: CurrencyCode
    /// The static EMV code.
    public let staticPayload: String
}

/// Why the sandbox could not be used.
public enum SandboxError: Error, CustomStringConvertible {
    /// `KOBAN_SANDBOX_URL` is not set.
    case notRunning
    /// The host answered something the tests do not expect.
    case unexpectedAnswer(String)

    /// What went wrong, for the test log.
    public var description: String {
        switch self {
        case .notRunning: return "KOBAN_SANDBOX_URL is not set: run the suite with ./scripts/test-swift.sh, which starts the sandbox host"
        case .unexpectedAnswer(let what): return "unexpected answer from the sandbox: \(what)"
        }
    }
}
