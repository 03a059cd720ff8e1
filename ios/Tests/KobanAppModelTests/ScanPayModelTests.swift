import Foundation
import XCTest
import Koban
import KobanAppModel
import KobanTestSupport

/// Scan & Pay against the sandbox: camera frames and scanned text through detection, the
/// amount prompt, the quote with the home-currency debit, the payment and its refusals.
@MainActor
final class ScanPayModelTests: XCTestCase {
    func testAFrameOfTheRamenShopsCodeIsPaidInYen() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("scanpay", in: dir)
        try await fund(w.wallet, topUp: 10_000)
        let ramen = try await Sandbox.merchant("m_jp_ramen")
        let model = ScanPayModel(wallet: w.wallet)
        var seen: [ScanPayModel.State] = []
        // Distinct states only: other properties (the amount error) announce changes too.
        let observation = model.observe { if seen.last != model.state { seen.append(model.state) } }

        // The Y plane as the camera hands it over: padded rows.
        let (luma, side, stride) = renderLuma(try qrMatrix(text: ramen.staticPayload), scale: 4, pad: 16)
        let frame = LumaFrame(luma: luma, width: Int32(side), height: Int32(side), bytesPerRow: Int32(stride), rotation: .deg0)
        let taken = try await model.read(frame: frame)
        XCTAssertTrue(taken)
        guard case .enterAmount(let prompt) = model.state else { return XCTFail("expected the amount prompt, got \(model.state)") }
        XCTAssertEqual(prompt.payload, ramen.staticPayload)
        XCTAssertEqual(prompt.merchantName, "KOBAN RAMEN")
        XCTAssertEqual(prompt.currency, .jpy)
        XCTAssertEqual(prompt.currencySymbol, "¥")
        // More frames of the same code while the prompt is open are dropped.
        let again = try await model.read(frame: frame)
        XCTAssertFalse(again)

        // Yen have no decimals: the prompt stays open with Koban's reason.
        await model.enterAmount("12.5")
        XCTAssertEqual(model.amountError?.kind, "invalid_amount")
        XCTAssertEqual(model.amountError?.title, "Check the amount")
        XCTAssertFalse(model.amountError?.detail.isEmpty ?? true)
        guard case .enterAmount = model.state else { return XCTFail("the prompt closed on a bad amount: \(model.state)") }

        await model.enterAmount("1200")
        XCTAssertNil(model.amountError)
        guard case .confirming(let c) = model.state else { return XCTFail("expected a confirmation, got \(model.state)") }
        XCTAssertEqual(c.merchantName, "KOBAN RAMEN")
        XCTAssertEqual(c.merchantAmount, jpy(1_200))
        XCTAssertEqual(c.merchantAmountText, "¥1,200")
        XCTAssertEqual(c.debit, jpy(1_200))
        XCTAssertEqual(c.debitText, "¥1,200")
        XCTAssertFalse(c.isForeign)
        XCTAssertNil(c.rateText)

        await model.confirm()
        guard case .paid(let receipt) = model.state else { return XCTFail("expected paid, got \(model.state)") }
        XCTAssertEqual(receipt.transaction.kind, .payment)
        XCTAssertEqual(receipt.transaction.amount, jpy(1_200))
        XCTAssertEqual(receipt.confirmation, c)
        let balance = try await w.wallet.balance().available
        XCTAssertEqual(balance, jpy(8_800))

        // Every step was announced, in order.
        XCTAssertEqual(seen.map(Self.name), ["resolving", "enterAmount", "resolving", "confirming", "paying", "paid"])
        observation.cancel()
        model.scanAgain()
        XCTAssertEqual(model.state, .scanning)
        XCTAssertEqual(seen.count, 6, "a cancelled observation hears nothing")
    }

    func testTheCameraReadsFramesInPlaceOnItsQueueAndHandsTheCodesOver() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("camera", in: dir)
        let ramen = try await Sandbox.merchant("m_jp_ramen")
        let model = ScanPayModel(wallet: w.wallet)
        let reader = model.reader

        // As the camera does it: the Y plane inside a larger buffer it owns (not a Data of its
        // own), read off the main thread while the buffer is held.
        let (luma, side, stride) = renderLuma(try qrMatrix(text: ramen.staticPayload), scale: 4, pad: 16)
        let held = Data(repeating: 0x55, count: 64) + luma + Data(repeating: 0xAA, count: 64)
        let texts = try await Task.detached {
            try held.withUnsafeBytes { all in
                try reader.read(luma: UnsafeRawBufferPointer(rebasing: all[64..<(64 + luma.count)]), width: Int32(side), height: Int32(side), bytesPerRow: Int32(stride), rotation: .deg90)
            }
        }.value
        XCTAssertEqual(texts, [ramen.staticPayload])
        let blank = Data(repeating: 200, count: 64 * 64)
        let none = try blank.withUnsafeBytes { try reader.read(luma: $0, width: 64, height: 64, bytesPerRow: 64, rotation: .deg0) }
        XCTAssertEqual(none, [])
        // Too few bytes for the geometry: Koban's typed error, not a read past the buffer.
        XCTAssertThrowsError(try luma.withUnsafeBytes { try reader.read(luma: UnsafeRawBufferPointer(rebasing: $0[0..<100]), width: Int32(side), height: Int32(side), bytesPerRow: Int32(stride), rotation: .deg0) })

        let nothing = await model.found([])
        XCTAssertFalse(nothing)
        XCTAssertEqual(model.state, .scanning)
        let taken = await model.found(texts)
        XCTAssertTrue(taken)
        guard case .enterAmount(let prompt) = model.state else { return XCTFail("expected the amount prompt, got \(model.state)") }
        XCTAssertEqual(prompt.payload, ramen.staticPayload)
        // The camera's next frames while the prompt is open change nothing.
        let again = await model.found(texts)
        XCTAssertFalse(again)
        guard case .enterAmount = model.state else { return XCTFail("a later frame moved the flow: \(model.state)") }
    }

    func testAForeignMerchantShowsTheDebitInYenWithFeeAndRate() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("abroad", in: dir)
        try await fund(w.wallet, topUp: 5_000)
        let stall = try await Sandbox.merchant("m_th_somtam")
        let model = ScanPayModel(wallet: w.wallet)

        await model.scanned(text: stall.staticPayload)
        guard case .enterAmount(let prompt) = model.state else { return XCTFail("expected the amount prompt, got \(model.state)") }
        XCTAssertEqual(prompt.currency, .thb)
        XCTAssertEqual(prompt.country, "TH")

        await model.enterAmount("120.00")
        guard case .confirming(let c) = model.state else { return XCTFail("expected a confirmation, got \(model.state)") }
        let fx = try XCTUnwrap(c.quote.fx())
        XCTAssertTrue(c.isForeign)
        XCTAssertEqual(c.merchantName, "SOM TAM STALL")
        XCTAssertEqual(c.merchantCountry, "TH")
        XCTAssertEqual(c.merchantAmount, Money(minor: 12_000, currency: .thb))
        XCTAssertEqual(c.merchantAmountText, "฿120.00")
        XCTAssertEqual(c.debit.currency, .jpy)
        XCTAssertEqual(c.debit, fx.total())
        XCTAssertEqual(c.debitText, moneyFormat(money: fx.total()))
        XCTAssertTrue(c.debitText.hasPrefix("¥"), c.debitText)
        XCTAssertEqual(c.fee, fx.fee())
        XCTAssertGreaterThan(c.fee.minor, 0)
        XCTAssertEqual(c.feeText, moneyFormat(money: fx.fee()))
        let rate = try XCTUnwrap(c.rateText)
        XCTAssertTrue(rate.hasPrefix("1 JPY = ") && rate.hasSuffix(" THB"), rate)
        XCTAssertFalse(rate.hasSuffix("0 THB"), "trailing zeros trimmed: \(rate)")
        XCTAssertTrue(fx.rate().hasPrefix(String(rate.dropFirst("1 JPY = ".count).dropLast(" THB".count))), "\(rate) from \(fx.rate())")

        await model.confirm()
        guard case .paid(let receipt) = model.state else { return XCTFail("expected paid, got \(model.state)") }
        XCTAssertEqual(receipt.transaction.amount, c.debit)
        let balance = try await w.wallet.balance().available
        XCTAssertEqual(balance, jpy(5_000 - c.debit.minor))
    }

    func testRefusalsBecomeMessagesForTheUser() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("broke", in: dir)
        try await fund(w.wallet, topUp: 500)
        let mart = try await Sandbox.merchant("m_jp_mart")
        let model = ScanPayModel(wallet: w.wallet)

        await model.scanned(text: mart.staticPayload)
        await model.enterAmount("1000")
        guard case .confirming = model.state else { return XCTFail("expected a confirmation, got \(model.state)") }
        await model.confirm()
        XCTAssertEqual(model.state, .failed(UserMessage(kind: "insufficient_funds", title: "Not enough money", detail: "Your balance is too low for this. Top up and try again.", reason: "insufficient funds in wallet", action: .topUp)))

        // A damaged code: detection refuses it before anything is sent.
        model.scanAgain()
        var damaged = mart.staticPayload
        damaged.removeLast()
        damaged.append(mart.staticPayload.hasSuffix("0") ? "1" : "0")
        await model.scanned(text: damaged)
        guard case .failed(let crc) = model.state else { return XCTFail("expected a failure, got \(model.state)") }
        XCTAssertEqual(crc.kind, "crc_mismatch")
        XCTAssertEqual(crc.title, "Can't read this code")
        XCTAssertEqual(crc.action, .scanAgain)

        // Not a payment code at all.
        model.scanAgain()
        await model.scanned(text: "https://example.com/menu")
        guard case .failed(let notPayable) = model.state else { return XCTFail("expected a failure, got \(model.state)") }
        XCTAssertTrue(["not_payable", "unreadable_code"].contains(notPayable.kind), notPayable.kind)
        XCTAssertEqual(notPayable.title, "Can't pay this code")
        XCTAssertFalse(notPayable.detail.isEmpty)

        // Nothing was paid along the way.
        let balance = try await w.wallet.balance().available
        XCTAssertEqual(balance, jpy(500))
    }

    func testAFriendsReceiveCodeGoesToSendInsteadOfBeingPaid() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("payer", in: dir)
        let friend = try await enrolledWallet("friend", in: dir)
        let code = try await friend.wallet.receiveCode()
        let model = ScanPayModel(wallet: w.wallet)

        await model.scanned(text: code)
        XCTAssertEqual(model.state, .personCode(code))
        // The Send screen takes the same text as a receive code, not as a handle.
        XCTAssertEqual(SendModel.destination(code), .receiveCode(payload: code))
        XCTAssertEqual(SendModel.destination("@friend"), .handle(handle: "@friend"))
        // A shop's code is still paid here.
        model.scanAgain()
        let ramen = try await Sandbox.merchant("m_jp_ramen")
        await model.scanned(text: ramen.staticPayload)
        guard case .enterAmount = model.state else { return XCTFail("expected the amount prompt, got \(model.state)") }
        XCTAssertEqual(SendModel.destination(ramen.staticPayload), .handle(handle: ramen.staticPayload))
    }

    private static func name(_ s: ScanPayModel.State) -> String {
        switch s {
        case .scanning: return "scanning"
        case .resolving: return "resolving"
        case .chooseRoute: return "chooseRoute"
        case .enterAmount: return "enterAmount"
        case .enterDetails: return "enterDetails"
        case .confirming: return "confirming"
        case .paying: return "paying"
        case .paid: return "paid"
        case .failed: return "failed"
        case .personCode: return "personCode"
        }
    }
}
