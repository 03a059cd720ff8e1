import Foundation
import XCTest
import Koban
import KobanAppModel
import KobanTestSupport

/// The session (open, enrol) and Home (balance, offline, incoming money) against the sandbox.
@MainActor
final class HomeAndSessionTests: XCTestCase {
    func testASessionOpensEnrolsAndReopensReady() async throws {
        let dir = try TemporaryDirectory()
        let keys = TestKeyStore(secret: 0x42)
        let handle = Sandbox.handle("session")
        var session: WalletSession? = WalletSession(dbPath: dir.db("session"), keyStore: keys, config: try Sandbox.config())
        XCTAssertEqual(session?.state, .opening)
        await session?.open()
        XCTAssertEqual(session?.state, .needsEnrolment)
        XCTAssertNotNil(session?.wallet)

        await session?.enrol(handle: handle, displayName: "Sae", country: "JP")
        guard case .ready(let profile)? = session?.state else { return XCTFail("expected ready, got \(String(describing: session?.state))") }
        XCTAssertEqual(profile.handle, handle)
        XCTAssertEqual(profile.currency, .jpy)
        // The app quits: the session and its wallet go.
        session = nil

        // Someone else wants the same handle.
        let other = WalletSession(dbPath: dir.db("other"), keyStore: TestKeyStore(secret: 1), config: try Sandbox.config())
        await other.open()
        await other.enrol(handle: handle, displayName: "Not Sae", country: "JP")
        guard case .failed(let taken) = other.state else { return XCTFail("expected a failure, got \(other.state)") }
        XCTAssertEqual(taken.kind, "handle_taken")
        XCTAssertEqual(taken.title, "That handle is taken")
        XCTAssertEqual(taken.action, .edit)
        XCTAssertFalse(taken.detail.isEmpty)
        XCTAssertFalse(taken.detail.contains(handle), "handles are blanked from messages: \(taken.detail)")

        // The next launch goes straight to the wallet.
        let relaunch = WalletSession(dbPath: dir.db("session"), keyStore: keys, config: try Sandbox.config())
        await relaunch.open()
        XCTAssertEqual(relaunch.state, .ready(profile))
    }

    func testALockedKeyStoreIsAMessageNotACrash() async throws {
        let dir = try TemporaryDirectory()
        let keys = TestKeyStore(secret: 9)
        keys.locked = true
        let session = WalletSession(dbPath: dir.db("locked"), keyStore: keys, config: try Sandbox.config())
        await session.open()
        guard case .failed(let message) = session.state else { return XCTFail("expected a failure, got \(session.state)") }
        XCTAssertEqual(message.kind, "key_store")
        XCTAssertEqual(message.title, "Your wallet is locked")
        XCTAssertTrue(message.reason.contains("the device is locked"), message.reason)
        XCTAssertNil(session.wallet)
    }

    func testHomeShowsTheBalanceKeepsItOfflineAndHearsIncomingMoney() async throws {
        let dir = try TemporaryDirectory()
        let transport = RecordingTransport()
        let w = try await enrolledWallet("home", in: dir, transport: transport)
        try await fund(w.wallet, topUp: 12_300)
        let home = HomeModel(wallet: w.wallet)
        var refreshing = [home.isRefreshing]
        let observation = home.observe { if refreshing.last != home.isRefreshing { refreshing.append(home.isRefreshing) } }

        await home.refresh()
        XCTAssertEqual(home.profile?.handle, w.handle)
        XCTAssertEqual(home.balance?.available, jpy(12_300))
        XCTAssertEqual(home.balance?.text, "¥12,300")
        XCTAssertEqual(home.balance?.isStale, false)
        XCTAssertEqual(home.limits?.tier, .unverified)
        XCTAssertNil(home.message)
        XCTAssertEqual(refreshing, [false, true, false], "the spinner showed while asking the host")

        // Offline: the last balance stays, marked stale, with the reason.
        transport.offline = true
        await home.refresh()
        XCTAssertEqual(home.balance?.available, jpy(12_300))
        XCTAssertEqual(home.balance?.isStale, true)
        let asOf = try XCTUnwrap(home.balance?.asOf, "a stale balance says when it was the host's")
        XCTAssertLessThan(abs(asOf.timeIntervalSinceNow), 300, "\(asOf)")
        XCTAssertEqual(home.message?.kind, "unavailable")
        XCTAssertEqual(home.message?.title, "You're offline")
        XCTAssertEqual(home.message?.action, .retry)

        // A fresh Home while offline starts from the cached balance.
        let cold = HomeModel(wallet: w.wallet)
        await cold.refresh()
        XCTAssertEqual(cold.balance?.text, "¥12,300")
        XCTAssertEqual(cold.balance?.isStale, true)
        transport.offline = false

        // Money from a friend arrives while Home listens.
        let friend = try await enrolledWallet("friend", in: dir)
        try await fund(friend.wallet, topUp: 5_000)
        home.startListening(waitSecs: 5)
        XCTAssertTrue(home.isListening)
        let sent = try await friend.wallet.send(to: .handle(handle: w.handle), amount: jpy(2_000), message: nil)
        let arrived = await eventually { home.lastIncoming != nil && home.balance?.available == jpy(14_300) }
        XCTAssertTrue(arrived, "incoming: \(String(describing: home.lastIncoming)), balance: \(String(describing: home.balance))")
        XCTAssertEqual(home.lastIncoming?.id, sent.id)
        XCTAssertEqual(home.lastIncoming?.direction, .in)
        XCTAssertEqual(home.balance?.text, "¥14,300")
        XCTAssertEqual(home.balance?.isStale, false)
        XCTAssertNil(home.message)
        home.stopListening()
        let stopped = await eventually(timeout: 5) { !home.isListening }
        XCTAssertTrue(stopped, "the listen loop outlived Home")
        observation.cancel()
    }
}
