import Foundation
import XCTest
import Koban
@testable import KobanAppModel

/// Every text the app can show exists in English, Japanese, Thai and Simplified Chinese, with
/// the same placeholders; every key comes from the code's own tables (`TextKey.all`), and every
/// error kind Koban lists reaches a text through the exhaustive `kind` / `ErrorTopic` switches.
final class LocalizationTests: XCTestCase {
    private static let languages = Localization.languages

    private func tables() throws -> [String: [String: String]] {
        var all: [String: [String: String]] = [:]
        for language in Self.languages {
            all[language] = try XCTUnwrap(Localization.table(language), "no Localizable.strings for \(language) in the bundle")
        }
        return all
    }

    /// `%@`, `%1$@`, `%d`…: the placeholders of a format, sorted (translations may reorder them).
    static func placeholders(_ s: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "%(?:[0-9]+\\$)?[@dDuUxXoOfeEgGcCsSpaAF]|%%")
        let range = NSRange(s.startIndex..., in: s)
        return pattern.matches(in: s, range: range).map { String(s[Range($0.range, in: s)!]) }.filter { $0 != "%%" }.sorted()
    }

    func testEveryLanguageHasEveryKeyWithTheSamePlaceholders() throws {
        let tables = try tables()
        let english = try XCTUnwrap(tables["en"])
        XCTAssertFalse(english.isEmpty)
        for language in Self.languages {
            let table = try XCTUnwrap(tables[language])
            // The same keys everywhere: none missing, none left over from a removed text.
            XCTAssertEqual(Set(table.keys).subtracting(english.keys).sorted(), [], "\(language) has keys English lacks")
            for (key, source) in english {
                guard let text = table[key] else {
                    XCTFail("\(language) has no text for \(key)")
                    continue
                }
                XCTAssertFalse(text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(language): \(key) is empty")
                XCTAssertEqual(Self.placeholders(text), Self.placeholders(source), "\(language): \(key) has other placeholders than English")
            }
        }
    }

    func testEveryKeyTheCodeUsesHasATextInEveryLanguage() throws {
        let tables = try tables()
        let keys = TextKey.all
        XCTAssertEqual(Set(keys).count, keys.count, "two texts share a key")
        XCTAssertGreaterThan(keys.count, 100)
        for language in Self.languages {
            let table = try XCTUnwrap(tables[language])
            let localization = Localization(language: language)
            for key in keys {
                XCTAssertFalse(table[key.rawValue]?.isEmpty ?? true, "\(language) has no text for \(key.rawValue)")
                // The lookup the app makes finds it too (the bundle is built right).
                XCTAssertNotNil(localization.lookup(key.rawValue), "\(language): \(key.rawValue) not found through the bundle")
            }
        }
        // And nothing in the tables that the code never shows.
        let english = try XCTUnwrap(tables["en"])
        XCTAssertEqual(Set(english.keys).subtracting(keys.map(\.rawValue)).sorted(), [], "texts no code uses")
    }

    func testEveryErrorKindHasATitleAndExplanationInEveryLanguage() throws {
        var messages: [UserMessage] = []
        for kind in testHookWalletErrorKinds() {
            XCTAssertThrowsError(try testHookWalletError(kind: kind, message: "m")) { error in
                XCTAssertEqual((error as? WalletError)?.kind, kind, "WalletError.kind does not name \(kind) as Rust does")
                messages.append(UserMessage(error))
            }
        }
        for kind in testHookDetectionErrorKinds() {
            XCTAssertThrowsError(try testHookDetectionError(kind: kind, message: "m")) { error in
                XCTAssertEqual((error as? DetectionError)?.kind, kind)
                messages.append(UserMessage(error))
            }
        }
        for kind in testHookTerminalErrorKinds() {
            XCTAssertThrowsError(try testHookTerminalError(kind: kind, message: "m")) { error in
                XCTAssertEqual((error as? TerminalError)?.kind, kind)
                messages.append(UserMessage(error))
            }
        }
        XCTAssertGreaterThan(messages.count, 80)
        let tables = try tables()
        for language in Self.languages {
            let table = try XCTUnwrap(tables[language])
            let saved = Localization.current
            Localization.current = Localization(language: language)
            defer { Localization.current = saved }
            for topic in ErrorTopic.allCases {
                XCTAssertFalse(table[topic.titleKey.rawValue]?.isEmpty ?? true, "\(language): no title for \(topic)")
                XCTAssertFalse(table[topic.detailKey.rawValue]?.isEmpty ?? true, "\(language): no explanation for \(topic)")
            }
            for kind in testHookWalletErrorKinds() {
                let m = try message(kind) { try testHookWalletError(kind: kind, message: "m") }
                XCTAssertFalse(m.title.isEmpty || m.detail.isEmpty, "\(language): \(kind) has no text")
                XCTAssertFalse(m.title.hasPrefix("error."), "\(language): \(kind) shows its key")
                XCTAssertFalse(m.detail.hasPrefix("error."), "\(language): \(kind) shows its key")
            }
        }
    }

    private func message(_ kind: String, _ throwing: () throws -> Void) throws -> UserMessage {
        do {
            try throwing()
        } catch {
            return UserMessage(error)
        }
        XCTFail("\(kind) did not throw")
        return UserMessage(kind: kind, title: "", detail: "", action: nil)
    }

    func testMessagesAndHistoryLinesAreInTheChosenLanguage() throws {
        let saved = Localization.current
        defer { Localization.current = saved }
        Localization.current = Localization(language: "ja")
        XCTAssertThrowsError(try testHookWalletError(kind: "insufficient_funds", message: "insufficient funds in wallet")) { error in
            let m = UserMessage(error)
            XCTAssertEqual(m.title, "残高が不足しています")
            XCTAssertEqual(m.reason, "insufficient funds in wallet")
            XCTAssertEqual(m.action, .topUp)
        }
        let line = { (who: String?) in TransactionLine.text(kind: .payment, direction: .out, counterparty: who) }
        XCTAssertEqual(line("KOBAN RAMEN"), "KOBAN RAMENへのお支払い")
        Localization.current = Localization(language: "th")
        XCTAssertEqual(line("KOBAN RAMEN"), "ชำระเงินให้ KOBAN RAMEN")
        Localization.current = Localization(language: "zh-Hans")
        XCTAssertEqual(line("KOBAN RAMEN"), "向KOBAN RAMEN付款")
        XCTAssertEqual(AppText.splitMismatchDetail.text("¥9,000", "¥10,000"), "合计为¥9,000，账单总额为¥10,000。")
        Localization.current = Localization(language: "en")
        XCTAssertEqual(line("KOBAN RAMEN"), "Payment to KOBAN RAMEN")
        XCTAssertEqual(line(nil), "Payment")
        XCTAssertEqual(TransactionLine.text(kind: .transfer, direction: .in, counterparty: "@ben"), "Received from @ben")
        XCTAssertEqual(TransactionLine.text(kind: .transfer, direction: .out, counterparty: "@ben"), "Sent to @ben")
        XCTAssertEqual(TransactionLine.text(kind: .tillCharge, direction: .out, counterparty: "KOBAN MART"), "Paid at KOBAN MART with your code")
        XCTAssertEqual(TransactionLine.text(kind: .remittance, direction: .in, counterparty: nil), "Received")
        XCTAssertEqual(TransactionLine.text(kind: .remittanceReturn, direction: .in, counterparty: nil), "International transfer returned")
        // A kind a newer host added: worded by its direction alone.
        XCTAssertEqual(TransactionLine.text(kind: .unknown, direction: .out, counterparty: nil), "Money out")
        XCTAssertEqual(TransactionLine.text(kind: .unknown, direction: .in, counterparty: nil), "Money in")
    }

    func testTheDeviceLanguagePicksTheTable() {
        XCTAssertEqual(Localization.language(forPreferences: ["ja-JP", "en-US"]), "ja")
        XCTAssertEqual(Localization.language(forPreferences: ["th_TH"]), "th")
        XCTAssertEqual(Localization.language(forPreferences: ["zh-Hans-CN"]), "zh-Hans")
        XCTAssertEqual(Localization.language(forPreferences: ["zh-CN"]), "zh-Hans")
        XCTAssertEqual(Localization.language(forPreferences: ["zh-Hant-TW", "ja"]), "ja")
        XCTAssertEqual(Localization.language(forPreferences: ["de-DE"]), "en")
        XCTAssertEqual(Localization.language(forPreferences: []), "en")
        XCTAssertEqual(Localization(language: "fr").language, "en")
    }
}

/// The texts the system shows for the app (the camera permission) are in the same four
/// languages: `ios/App/KobanWallet/<language>.lproj/InfoPlist.strings`, read from the source tree.
final class AppInfoPlistLocalizationTests: XCTestCase {
    func testTheAppsInfoPlistTextsAreInEveryLanguage() throws {
        let app = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("App/KobanWallet")
        var keys: Set<String>?
        for language in Localization.languages {
            let url = app.appendingPathComponent("\(language).lproj/InfoPlist.strings")
            let data = try Data(contentsOf: url)
            let table = try XCTUnwrap(try PropertyListSerialization.propertyList(from: data, format: nil) as? [String: String], url.path)
            XCTAssertTrue(table.keys.contains("NSCameraUsageDescription"), "\(language) has no camera permission text")
            XCTAssertTrue(table.values.allSatisfy { !$0.trimmingCharacters(in: .whitespaces).isEmpty }, "\(language) has an empty text")
            if let keys { XCTAssertEqual(Set(table.keys), keys, "\(language) has other keys than English") } else { keys = Set(table.keys) }
        }
    }
}
