import Foundation
import Koban

/// Yen in minor units (JPY has no decimals).
public func jpy(_ minor: Int64) -> Money { Money(minor: minor, currency: .jpy) }

/// A key store as an app would write one, for tests: a reversible XOR "wrap" under a device
/// secret, tagged so a blob from another secret is refused, and a switch that makes it
/// throw like a locked Keychain. Given `platformKeys`, it holds the device's signing key the
/// way the Secure Enclave does (non-exportable P-256, DER signatures), through the test hook
/// `TestHookPlatformKeys` (Foundation on Linux has no CryptoKit or Security); without, it
/// holds no signing keys and the wallet keeps a sealed software key.
public final class TestKeyStore: KeyStore, @unchecked Sendable {
    private let secret: UInt8
    /// The platform holding the signing keys, if this "phone" has one.
    public let platformKeys: TestHookPlatformKeys?
    private let lock = NSLock()
    private var _locked = false
    private var _calls = 0

    /// A key store whose blobs only it can unwrap, with signing keys in `platformKeys` if given.
    public init(secret: UInt8, platformKeys: TestHookPlatformKeys? = nil) {
        self.secret = secret
        self.platformKeys = platformKeys
    }

    /// While true, every call throws `PlatformError.Failed`, as a locked device would.
    public var locked: Bool {
        get { sync { _locked } }
        set { sync { _locked = newValue } }
    }

    /// How many times Koban called wrap, unwrap, signingKey or sign.
    public var calls: Int { sync { _calls } }

    /// XORs the key with the secret, behind one tag byte.
    public func wrap(dataKey: Data) throws -> Data {
        try check()
        return Data([secret]) + Data(dataKey.map { $0 ^ secret })
    }

    /// Undoes `wrap`; `BadWrappedKey` for a blob another secret made.
    public func unwrap(wrapped: Data) throws -> Data {
        try check()
        guard let tag = wrapped.first, tag == secret else { throw PlatformError.BadWrappedKey }
        return Data(wrapped.dropFirst().map { $0 ^ secret })
    }

    /// Creates, or finds, the signing key `alias` in the platform; nil without one.
    public func signingKey(alias: String) throws -> Data? {
        try check()
        guard let platformKeys else { return nil }
        do {
            return try platformKeys.signingKey(alias: alias)
        } catch {
            throw PlatformError.Failed(reason: "signing key: \(error)")
        }
    }

    /// Signs `message` with the platform's key `alias` (DER); fails when the platform has none
    /// (a phone whose key was invalidated, or another phone).
    public func sign(alias: String, message: Data) throws -> Data {
        try check()
        guard let platformKeys else { throw PlatformError.Failed(reason: "this key store holds no signing keys") }
        do {
            return try platformKeys.sign(alias: alias, message: message)
        } catch {
            throw PlatformError.Failed(reason: "sign: \(error)")
        }
    }

    private func check() throws {
        let isLocked = sync { () -> Bool in
            _calls += 1
            return _locked
        }
        if isLocked { throw PlatformError.Failed(reason: "errSecInteractionNotAllowed: the device is locked") }
    }

    private func sync<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}

/// Keeps every line Koban logs. `Koban.Logger`: on Apple platforms `os.Logger` has the same name.
public final class RecordingLogger: Koban.Logger, @unchecked Sendable {
    private let lock = NSLock()
    private var _lines: [(LogLevel, String)] = []

    /// An empty log.
    public init() {}

    /// The lines so far, oldest first.
    public var lines: [(level: LogLevel, message: String)] {
        lock.lock()
        defer { lock.unlock() }
        return _lines.map { (level: $0.0, message: $0.1) }
    }

    /// Records one line.
    public func log(level: LogLevel, message: String) throws {
        lock.lock()
        _lines.append((level, message))
        lock.unlock()
    }
}

/// The app's URLSession stack between Koban and the host, recording what it carried, with a
/// switch that makes it fail like a phone with no network.
public final class RecordingTransport: HttpTransport, @unchecked Sendable {
    /// One request carried and what came back.
    public struct Exchange: Equatable, Sendable {
        /// Request method.
        public let method: String
        /// Request path (no host, no query).
        public let path: String
        /// Names of the request headers, lower case.
        public let headerNames: [String]
        /// Answer status.
        public let status: Int32
    }

    private let inner = URLSessionTransport()
    private let lock = NSLock()
    private var _offline = false
    private var _exchanges: [Exchange] = []
    private var _refused: [String] = []

    /// Online until told otherwise.
    public init() {}

    /// While true, every request fails with `PlatformError.Connection` before it leaves the phone.
    public var offline: Bool {
        get { sync { _offline } }
        set { sync { _offline = newValue } }
    }

    /// Requests that reached the host and were answered, in order.
    public var exchanges: [Exchange] { sync { _exchanges } }

    /// Requests refused because the transport was offline.
    public var refused: Int { sync { _refused.count } }

    /// The paths (no host, no query) of the requests refused because the transport was offline, in order.
    public var refusedPaths: [String] { sync { _refused } }

    /// Forwards through URLSession unless offline.
    public func send(request: HttpRequest) async throws -> HttpResponse {
        let path = URLComponents(string: request.url)?.path ?? request.url
        let offline = sync { () -> Bool in
            if _offline { _refused.append(path) }
            return _offline
        }
        if offline { throw PlatformError.Connection(reason: "the Internet connection appears to be offline") }
        let response = try await inner.send(request: request)
        let exchange = Exchange(method: request.method, path: path, headerNames: request.headers.map { $0.name.lowercased() }, status: response.status)
        sync { _exchanges.append(exchange) }
        return response
    }

    private func sync<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}

/// A listener that keeps what arrives (money and till charges to approve), for the test to wait on.
public final class Inbox: WalletListener, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [WalletTransaction] = []
    private var requests: [ChargeRequest] = []
    private var moneyRequests: [MoneyRequest] = []

    /// An empty inbox.
    public init() {}

    /// Called by Koban on its own thread.
    public func onIncoming(transaction: WalletTransaction) throws {
        lock.lock()
        items.append(transaction)
        lock.unlock()
    }

    /// Called by Koban on its own thread when a till charge waits for approval.
    public func onChargeRequest(request: ChargeRequest) throws {
        lock.lock()
        requests.append(request)
        lock.unlock()
    }

    /// Called by Koban on its own thread when a friend asks for money or a request is answered.
    public func onMoneyRequest(request: MoneyRequest) throws {
        lock.lock()
        moneyRequests.append(request)
        lock.unlock()
    }

    /// Every money request heard of so far.
    public var moneyRequestsHeard: [MoneyRequest] {
        lock.lock()
        defer { lock.unlock() }
        return moneyRequests
    }

    /// Every till charge asked about so far.
    public var chargeRequests: [ChargeRequest] {
        lock.lock()
        defer { lock.unlock() }
        return requests
    }

    /// Everything received so far.
    public var received: [WalletTransaction] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }

    /// Waits until `count` transfers have arrived; nil when they do not within `timeout` seconds.
    public func waitFor(_ count: Int, timeout: Double = 20) async -> [WalletTransaction]? {
        await eventually(timeout: timeout) { self.received.count >= count } ? received : nil
    }
}

/// Polls `condition` every 10 ms until it holds (true) or `timeout` seconds pass (false).
public func eventually(timeout: Double = 20, _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(nanoseconds: 10_000_000)
    }
    return await condition()
}

/// A fresh directory for wallet databases, removed with the object.
public final class TemporaryDirectory {
    /// Its location.
    public let url: URL

    /// Creates it under the system's temporary directory.
    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("koban-swift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A database path inside it.
    public func db(_ name: String) -> String { url.appendingPathComponent("\(name).sqlite3").path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// What a test needs of one enrolled wallet.
public struct TestWallet {
    /// The open wallet.
    public let wallet: Wallet
    /// Its unique handle.
    public let handle: String
    /// Its key store, to reopen it.
    public let keyStore: TestKeyStore
    /// Its database.
    public let dbPath: String
}

/// Opens and enrols a JP wallet with a unique handle starting with `prefix`.
public func enrolledWallet(
    _ prefix: String, in dir: TemporaryDirectory, transport: HttpTransport? = nil, logger: Koban.Logger? = nil
) async throws -> TestWallet {
    let handle = Sandbox.handle(prefix)
    let keys = TestKeyStore(secret: UInt8.random(in: 1...255))
    let db = dir.db(handle)
    let wallet = try await Wallet.open(dbPath: db, keyStore: keys, config: try Sandbox.config(), transport: transport, logger: logger)
    _ = try await wallet.enrol(enrolment: Enrolment(country: "JP", handle: handle, displayName: prefix.capitalized))
    return TestWallet(wallet: wallet, handle: handle, keyStore: keys, dbPath: db)
}

/// Links a Sakura sandbox account opening with `bank` yen and tops up `topUp`; returns the link id.
@discardableResult
public func fund(_ wallet: Wallet, topUp: Int64, bank: Int64 = 500_000) async throws -> String {
    let link = try await wallet.linkBank(account: BankAccount(
        bankId: "bank_sakura", accountNumber: "7654321", holderName: "TANAKA AIKO", sandboxOpeningBalance: jpy(bank)))
    if topUp > 0 { _ = try await wallet.topUp(bankLinkId: link.id, amount: jpy(topUp)) }
    return link.id
}

/// Draws `matrix` as a camera's luma plane would hold it: `scale` pixels per module, a
/// 4-module quiet zone, and `pad` bytes of row padding (bytesPerRow > width).
public func renderLuma(_ matrix: QrMatrix, scale: Int, pad: Int) -> (luma: Data, side: Int, stride: Int) {
    let n = Int(matrix.size)
    let side = (n + 8) * scale
    let stride = side + pad
    var luma = [UInt8](repeating: 255, count: stride * side)
    for y in 0..<side {
        for x in 0..<side {
            let (mx, my) = (x / scale - 4, y / scale - 4)
            if mx >= 0, my >= 0, mx < n, my < n, matrix.modules[my * n + mx] { luma[y * stride + x] = 0 }
        }
    }
    return (Data(luma), side, stride)
}
