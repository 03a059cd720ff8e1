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
    /// When the till stops accepting it.
    public let expiresAt: Date
    /// When a fresh code replaces it.
    public let refreshAt: Date
    /// Codes that can still be made offline.
    public let codesLeft: Int32
}

/// A till charge above the no-confirmation limit, waiting for the shopper's answer in a dialog.
public struct ChargePrompt: Equatable, Sendable {
    /// The host's charge id.
    public let id: String
    /// The shop whose till asks.
    public let merchantName: String
    /// How much the till asks for, in its currency.
    public let amount: Money
    /// `¥12,000`.
    public let amountText: String
    /// When the answer must be in, Unix milliseconds by this phone's clock.
    public let answerByMs: UInt64
    /// Seconds left to answer, counted down each second; after that nothing is paid.
    public fileprivate(set) var secondsLeft: UInt64
    /// The answer is on its way to the host: the buttons wait.
    public fileprivate(set) var isAnswering = false
    /// Why the last answer did not reach the host (offline); the request still waits.
    public fileprivate(set) var message: UserMessage?
}

/// How the last charge request ended, for a short note under the code.
public enum ChargeOutcome: Equatable {
    /// Approved: the shop was paid once; the transaction is in history.
    case approved(id: String, transaction: WalletTransaction)
    /// Declined: nothing was paid.
    case declined(id: String)
    /// Not answered in time: the host lets it lapse and nothing is paid.
    case expired(id: String)
    /// The host refused the answer (timed out there, already answered, not enough money…).
    case refused(id: String, message: UserMessage)

    /// The charge request this was (the host's charge id).
    public var id: String {
        switch self {
        case .approved(let id, _), .declined(let id), .expired(let id), .refused(let id, _): return id
        }
    }
}

/// My Code: the code a shopper shows at the till. It refreshes itself at `refreshAt`, tops
/// up its single-use keys when online, works offline while keys last, and asks the screen to
/// stay bright while shown. While shown it listens to the host, so a till charge above the
/// no-confirmation limit is asked about at once (`charge`) and answered with `approve()` or
/// `decline()`.
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
    /// The till charge waiting for an answer (oldest first), shown as a dialog over the code.
    public private(set) var charge: ChargePrompt? { didSet { changed() } }
    /// How the last charge request ended, until `dismissChargeOutcome()`.
    public private(set) var chargeOutcome: ChargeOutcome? { didSet { changed() } }

    /// Below this many keys left, the screen asks the host for more while online.
    public static let replenishBelow: Int32 = 5
    // Never refresh faster than this, whatever the clocks say: each code uses up a key.
    static let minimumRefreshMs: UInt64 = 1_000

    private let wallet: Wallet
    private let clock: AppClock
    private let listenWaitSecs: Int64
    private var loop: Task<Void, Never>?
    private var listening: Task<Void, Never>?
    private var countdown: Task<Void, Never>?
    // Requests this screen saw end: never asked about again, even while the wallet still lists them.
    private var settled: Set<String> = []

    /// My Code over `wallet`, timed by `clock`; till charges are long-polled `listenWaitSecs` at a time.
    public init(wallet: Wallet, clock: AppClock = .system, listenWaitSecs: Int64 = 25) {
        self.wallet = wallet
        self.clock = clock
        self.listenWaitSecs = listenWaitSecs
    }

    /// Shows a code and keeps it fresh until `stop()`, and listens for till charges to approve.
    public func start() {
        guard loop == nil else { return }
        keepScreenBright = true
        state = .preparing
        run(replenishFirst: true)
        let events = wallet.events(waitSecs: listenWaitSecs)
        // On the main actor; cancelling the task (stop()) ends the stream and its listen loop.
        listening = Task { [weak self] in
            for await event in events {
                // The wallet's list is the truth (it already holds this request): the prompt is read from it.
                if case .chargeRequested = event { await self?.showChargeRequest() }
            }
        }
        // Requests heard before the screen was shown (by another screen's sync) still wait.
        Task { [weak self] in await self?.showChargeRequest() }
    }

    /// Leaves the screen: no more codes, normal brightness, no listening. A request left
    /// unanswered still waits in the wallet and is asked about again on the next `start()`.
    public func stop() {
        loop?.cancel()
        loop = nil
        listening?.cancel()
        listening = nil
        countdown?.cancel()
        countdown = nil
        charge = nil
        keepScreenBright = false
        state = .idle
    }

    /// Pays the charge on screen, exactly once; the outcome arrives in `chargeOutcome`.
    public func approve() async {
        let wallet = self.wallet
        await answer { id in .approved(id: id, transaction: try await wallet.approveCharge(id: id)) }
    }

    /// Refuses the charge on screen: nothing is paid.
    public func decline() async {
        let wallet = self.wallet
        await answer { id in
            try await wallet.declineCharge(id: id)
            return .declined(id: id)
        }
    }

    /// The note about the last charge was read.
    public func dismissChargeOutcome() {
        chargeOutcome = nil
    }

    private func answer(_ send: (String) async throws -> ChargeOutcome) async {
        guard var asked = charge, !asked.isAnswering else { return }
        asked.isAnswering = true
        asked.message = nil
        charge = asked
        do {
            end(try await send(asked.id))
        } catch let e as WalletError where e.kind == "unavailable" {
            // Nothing reached the host: the request still waits and the buttons work again.
            if charge?.id == asked.id {
                charge?.isAnswering = false
                charge?.message = UserMessage(e)
            }
        } catch {
            // Refused, or an outcome the wallet settles by itself (never answered twice): either
            // way there is nothing more to answer here.
            end(.refused(id: asked.id, message: UserMessage(error)))
        }
    }

    private func end(_ outcome: ChargeOutcome) {
        settled.insert(outcome.id)
        if charge?.id == outcome.id { charge = nil }
        chargeOutcome = outcome
        Task { [weak self] in await self?.showChargeRequest() }
    }

    /// Shows the oldest request still waiting, unless one is on screen or the screen is not.
    fileprivate func showChargeRequest() async {
        guard loop != nil, charge == nil else { return }
        // The local list is the truth (the listener's request is already in it); unreadable, the
        // next request heard tries again. Read off the main actor: look again after it.
        let waiting = (try? await wallet.chargeRequests()) ?? []
        guard loop != nil, charge == nil, let next = waiting.first(where: { !settled.contains($0.id) }) else { return }
        // The host's deadline is on the host's clock; a phone clock running behind must not show
        // more time than the whole window the host gave (approveBy - createdAt).
        let nowMs = clock.nowMs()
        let now = Int64(nowMs / 1000)
        let approveBy = Self.unixSeconds(next.approveBy)
        let left = UInt64(max(0, min(approveBy - now, approveBy - Self.unixSeconds(next.createdAt))))
        charge = ChargePrompt(
            id: next.id, merchantName: next.merchantName, amount: next.amount, amountText: MoneyText.format(next.amount),
            answerByMs: nowMs + left * 1000, secondsLeft: left)
        countdown?.cancel()
        countdown = Task { [weak self] in await self?.countDown(next.id) }
    }

    /// Ticks `secondsLeft` each second; at zero the request has lapsed and nothing was paid.
    private func countDown(_ id: String) async {
        while !Task.isCancelled {
            guard let prompt = charge, prompt.id == id else { return }
            let now = clock.nowMs()
            let left = prompt.answerByMs > now ? (prompt.answerByMs - now + 999) / 1000 : 0
            // An answer in flight is decided by the host, not by this clock.
            if left == 0 && !prompt.isAnswering {
                end(.expired(id: id))
                return
            }
            if prompt.secondsLeft != left { charge?.secondsLeft = left }
            do { try await clock.sleepMs(1_000) } catch { return }
        }
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
                guard let self, let code = await self.nextCode() else { return }
                let wakeMs = Self.unixMillis(code.refreshAt)
                let now = self.clock.nowMs()
                let waitMs = max(wakeMs > now ? wakeMs - now : 0, Self.minimumRefreshMs)
                do { try await self.clock.sleepMs(waitMs) } catch { return }
                if Task.isCancelled { return }
                if code.codesLeft < Self.replenishBelow { await self.replenish() }
            }
        }
    }

    /// Makes the next code and shows it; nil (and a failed state) when none can be made.
    private func nextCode() async -> CodeDisplay? {
        do {
            let c = numeric ? try await wallet.consumerCodeNumeric() : try await wallet.consumerCode()
            // Made off the main actor: a screen left (or switched) meanwhile shows nothing of it.
            if Task.isCancelled { return nil }
            let display = CodeDisplay(qrText: c.qrText, numeric: c.numeric, matrix: c.matrix, expiresAt: c.expiresAt, refreshAt: c.refreshAt, codesLeft: c.codesLeft)
            state = .showing(display)
            return display
        } catch {
            if Task.isCancelled { return nil }
            state = .failed(UserMessage(error))
            return nil
        }
    }

    /// Whole Unix seconds of `date` (towards the past).
    nonisolated static func unixSeconds(_ date: Date) -> Int64 {
        let secs = date.timeIntervalSince1970.rounded(.down)
        return Int64(exactly: secs) ?? (secs > 0 ? .max : .min)
    }

    /// Unix milliseconds of `date`, zero before the epoch.
    nonisolated static func unixMillis(_ date: Date) -> UInt64 {
        let ms = (date.timeIntervalSince1970 * 1000).rounded(.down)
        return ms <= 0 ? 0 : UInt64(exactly: ms) ?? UInt64.max
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
