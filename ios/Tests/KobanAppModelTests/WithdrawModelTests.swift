import Foundation
import XCTest
import Koban
import KobanAppModel
import KobanTestSupport

/// Withdraw and unlink against the sandbox.
@MainActor
final class WithdrawModelTests: XCTestCase {
    func testAWithdrawalIsShownFirstAndMovesMoneyOnceEvenWhenConfirmIsTappedTwice() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("withdraw", in: dir)
        let link = try await fund(w.wallet, topUp: 20_000)
        let model = WithdrawModel(wallet: w.wallet)
        await model.load()
        XCTAssertEqual(model.links.map(\.id), [link])

        await model.review(linkId: "no_such_link", amount: "1000")
        XCTAssertEqual(model.formError?.title, "Choose an account")
        await model.review(linkId: link, amount: "12.5")
        XCTAssertEqual(model.formError?.kind, "invalid_amount")
        XCTAssertEqual(model.state, .idle)

        // Shown first: the fee by the host's rule and the total, before anything moves.
        var states: [String] = []
        let observation = model.observe { states.append("\(model.state)".components(separatedBy: "(").first ?? "") }
        await model.review(linkId: link, amount: "5,000")
        observation.cancel()
        XCTAssertNil(model.formError)
        XCTAssertEqual(states.drop { $0 == "idle" }.first, "previewing", "the host is asked for the fee while the screen waits: \(states)")
        guard case .reviewing(let review) = model.state else { return XCTFail("expected a review, got \(model.state)") }
        XCTAssertEqual(review.amount, jpy(5_000))
        XCTAssertEqual(review.amountText, "¥5,000")
        XCTAssertEqual(review.accountText, "Sakura Sandbox Bank \u{2022}\u{2022}\u{2022}\u{2022}4321")
        XCTAssertGreaterThan(review.fee.minor, 0, "the fee is shown before confirming")
        XCTAssertEqual(review.feeText, MoneyText.format(review.fee))
        XCTAssertEqual(review.total, jpy(5_000 + review.fee.minor))
        XCTAssertEqual(review.totalText, MoneyText.format(review.total))
        XCTAssertGreaterThanOrEqual(review.max.minor, 5_000)
        let preview = try await w.wallet.previewWithdrawal(amount: jpy(5_000))
        XCTAssertEqual(preview, WithdrawalPreview(amount: review.amount, fee: review.fee, total: review.total, max: review.max))
        let untouched = try await w.wallet.balance().available
        XCTAssertEqual(untouched, jpy(20_000), "a review moves nothing")

        // Two taps at once (there is money for two): one withdrawal.
        let tappedTwice = await doubleTap(model, inFlight: {
            if case .withdrawing = model.state { return true } else { return false }
        }, { await model.confirm() })
        XCTAssertTrue(tappedTwice)
        guard case .done(let receipt) = model.state else { return XCTFail("expected done, got \(model.state)") }
        XCTAssertEqual(receipt.transaction.kind, .withdrawal)
        XCTAssertEqual(receipt.amountText, "¥5,000")
        let fee = try XCTUnwrap(receipt.transaction.detail.fee, "the host reports the withdrawal fee")
        XCTAssertGreaterThan(fee.minor, 0)
        XCTAssertEqual(fee, review.fee, "the fee shown first is the fee taken")
        XCTAssertEqual(receipt.transaction.amount, review.total, "the total shown first is what left the wallet")
        XCTAssertEqual(receipt.feeText, MoneyText.format(fee))
        XCTAssertEqual(receipt.transaction.amount, jpy(5_000 + fee.minor), "the entry is what left the wallet")
        XCTAssertEqual(receipt.totalText, MoneyText.format(jpy(5_000 + fee.minor)))
        let balance = try await w.wallet.balance().available
        XCTAssertEqual(balance, jpy(20_000 - 5_000 - fee.minor))
        XCTAssertEqual(receipt.balanceText, MoneyText.format(balance))
        let withdrawals = try await entries(w.wallet, kind: .withdrawal)
        XCTAssertEqual(withdrawals.count, 1)
        // A confirm after the result does nothing either.
        await model.confirm()
        let still = try await w.wallet.balance().available
        XCTAssertEqual(still, balance)

        // More than is left: the host's refusal, nothing moves.
        model.reset()
        await model.review(linkId: link, amount: "15,000")
        await model.confirm()
        guard case .failed(let broke) = model.state else { return XCTFail("expected a refusal, got \(model.state)") }
        XCTAssertEqual(broke.kind, "insufficient_funds")
        let after = try await w.wallet.balance().available
        XCTAssertEqual(after, balance)
    }

    func testAWithdrawalAboveTheMostOneMayTakeIsAFormErrorBeforeAnythingMoves() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("withdrawmax", in: dir)
        let link = try await fund(w.wallet, topUp: 1_000)
        let preview = try await w.wallet.previewWithdrawal(amount: jpy(1_000))
        XCTAssertEqual(preview.total, jpy(1_000 + preview.fee.minor))
        let model = WithdrawModel(wallet: w.wallet)
        await model.load()

        // One yen more than the host lets one withdrawal take: the form says so, nothing is asked to move.
        await model.review(linkId: link, amount: String(preview.max.minor + 1))
        XCTAssertEqual(model.state, .idle)
        XCTAssertEqual(model.formError?.kind, "invalid_input")
        let balance = try await w.wallet.balance().available
        XCTAssertEqual(balance, jpy(1_000))
    }

    func testUnlinkingABankRemovesTheLinkAndItCannotBeUsedAgain() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("unlink", in: dir)
        let link = try await fund(w.wallet, topUp: 2_000)
        let model = WithdrawModel(wallet: w.wallet)
        await model.load()
        XCTAssertEqual(model.links.count, 1)

        await model.unlink(linkId: link)
        guard case .unlinked(let gone) = model.state else { return XCTFail("expected unlinked, got \(model.state)") }
        XCTAssertEqual(gone.id, link)
        XCTAssertTrue(model.links.isEmpty)
        let links = try await w.wallet.bankLinks()
        XCTAssertTrue(links.isEmpty)

        // Its history stays; the link takes no more money either way.
        let topUps = try await entries(w.wallet, kind: .topUp)
        XCTAssertEqual(topUps.count, 1)
        model.reset()
        await model.review(linkId: link, amount: "500")
        XCTAssertEqual(model.formError?.title, "Choose an account")
        do {
            _ = try await w.wallet.withdraw(bankLinkId: link, amount: jpy(500))
            XCTFail("an unlinked account took a withdrawal")
        } catch let e as WalletError {
            XCTAssertNotEqual(e.kind, "outcome_unknown")
        }
        let balance = try await w.wallet.balance().available
        XCTAssertEqual(balance, jpy(2_000))
    }
}
