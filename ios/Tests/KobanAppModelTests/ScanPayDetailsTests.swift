import Foundation
import XCTest
import Koban
import KobanAppModel
import KobanTestSupport

/// Scan & Pay for codes that ask for more than an amount (references, a tip) and for codes
/// that offer several routes, against the sandbox.
@MainActor
final class ScanPayDetailsTests: XCTestCase {
    func testACodeAskingForAReferenceCannotBeConfirmedWithoutItAndTheHostReceivesIt() async throws {
        let dir = try TemporaryDirectory()
        let recorder = BodyRecorder(path: "/v1/payments")
        let w = try await homeWallet("refpay", in: dir, country: "JP", transport: recorder)
        try await fund(w.wallet, topUp: 5_000)
        // The shop's till makes a one-payment code whose reference the payer must type (`***`).
        let till = try await Terminal.open(dbPath: dir.db("till"), keyStore: TestKeyStore(secret: 0x5A), hostUrl: try Sandbox.url)
        _ = try await till.enrol(merchantId: "m_jp_mart", enrolmentToken: try await Sandbox.enrolmentToken("m_jp_mart"))
        let code = try await till.dynamicCode(amount: jpy(2_480), reference: "***")
        let model = ScanPayModel(wallet: w.wallet)

        await model.scanned(text: code.payload)
        guard case .enterDetails(let prompt) = model.state else { return XCTFail("expected the details prompt, got \(model.state)") }
        XCTAssertEqual(prompt.references.map(\.kind), [.referenceLabel])
        XCTAssertEqual(prompt.references.map(\.label), ["Reference"])
        XCTAssertEqual(prompt.fixedAmount, jpy(2_480))
        XCTAssertEqual(prompt.fixedAmountText, "¥2,480")
        XCTAssertFalse(prompt.asksTip)
        XCTAssertEqual(prompt.merchantName, "KOBAN MART SHIBUYA")

        // Left empty (or blank): the prompt stays, nothing is quoted or paid.
        await model.enterDetails(references: [:])
        XCTAssertEqual(model.detailsError?.kind, "missing_reference")
        XCTAssertEqual(model.detailsError?.title, "Reference is required")
        await model.enterDetails(references: [.referenceLabel: "   "])
        XCTAssertEqual(model.detailsError?.kind, "missing_reference")
        guard case .enterDetails = model.state else { return XCTFail("the prompt closed without the reference: \(model.state)") }
        await model.confirm()
        guard case .enterDetails = model.state else { return XCTFail("confirm paid without a quote: \(model.state)") }
        XCTAssertTrue(recorder.accepted.isEmpty)

        await model.enterDetails(references: [.referenceLabel: "INV-42"])
        XCTAssertNil(model.detailsError)
        guard case .confirming(let c) = model.state else { return XCTFail("expected a confirmation, got \(model.state)") }
        XCTAssertEqual(c.merchantAmount, jpy(2_480))
        XCTAssertTrue(c.references.contains(PaymentReference(kind: .referenceLabel, value: "INV-42")), "\(c.references)")
        XCTAssertNil(c.tipText)

        await model.confirm()
        guard case .paid(let receipt) = model.state else { return XCTFail("expected paid, got \(model.state)") }
        XCTAssertEqual(receipt.transaction.amount, jpy(2_480))
        let balance = try await w.wallet.balance().available
        XCTAssertEqual(balance, jpy(5_000 - 2_480))
        // What the host accepted carried the typed reference.
        XCTAssertEqual(recorder.accepted.count, 1)
        let references = recorder.accepted.first?["references"] as? [String: String]
        XCTAssertEqual(references?["reference_label"], "INV-42")
    }

    func testACodeThatInvitesATipAndABillNumberAsksForBothAndQuotesThem() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("tipper", in: dir)
        try await fund(w.wallet, topUp: 5_000)
        // A shop's printed code (not one the sandbox seeds): no amount, a tip prompt (55 = 01),
        // and a bill number to type (62/01 = ***).
        let payload = emvCode([
            ("00", "01"), ("01", "11"),
            ("26", tlv("00", "jp.or.paymentsjapan") + tlv("01", "0000012345678")),
            ("52", "5812"), ("53", "392"), ("55", "01"), ("58", "JP"), ("59", "TIP SHOP"), ("60", "TOKYO"),
            ("62", tlv("01", "***")),
        ])
        let detection = try detect(payload: payload)
        XCTAssertEqual(detection.tip, .prompt)
        let model = ScanPayModel(wallet: w.wallet)

        await model.scanned(text: payload)
        guard case .enterDetails(let prompt) = model.state else { return XCTFail("expected the details prompt, got \(model.state)") }
        XCTAssertEqual(prompt.references.map(\.kind), [.billNumber])
        XCTAssertEqual(prompt.references.first?.label, "Bill number")
        XCTAssertTrue(prompt.asksTip)
        XCTAssertNil(prompt.fixedAmount)
        XCTAssertEqual(prompt.currency, .jpy)

        await model.enterDetails(references: [.billNumber: "B-77"], tip: "200")
        XCTAssertEqual(model.detailsError?.title, "Enter the amount")
        await model.enterDetails(references: [.billNumber: "B-77"], tip: "2.5", amount: "1200")
        XCTAssertEqual(model.detailsError?.kind, "invalid_amount")
        guard case .enterDetails = model.state else { return XCTFail("the prompt closed on a bad tip: \(model.state)") }

        await model.enterDetails(references: [.billNumber: "B-77"], tip: "200", amount: "1,200")
        XCTAssertNil(model.detailsError)
        guard case .confirming(let c) = model.state else { return XCTFail("expected a confirmation, got \(model.state)") }
        XCTAssertEqual(c.quote.amount(), jpy(1_200))
        XCTAssertEqual(c.tip, jpy(200))
        XCTAssertEqual(c.tipText, "¥200")
        XCTAssertTrue(c.quote.tipPrompted())
        XCTAssertEqual(c.merchantAmount, jpy(1_400))
        XCTAssertEqual(c.debit, jpy(1_400))
        XCTAssertEqual(c.references, [PaymentReference(kind: .billNumber, value: "B-77")])

        // No tip is fine too: the quote says so.
        model.scanAgain()
        await model.scanned(text: payload)
        await model.enterDetails(references: [.billNumber: "B-78"], amount: "1200")
        guard case .confirming(let noTip) = model.state else { return XCTFail("expected a confirmation, got \(model.state)") }
        XCTAssertEqual(noTip.tip, jpy(0))
        XCTAssertNil(noTip.tipText)
        XCTAssertEqual(noTip.merchantAmount, jpy(1_200))

        // The host does not know this shop: refused, nothing moves.
        await model.confirm()
        guard case .failed(let refused) = model.state else { return XCTFail("expected a refusal, got \(model.state)") }
        XCTAssertEqual(refused.kind, "unknown_merchant")
        let balance = try await w.wallet.balance().available
        XCTAssertEqual(balance, jpy(5_000))
    }

    func testAMultiNetworkCodeLetsThePayerChooseTheRouteBeforeQuoting() async throws {
        let dir = try TemporaryDirectory()
        let w = try await enrolledWallet("routes", in: dir)
        try await fund(w.wallet, topUp: 5_000)
        let chai = try await Sandbox.merchant("m_in_chai")
        let model = ScanPayModel(wallet: w.wallet)

        await model.scanned(text: chai.staticPayload)
        guard case .chooseRoute(let choice) = model.state else { return XCTFail("expected the route choice, got \(model.state)") }
        XCTAssertEqual(choice.options.map(\.schemeId), ["rupay", "upi"])
        XCTAssertEqual(choice.options.map(\.name), ["RuPay", "UPI"])
        XCTAssertEqual(choice.options.last?.identifier, "chaipoint@kobanbank")
        XCTAssertEqual(choice.merchantName, "CHAI POINT")

        // A route the code does not offer is ignored.
        await model.chooseRoute("promptpay")
        XCTAssertEqual(model.state, .chooseRoute(choice))

        await model.chooseRoute("rupay")
        guard case .enterAmount(let byCard) = model.state else { return XCTFail("expected the amount prompt, got \(model.state)") }
        XCTAssertEqual(byCard.route, "rupay")
        XCTAssertEqual(byCard.currency, .inr)
        await model.enterAmount("60.00")
        guard case .confirming(let card) = model.state else { return XCTFail("expected a confirmation, got \(model.state)") }
        XCTAssertEqual(card.route, "rupay")
        XCTAssertEqual(card.quote.route(), "rupay")

        model.scanAgain()
        await model.scanned(text: chai.staticPayload)
        await model.chooseRoute("upi")
        await model.enterAmount("60.00")
        guard case .confirming(let upi) = model.state else { return XCTFail("expected a confirmation, got \(model.state)") }
        XCTAssertEqual(upi.route, "upi")
        XCTAssertEqual(upi.quote.route(), "upi")
        XCTAssertNotEqual(upi.quote, card.quote, "the route is part of what is quoted")
        XCTAssertEqual(upi.merchantAmount, Money(minor: 6_000, currency: .inr))

        await model.confirm()
        guard case .paid(let receipt) = model.state else { return XCTFail("expected paid, got \(model.state)") }
        XCTAssertEqual(receipt.confirmation.route, "upi")
        XCTAssertEqual(receipt.transaction.kind, .payment)
        XCTAssertEqual(receipt.transaction.detail.foreignAmount, Money(minor: 6_000, currency: .inr), "\(receipt.transaction.detail)")
        let balance = try await w.wallet.balance().available
        XCTAssertEqual(balance, jpy(5_000 - upi.debit.minor))

        // A code with one payable route (PayNow; SGQR is a label) is not asked about.
        model.scanAgain()
        let hawker = try await Sandbox.merchant("m_sg_hawker")
        await model.scanned(text: hawker.staticPayload)
        guard case .enterAmount(let single) = model.state else { return XCTFail("expected the amount prompt, got \(model.state)") }
        XCTAssertNil(single.route)
    }
}
