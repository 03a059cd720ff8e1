import Foundation
import XCTest
import Koban

/// Detection through the bindings: the shared vectors, typed refusals and a corpus payload.
final class DetectionTests: XCTestCase {
    private func crcValid(_ crc: CrcStatus) -> Bool? {
        switch crc {
        case .valid: return true
        case .invalid: return false
        case .missing, .notApplicable: return nil
        }
    }

    private func presentmentId(_ p: Presentment) -> String {
        switch p {
        case .merchant: return "merchant"
        case .consumer: return "consumer"
        case .p2p: return "p2p"
        case .unknown: return "unknown"
        }
    }

    private func referenceKindId(_ k: ReferenceKind) -> String {
        // billNumber -> bill_number
        String(describing: k).reduce(into: "") { out, c in
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
    }

    /// JSON null arrives as NSNull; absent and null both mean "none".
    private func opt(_ v: Any?) -> Any? { v is NSNull ? nil : v }

    private func problems(_ name: String, _ e: [String: Any], _ d: Detection) -> [String] {
        var out: [String] = []
        func want<T: Equatable>(_ what: String, _ got: T?, _ expected: Any?) {
            let exp = opt(expected) as? T
            if got != exp || (exp == nil && opt(expected) != nil) {
                out.append("\(name): \(what): got \(String(describing: got)), expected \(String(describing: expected))")
            }
        }
        want("format", payloadFormatId(format: d.format), e["format"])
        want("presentment", presentmentId(d.presentment), e["presentment"])
        want("schemes", Set(d.schemes), Set(e["schemes"] as! [String]))
        want("amount_minor", d.amount.map { Int($0.minor) }, e["amount_minor"])
        want("amount_currency", d.amount?.currency.alpha, e["amount_currency"])
        want("currency", d.currency?.alpha, e["currency"])
        want("merchant_name", d.merchant?.name, e["merchant_name"])
        want("crc_valid", crcValid(d.crc), e["crc_valid"])
        if e["alternate_name"] != nil {
            want("alternate_name", d.merchant?.alternate?.name, e["alternate_name"])
            want("alternate_language", d.merchant?.alternate?.language, e["alternate_language"])
        }
        if e["identifier"] != nil { want("identifier", d.routes.first?.identifier, e["identifier"]) }
        for w in (e["warnings_include"] as? [String]) ?? [] where !d.warnings.contains(where: { $0.code == w }) {
            out.append("\(name): warning \(w) missing from \(d.warnings.map(\.code))")
        }
        if let ask = e["ask_payer"] as? [String] {
            want("ask_payer", Set(d.references.filter { $0.value == nil }.map { referenceKindId($0.kind) }), Set(ask))
        }
        return out
    }

    func testEverySharedVectorDetectsAsWritten() throws {
        let vectors = try TestData.vectors("detect.json")
        XCTAssertGreaterThanOrEqual(vectors.count, 15)
        var problems: [String] = []
        for v in vectors {
            let name = v["name"] as! String
            let nowMs = (v["now_ms"] as? NSNumber)?.int64Value ?? 0
            let error = v["error"] as? [String: Any]
            do {
                let d = try detectAt(payload: v["payload"] as! String, now: Date(timeIntervalSince1970: Double(nowMs) / 1000))
                if let error {
                    problems.append("\(name): detected \(d.format) instead of failing with \(error["kind"]!)")
                } else {
                    problems += self.problems(name, v["expect"] as! [String: Any], d)
                }
            } catch let e as DetectionError {
                guard let error else { problems.append("\(name): refused (\(e.kind): \(e.message))"); continue }
                if e.kind != error["kind"] as! String { problems.append("\(name): kind \(e.kind) != \(error["kind"]!)") }
                let words = error["message_contains"] as! String
                if !e.message.contains(words) { problems.append("\(name): message '\(e.message)' lacks '\(words)'") }
            }
        }
        XCTAssert(problems.isEmpty, "\(problems.count) problems:\n" + problems.joined(separator: "\n"))
    }

    func testARefusedCodeIsATypedErrorWithTheCoreMessage() {
        XCTAssertThrowsError(try detect(payload: "00020101021129370016A0000006770101110113006681222333353037645802TH63040000")) { error in
            guard case DetectionError.CrcMismatch(let message) = error else {
                return XCTFail("expected DetectionError.CrcMismatch, got \(error)")
            }
            XCTAssertEqual(message, "CRC mismatch: the code carries 0000, its contents compute to 1DCF")
            XCTAssertEqual((error as! DetectionError).kind, "crc_mismatch")
            XCTAssertEqual(error.localizedDescription, message)
        }
        XCTAssertThrowsError(try detect(payload: "  \n")) { error in
            XCTAssertEqual((error as? DetectionError)?.kind, "empty")
            XCTAssertEqual(error.localizedDescription, "the payload is empty")
        }
        // The payee address quoted by the core is left out of what the app may show.
        XCTAssertThrowsError(try detect(payload: "upi://pay?pa=alice.sharma&pn=Alice")) { error in
            XCTAssertEqual(error.localizedDescription, "malformed upi payload: payee address \"…\" is not a VPA (name@handle)")
        }
    }

    func testEveryKindMapsToTheCoreSpelling() {
        let kinds = testHookDetectionErrorKinds()
        XCTAssertEqual(kinds.count, 20)
        for kind in kinds {
            XCTAssertThrowsError(try testHookDetectionError(kind: kind, message: "message of \(kind)")) { error in
                XCTAssertEqual((error as? DetectionError)?.kind, kind)
                XCTAssertEqual(error.localizedDescription, "message of \(kind)")
            }
        }
    }

    func testUnknownPayloadsAreNotErrors() throws {
        let d = try detect(payload: "hello world")
        XCTAssertEqual(d.format, .unknown)
        XCTAssertTrue(d.routes.isEmpty)
        XCTAssertNil(d.amount)
    }

    func testACorpusPayloadDetectsWhereItLies() throws {
        guard let corpus = TestData.corpus else {
            print("\n*** SKIPPED: ../shared/corpus/payloads.jsonl not found; the corpus detection test did not run ***\n")
            throw XCTSkip("../shared/corpus/payloads.jsonl not found")
        }
        let lines = try String(contentsOf: corpus, encoding: .utf8).split(separator: "\n")
        let record = try lines.lazy
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .first { $0["id"] as? String == "promptparse-anyid-amt" }!
        let expect = record["expect"] as! [String: Any]
        let d = try detectAt(payload: record["payload"] as! String, now: Date(timeIntervalSince1970: 0))
        XCTAssertEqual(Set(d.schemes), Set(expect["schemes"] as! [String]))
        XCTAssertEqual(d.amount?.minor, (expect["amount_minor"] as! NSNumber).int64Value)
        XCTAssertEqual(d.currency?.alpha, expect["currency_alpha"] as? String)
        XCTAssertEqual(crcValid(d.crc), true)
    }
}
