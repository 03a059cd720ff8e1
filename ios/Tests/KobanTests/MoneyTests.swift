import Foundation
import XCTest
import Koban

/// Money formatting, exact parsing and currency lookup through the bindings.
final class MoneyTests: XCTestCase {
    func testFormatsForPeople() {
        XCTAssertEqual(moneyFormat(money: Money(minor: 30_000, currency: .jpy)), "¥30,000")
        XCTAssertEqual(moneyFormat(money: Money(minor: 123_450, currency: .thb)), "฿1,234.50")
        XCTAssertEqual(moneyFormat(money: Money(minor: -5, currency: .usd)), "-US$0.05")
        XCTAssertEqual(moneyToDecimal(money: Money(minor: 1_234, currency: .kwd)), "1.234")
    }

    func testParsesDecimalsExactly() throws {
        XCTAssertEqual(try moneyParseDecimal(text: "98.73", currency: .thb), Money(minor: 9_873, currency: .thb))
        XCTAssertEqual(try moneyParseDecimal(text: "98.", currency: .thb), Money(minor: 9_800, currency: .thb))
        XCTAssertEqual(try moneyParseDecimal(text: "40123", currency: .vnd), Money(minor: 40_123, currency: .vnd))
    }

    func testRefusesWhatCannotBePaidExactlyWithAReadableMessage() {
        XCTAssertThrowsError(try moneyParseDecimal(text: "100.5", currency: .jpy)) { error in
            guard case KobanError.InvalidAmount(let message) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(message, "invalid amount: amount has 1 decimals but JPY has 0")
        }
        XCTAssertThrowsError(try moneyParseDecimal(text: "98,73", currency: .thb)) { error in
            XCTAssertEqual(error.localizedDescription, "invalid amount: amount has an invalid character ',' at position 2")
        }
    }

    func testLooksCurrenciesUp() throws {
        let thb = Currency(code: .thb, alpha: "THB", numeric: 764, exponent: 2, name: "Baht", symbol: "฿")
        XCTAssertEqual(try currencyLookup(code: "thb"), thb)
        XCTAssertEqual(try currencyLookup(code: "thb").code, .thb)
        XCTAssertEqual(currencyInfo(code: .thb), thb)
        XCTAssertEqual(try currencyLookup(code: "392").code, .jpy)
        XCTAssertEqual(try currencyLookup(code: "764").code, .thb)
        XCTAssertEqual(CurrencyCode.jpy.alpha, "JPY")
        XCTAssertEqual(CurrencyCode.`try`.alpha, "TRY")
        XCTAssertGreaterThanOrEqual(currencies().count, 50)
    }

    func testAnUnknownCodeIsRefusedOnlyWhereAStringComesIn() {
        // A Money cannot name an unknown currency any more; only a looked-up string can.
        XCTAssertThrowsError(try currencyLookup(code: "XYZ")) { error in
            guard case KobanError.InvalidInput(let message) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(message, "invalid input: unknown ISO 4217 currency \"XYZ\"")
        }
    }

    func testEveryListedCurrencyRoundTripsThroughItsCode() throws {
        let codes = currencies().map(\.code)
        XCTAssertFalse(codes.isEmpty)
        XCTAssertEqual(Set(codes).count, codes.count, "each code is listed once: \(codes)")
        for code in codes {
            let info = currencyInfo(code: code)
            XCTAssertEqual(info.code, code)
            XCTAssertEqual(try currencyLookup(code: info.alpha).code, code, info.alpha)
            XCTAssertEqual(code.alpha, info.alpha)
        }
    }
}
