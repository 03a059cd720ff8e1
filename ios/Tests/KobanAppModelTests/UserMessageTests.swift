import Foundation
import XCTest
import Koban
import KobanAppModel

/// Errors and money as the screens show them. Not on the main actor: Linux test discovery
/// calls synchronous tests directly.
final class UserMessageTests: XCTestCase {
    func testEveryKindOfErrorHasAMessageForTheUser() throws {
        for kind in testHookWalletErrorKinds() {
            XCTAssertThrowsError(try testHookWalletError(kind: kind, message: "koban says \(kind)")) { error in
                let m = UserMessage(error)
                XCTAssertEqual(m.kind, kind)
                XCTAssertEqual(m.reason, "koban says \(kind)")
                XCTAssertFalse(m.detail.isEmpty)
                XCTAssertFalse(m.title.isEmpty)
            }
        }
        XCTAssertThrowsError(try testHookDetectionError(kind: "crc_mismatch", message: "the checksum is wrong")) { error in
            XCTAssertEqual(UserMessage(error), UserMessage(kind: "crc_mismatch", title: "Can't read this code", detail: "This doesn't look like a valid payment code. Try scanning it again.", reason: "the checksum is wrong", action: .scanAgain))
        }
        XCTAssertThrowsError(try moneyParseDecimal(text: "1.234", currency: .thb)) { error in
            let m = UserMessage(error)
            XCTAssertEqual(m.kind, "invalid_amount")
            XCTAssertEqual(m.action, .edit)
            XCTAssertEqual(m.reason, (error as? KobanError)?.message)
        }
        XCTAssertEqual(MoneyText.format(Money(minor: 12_000, currency: .thb)), "฿120.00")
        XCTAssertEqual(MoneyText.signed(Money(minor: 5_000, currency: .jpy), direction: .in), "+¥5,000")
        XCTAssertEqual(MoneyText.signed(Money(minor: -5_000, currency: .jpy), direction: .out), "\u{2212}¥5,000")
    }
}
