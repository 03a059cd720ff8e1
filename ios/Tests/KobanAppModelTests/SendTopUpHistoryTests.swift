import Foundation
import XCTest
import Koban
import KobanAppModel
import KobanTestSupport

/// Send, Top up and History against the sandbox.
@MainActor
final class SendTopUpHistoryTests: XCTestCase {
    func testTopUpLinksABankAndMovesMoneyIn() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("topup", in: dir)
        let model = TopUpModel(wallet: w.wallet)
        await model.load()
        XCTAssertEqual(model.state, .idle)
        XCTAssertTrue(model.links.isEmpty)
        XCTAssertTrue(model.banks.contains { $0.id == "bank_fuji" }, "\(model.banks)")

        await model.link(bankId: "bank_fuji", accountNumber: "9876543", holderName: "SATO BEN", sandboxOpeningBalance: jpy(20_000))
        XCTAssertEqual(model.state, .idle)
        XCTAssertEqual(model.links.map(\.last4), ["6543"])
        let link = try XCTUnwrap(model.links.first?.id)

        await model.topUp(linkId: link, amount: "1.5")
        XCTAssertEqual(model.amountError?.kind, "invalid_amount")
        XCTAssertEqual(model.state, .idle, "nothing was sent for a bad amount")

        await model.topUp(linkId: link, amount: "10,000")
        XCTAssertNil(model.amountError)
        guard case .done(let receipt) = model.state else { return XCTFail("expected done, got \(model.state)") }
        XCTAssertEqual(receipt.transaction.kind, .topUp)
        XCTAssertEqual(receipt.transaction.amount, jpy(10_000))
        XCTAssertEqual(receipt.amountText, "¥10,000")
        XCTAssertEqual(receipt.balanceText, "¥10,000")

        // The bank account has ¥10,000 left.
        model.reset()
        await model.topUp(linkId: link, amount: "15000")
        XCTAssertEqual(model.state, .failed(UserMessage(kind: "insufficient_funds", title: "Not enough money", detail: "Your balance is too low for this. Top up and try again.", reason: "insufficient funds in bank account", action: .topUp)))
    }

    func testSendByHandleAndByReceiveCode() async throws {
        let dir = try TemporaryDirectory()
        let aiko = try await enrolledWallet("sendvm", in: dir)
        try await fund(aiko.wallet, topUp: 12_000)
        let ben = try await enrolledWallet("sendto", in: dir)
        let model = SendModel(wallet: aiko.wallet)
        await model.load()
        XCTAssertTrue(model.recipients.isEmpty)

        await model.review(to: "  ", amount: "100")
        XCTAssertEqual(model.formError?.kind, "invalid_input")
        await model.review(to: ben.handle, amount: "abc")
        XCTAssertEqual(model.formError?.kind, "invalid_amount")
        XCTAssertEqual(model.state, .editing)

        // Shown first: Ben as the host knows him, and nothing moves until confirmed.
        await model.review(to: "@" + ben.handle, amount: "5,000", message: "ramen")
        XCTAssertNil(model.formError)
        guard case .reviewing(let review) = model.state else { return XCTFail("expected a review, got \(model.state)") }
        XCTAssertEqual(review.handle, ben.handle)
        XCTAssertEqual(review.displayName, "Sendto")
        XCTAssertEqual(review.country, "JP")
        XCTAssertEqual(review.amountText, "¥5,000")
        XCTAssertEqual(review.debit, jpy(5_000))
        XCTAssertFalse(review.isRemittance)
        XCTAssertEqual(review.message, "ramen")
        let untouched = try await aiko.wallet.balance().available
        XCTAssertEqual(untouched, jpy(12_000), "a review moves nothing")

        // A double tap on confirm sends once (there is money for two).
        let tappedTwice = await doubleTap(model, inFlight: {
            if case .sending = model.state { return true } else { return false }
        }, { await model.confirm() })
        XCTAssertTrue(tappedTwice)
        guard case .sent(let receipt) = model.state else { return XCTFail("expected sent, got \(model.state)") }
        XCTAssertEqual(receipt.transaction.kind, .transfer)
        XCTAssertEqual(receipt.transaction.counterparty, "@" + ben.handle)
        XCTAssertEqual(receipt.amountText, "¥5,000")
        XCTAssertEqual(receipt.review, review)
        XCTAssertEqual(model.recipients.map(\.handle), [ben.handle])
        let afterOne = try await aiko.wallet.balance().available
        XCTAssertEqual(afterOne, jpy(7_000))

        // Ben's receive code, scanned into the recipient field.
        model.edit()
        let code = try await ben.wallet.receiveCode()
        await model.review(to: code, amount: "700")
        guard case .reviewing(let byCode) = model.state else { return XCTFail("expected a review, got \(model.state)") }
        XCTAssertEqual(byCode.handle, ben.handle)
        XCTAssertFalse(byCode.amountFixed)
        await model.confirm()
        guard case .sent(let second) = model.state else { return XCTFail("expected sent, got \(model.state)") }
        XCTAssertEqual(second.transaction.amount, jpy(700))
        let received = try await ben.wallet.balance().available
        XCTAssertEqual(received, jpy(5_700), "each send arrived once")

        // A receive code with its own amount: the field may stay empty, and the code's amount is shown.
        model.edit()
        let fixed = try await ben.wallet.receiveCodeFor(amount: jpy(1_200), note: "lunch")
        XCTAssertEqual(SendModel.fixedAmount(fixed), jpy(1_200))
        await model.review(to: fixed, amount: "")
        guard case .reviewing(let fixedReview) = model.state else { return XCTFail("expected a review, got \(model.state)") }
        XCTAssertTrue(fixedReview.amountFixed)
        XCTAssertEqual(fixedReview.amount, jpy(1_200))
        XCTAssertEqual(fixedReview.note, "lunch")
        // Another amount than the code's is refused before anything moves.
        model.edit()
        await model.review(to: fixed, amount: "1000")
        guard case .failed(let mismatch) = model.state else { return XCTFail("expected a refusal, got \(model.state)") }
        XCTAssertEqual(mismatch.kind, "invalid_input")

        // More than is left: a typed refusal on confirm, shown as a message.
        model.edit()
        await model.review(to: ben.handle, amount: "7,000")
        await model.confirm()
        XCTAssertEqual(model.state, .failed(UserMessage(kind: "insufficient_funds", title: "Not enough money", detail: "Your balance is too low for this. Top up and try again.", reason: "insufficient funds in wallet", action: .topUp)))
        model.edit()
        await model.review(to: "nobody_at_all_here", amount: "1")
        guard case .failed(let nobody) = model.state else { return XCTFail("expected a failure, got \(model.state)") }
        XCTAssertEqual(nobody.kind, "unknown_recipient")
        XCTAssertEqual(nobody.title, "No one has that handle or code")
        let balance = try await aiko.wallet.balance().available
        XCTAssertEqual(balance, jpy(6_300))
    }

    func testHistoryPagesNewestFirstWithSignedAmounts() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("histvm", in: dir)
        let link = try await fund(w.wallet, topUp: 0)
        for a: Int64 in [1_000, 2_000, 3_000, 4_000] { _ = try await w.wallet.topUp(bankLinkId: link, amount: jpy(a)) }
        let ramen = try await Sandbox.merchant("m_jp_ramen")
        let quote = try await w.wallet.quotePayment(request: PaymentRequest(payload: ramen.staticPayload, route: nil, amount: jpy(1_200), tip: nil, references: []))
        _ = try await w.wallet.confirmPayment(quote: quote)

        let model = HistoryModel(wallet: w.wallet, pageSize: 2)
        var changes = 0
        let observation = model.observe { changes += 1 }
        await model.reload()
        XCTAssertEqual(model.rows.count, 2)
        XCTAssertTrue(model.hasMore)
        XCTAssertGreaterThan(changes, 0)
        XCTAssertEqual(model.rows.first?.kind, .payment)
        XCTAssertLessThan(abs(try XCTUnwrap(model.rows.first?.createdAt).timeIntervalSinceNow), 300, "just now, by the host's clock")
        XCTAssertEqual(model.rows.first?.amountText, "\u{2212}¥1,200")
        XCTAssertEqual(model.rows.first?.direction, .out)
        XCTAssertTrue(model.rows.first?.title.contains("KOBAN RAMEN") ?? false, model.rows.first?.title ?? "")
        XCTAssertEqual(model.rows.last?.amountText, "+¥4,000")

        await model.loadMore()
        await model.loadMore()
        XCTAssertEqual(model.rows.map(\.amount.minor), [1_200, 4_000, 3_000, 2_000, 1_000])
        XCTAssertEqual(Set(model.rows.map(\.id)).count, 5)
        XCTAssertFalse(model.hasMore)
        let count = model.rows.count
        await model.loadMore()
        XCTAssertEqual(model.rows.count, count, "nothing after the last page")

        await model.reload()
        XCTAssertEqual(model.rows.count, 2, "reload starts from the newest page")
        XCTAssertNil(model.message)
        observation.cancel()
    }
}
