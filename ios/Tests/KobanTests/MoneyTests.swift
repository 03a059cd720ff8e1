import Foundation
import XCTest
import Koban

/// Money formatting, exact parsing and currency lookup through the bindings.
final class MoneyTests: XCTestCase {
    func testFormatsForPeople() throws {
        XCTAssertEqual(try moneyFormat(money: Money(minor: 30_000, currency: "JPY")), "¥30,000")
        XCTAssertEqual(try moneyFormat(money: Money(minor: 123_450, currency: "THB")), "฿1,234.50")
        XCTAssertEqual(try moneyFormat(money: Money(minor: -5, currency: "USD")), "-US$0.05")
        XCTAssertEqual(try moneyToDecimal(money: Money(minor: 1_234, currency: "KWD")), "1.234")
    }

    func testParsesDecimalsExactly() throws {
        XCTAssertEqual(try moneyParseDecimal(text: "98.73", currency: "THB"), Money(minor: 9_873, currency: "THB"))
        XCTAssertEqual(try moneyParseDecimal(text: "98.", currency: "764"), Money(minor: 9_800, currency: "THB"))
        XCTAssertEqual(try moneyParseDecimal(text: "40123", currency: "VND"), Money(minor: 40_123, currency: "VND"))
    }

    func testRefusesWhatCannotBePaidExactlyWithAReadableMessage() {
        XCTAssertThrowsError(try moneyParseDecimal(text: "100.5", currency: "JPY")) { error in
            guard case KobanError.InvalidAmount(let message) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(message, "invalid amount: amount has 1 decimals but JPY has 0")
        }
        XCTAssertThrowsError(try moneyParseDecimal(text: "98,73", currency: "THB")) { error in
            XCTAssertEqual(error.localizedDescription, "invalid amount: amount has an invalid character ',' at position 2")
        }
        XCTAssertThrowsError(try moneyFormat(money: Money(minor: 1, currency: "XYZ"))) { error in
            guard case KobanError.InvalidInput(let message) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(message, "invalid input: unknown ISO 4217 currency \"XYZ\"")
        }
    }

    func testLooksCurrenciesUp() throws {
        XCTAssertEqual(try currencyLookup(code: "thb"), Currency(alpha: "THB", numeric: 764, exponent: 2, name: "Baht", symbol: "฿"))
        XCTAssertEqual(try currencyLookup(code: "392").alpha, "JPY")
        XCTAssertGreaterThanOrEqual(currencies().count, 50)
    }
}
