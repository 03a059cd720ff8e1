import Foundation
import Koban
import KobanAppModel
import KobanTestSupport

/// An enrolled wallet and its handle.
struct HomeWallet {
    let wallet: Wallet
    let handle: String
}

/// Opens and enrols a wallet at home in `country` (JP, TH…) with a unique handle starting with `prefix`.
func homeWallet(_ prefix: String, in dir: TemporaryDirectory, country: String, transport: HttpTransport? = nil) async throws -> HomeWallet {
    let handle = Sandbox.handle(prefix)
    let keys = TestKeyStore(secret: UInt8.random(in: 1...255))
    let db = dir.db(handle)
    let wallet = try await Wallet.open(dbPath: db, keyStore: keys, config: try Sandbox.config(), transport: transport, logger: nil)
    _ = try await wallet.enrol(enrolment: Enrolment(country: country, handle: handle, displayName: prefix.capitalized))
    return HomeWallet(wallet: wallet, handle: handle)
}

/// Passes the sandbox's identity check, which remittances need.
func verified(_ wallet: Wallet) async throws {
    _ = try await wallet.verifyIdentity(identity: Identity(legalName: "TANAKA AIKO", dateOfBirth: "1990-04-01", documentNumber: "TK1234567"))
}

/// Every history entry of `kind`, from the local history.
func entries(_ wallet: Wallet, kind: TransactionKind) async throws -> [WalletTransaction] {
    try await wallet.history(limit: 200, cursor: nil).items.filter { $0.kind == kind }
}

/// The app's URLSession stack, keeping the bodies of the requests to `path` that the host accepted.
final class BodyRecorder: HttpTransport, @unchecked Sendable {
    private let inner = URLSessionTransport()
    private let path: String
    private let lock = NSLock()
    private var _bodies: [Data] = []

    init(path: String) { self.path = path }

    /// The bodies sent to `path` and answered 2xx, as JSON objects.
    var accepted: [[String: Any]] {
        lock.lock()
        defer { lock.unlock() }
        return _bodies.compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
    }

    func send(request: HttpRequest) async throws -> HttpResponse {
        let response = try await inner.send(request: request)
        if URLComponents(string: request.url)?.path == path, (200..<300).contains(response.status) {
            lock.lock()
            _bodies.append(request.body)
            lock.unlock()
        }
        return response
    }
}

/// An EMV merchant code as a shop's printer would make it (tag, length, value; CRC-16/CCITT-FALSE
/// in tag 63), for codes the sandbox does not seed: a tip prompt, a bill number to type.
func emvCode(_ fields: [(String, String)]) -> String {
    let body = fields.map { tlv($0.0, $0.1) }.joined() + "6304"
    var crc: UInt16 = 0xFFFF
    for byte in body.utf8 {
        crc ^= UInt16(byte) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
    }
    let hex = String(crc, radix: 16, uppercase: true)
    return body + String(repeating: "0", count: 4 - hex.count) + hex
}

/// One EMV field: two-digit tag, two-digit length, value.
func tlv(_ tag: String, _ value: String) -> String {
    let n = value.utf8.count
    return tag + (n < 10 ? "0\(n)" : "\(n)") + value
}

/// A double tap: calls `confirm`, and taps it again from the model's own change announcement
/// as soon as `inFlight` says the first call is under way, so the second tap lands while the
/// first one's money-moving call is out. True when the second tap happened in flight.
@MainActor
func doubleTap(_ model: ViewModel, inFlight: @escaping @MainActor () -> Bool, _ confirm: @escaping @MainActor () async -> Void) async -> Bool {
    var second: Task<Void, Never>?
    let observation = model.observe {
        if second == nil, inFlight() { second = Task { @MainActor in await confirm() } }
    }
    await confirm()
    await second?.value
    observation.cancel()
    return second != nil
}
