import Foundation
import Koban

/// A consumer code as My Code draws it.
public struct CodeDisplay: Equatable, Sendable {
    /// The QR text (EMVCo consumer-presented, base64).
    public let qrText: String
    /// The 36 digits for barcode tills, in numeric mode.
    public let numeric: String?
    /// The QR modules to draw.
    public let matrix: QrMatrix
    /// When the till stops accepting it, Unix seconds.
    public let expiresAt: UInt64
    /// When a fresh code replaces it, Unix seconds.
    public let refreshAt: UInt64
    /// Codes that can still be made offline.
    public let codesLeft: UInt32
}

/// My Code: the code a shopper shows at the till. It refreshes itself at `refreshAt`, tops
/// up its single-use keys when online, works offline while keys last, and asks the screen to
/// stay bright while shown.
public final class MyCodeModel: ViewModel {
    /// Where the screen is.
    public enum State: Equatable {
        /// Not shown.
        case idle
        /// Getting keys and making the first code.
        case preparing
        /// A code on screen.
        case showing(CodeDisplay)
        /// No code can be made (no keys left offline, locked key store…).
        case failed(UserMessage)
    }

    /// The current state.
    public private(set) var state: State = .idle { didSet { changed() } }
    /// While true the screen keeps full brightness and the idle timer off (tills read better).
    public private(set) var keepScreenBright = false { didSet { changed() } }
    /// Whether codes come with the numeric form for barcode tills.
    public private(set) var numeric = false { didSet { changed() } }
    /// Whether the last attempt to top up keys found no network (codes keep coming offline).
    public private(set) var isOffline = false { didSet { changed() } }

    /// Below this many keys left, the screen asks the host for more while online.
    public static let replenishBelow: UInt32 = 5
    // Never refresh faster than this, whatever the clocks say: each code uses up a key.
    static let minimumRefreshMs: UInt64 = 1_000

    private let wallet: Wallet
    private let clock: AppClock
    private var loop: Task<Void, Never>?

    /// My Code over `wallet`, timed by `clock`.
    public init(wallet: Wallet, clock: AppClock = .system) {
        self.wallet = wallet
        self.clock = clock
    }

    /// Shows a code and keeps it fresh until `stop()`.
    public func start() {
        guard loop == nil else { return }
        keepScreenBright = true
        state = .preparing
        run(replenishFirst: true)
    }

    /// Leaves the screen: no more codes, normal brightness.
    public func stop() {
        loop?.cancel()
        loop = nil
        keepScreenBright = false
        state = .idle
    }

    /// Switches between QR only and QR plus digits; the switch shows a fresh code at once.
    public func showNumeric(_ on: Bool) {
        guard on != numeric else { return }
        numeric = on
        guard loop != nil else { return }
        loop?.cancel()
        run(replenishFirst: false)
    }

    private func run(replenishFirst: Bool) {
        loop = Task { [weak self] in
            if replenishFirst { await self?.replenish() }
            while !Task.isCancelled {
                guard let self, let code = self.nextCode() else { return }
                let wakeMs = code.refreshAt * 1_000
                let now = self.clock.nowMs()
                let waitMs = max(wakeMs > now ? wakeMs - now : 0, Self.minimumRefreshMs)
                do { try await self.clock.sleepMs(waitMs) } catch { return }
                if Task.isCancelled { return }
                if code.codesLeft < Self.replenishBelow { await self.replenish() }
            }
        }
    }

    /// Makes the next code and shows it; nil (and a failed state) when none can be made.
    private func nextCode() -> CodeDisplay? {
        do {
            let c = numeric ? try wallet.consumerCodeNumeric() : try wallet.consumerCode()
            let display = CodeDisplay(qrText: c.qrText, numeric: c.numeric, matrix: c.matrix, expiresAt: c.expiresAt, refreshAt: c.refreshAt, codesLeft: c.codesLeft)
            state = .showing(display)
            return display
        } catch {
            state = .failed(UserMessage(error))
            return nil
        }
    }

    /// Tops up single-use keys when online; offline only sets `isOffline`.
    private func replenish() async {
        do {
            _ = try await wallet.replenishCodes()
            isOffline = false
        } catch let e as WalletError where e.kind == "unavailable" || e.kind == "outcome_unknown" {
            isOffline = true
        } catch {
            // Any other refusal leaves the keys as they are; the codes say when they run out.
            isOffline = false
        }
    }
}
