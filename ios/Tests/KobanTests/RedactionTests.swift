import Foundation
import XCTest
import Koban

/// Records holding personal data print redacted: `description` and `debugDescription` are the
/// core's redacted `Debug`.
final class RedactionTests: XCTestCase {
    private func assertRedacted<T>(_ value: T, _ secrets: [String], file: StaticString = #filePath, line: UInt = #line) {
        for printed in [String(describing: value), String(reflecting: value), "\(value)", "\([value])"] {
            XCTAssertFalse(printed.isEmpty, file: file, line: line)
            for s in secrets {
                XCTAssertFalse(printed.contains(s), "'\(s)' appears in \(printed)", file: file, line: line)
            }
        }
    }

    func testIdentityPrintsWithoutItsDocumentNumberOrName() {
        assertRedacted(Identity(legalName: "TANAKA AIKO", dateOfBirth: "1990-04-01", documentNumber: "TK4455667"),
                       ["TK4455667", "TANAKA AIKO", "1990-04-01"])
    }

    func testBankAccountPrintsWithoutItsNumber() {
        let account = BankAccount(bankId: "bank_sakura", accountNumber: "7654321098", holderName: "TANAKA AIKO", sandboxOpeningBalance: nil)
        assertRedacted(account, ["7654321098", "TANAKA AIKO"])
        XCTAssertTrue(account.description.contains("bank_sakura"))
    }

    func testRemittanceDestinationAndRecipientPrintWithoutTheAccountOrName() {
        let destination = RemitDestination.payout(method: "mobile_wallet", provider: "gcash", account: "09171234567")
        assertRedacted(destination, ["09171234567"])
        assertRedacted(RemitRecipient(name: "JUAN DELA CRUZ", destination: destination, relationship: "family"),
                       ["09171234567", "JUAN DELA CRUZ"])
    }
}
