import Foundation
import XCTest
import Koban

/// Consumer-presented codes against tests/vectors/cpm.json (an independent Python implementation).
final class ConsumerCodeTests: XCTestCase {
    func testCodesMatchTheKnownAnswers() throws {
        let vectors = try TestData.vectors("cpm.json")
        XCTAssertGreaterThanOrEqual(vectors.count, 3)
        for v in vectors {
            let name = v["name"] as! String
            let code = try TokenCode.generate(
                limitedUseKey: TestData.hex(v["limited_use_key_hex"] as! String),
                token: v["token"] as! String,
                counter: (v["counter"] as! NSNumber).int32Value,
                timestamp: Date(timeIntervalSince1970: (v["timestamp"] as! NSNumber).doubleValue),
                unpredictableNumber: TestData.hex(v["unpredictable_number_hex"] as! String)
            )
            XCTAssertEqual(TestData.hex(code.cryptogram()), v["cryptogram_hex"] as? String, name)
            let text = try code.qrText()
            XCTAssertEqual(text, v["qr_text"] as? String, name)
            XCTAssertEqual(TestData.hex(Data(base64Encoded: text)!), v["payload_hex"] as? String, name)
            if let numeric = v["numeric"] as? String {
                XCTAssertEqual(try code.numeric(), numeric, name)
            } else {
                XCTAssertThrowsError(try code.numeric(), name) { error in
                    XCTAssertEqual(error.localizedDescription, "invalid consumer code: tag 9F37 is malformed: numeric codes are made with a zero unpredictable number")
                }
            }
        }
    }

    func testTheTillReadsTheKnownAnswersBack() throws {
        for v in try TestData.vectors("cpm.json") {
            let ts = Date(timeIntervalSince1970: (v["timestamp"] as! NSNumber).doubleValue)
            let read = try TokenCode.fromQrText(text: v["qr_text"] as! String)
            XCTAssertEqual(read.token(), v["token"] as? String)
            XCTAssertEqual(read.counter(), (v["counter"] as! NSNumber).int32Value)
            XCTAssertEqual(read.timestamp(), ts)
            XCTAssertEqual(read.expiresAt(), ts.addingTimeInterval(60))
            XCTAssertEqual(read.cryptogram(), TestData.hex(v["cryptogram_hex"] as! String))
            guard let digits = v["numeric"] as? String else { continue }
            let numeric = try TokenCode.fromNumeric(digits: digits, now: ts.addingTimeInterval(30))
            XCTAssertEqual(numeric.timestamp(), ts)
            XCTAssertEqual(numeric.cryptogram(), TestData.hex(v["cryptogram_hex"] as! String).prefix(4))
            XCTAssertEqual(numeric.unpredictableNumber(), Data(count: 4))
        }
    }

    func testForeignAndBrokenCodesAreTypedErrors() {
        XCTAssertThrowsError(try TokenCode.fromNumeric(digits: "12", now: Date(timeIntervalSince1970: 0))) { error in
            guard case KobanError.InvalidConsumerCode(let message) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(message, "invalid consumer code: tag 0 is malformed: a Koban numeric code is 36 digits starting 88")
        }
        XCTAssertThrowsError(try TokenCode.generate(limitedUseKey: Data(count: 31), token: "4900000000000001", counter: 1, timestamp: Date(timeIntervalSince1970: 0), unpredictableNumber: Data(count: 4))) { error in
            guard case KobanError.InvalidInput(let message) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(message, "invalid input: malformed key")
        }
    }

    func testTheQrMatrixHasItsFinderPatterns() throws {
        let text = try TestData.vectors("cpm.json")[0]["qr_text"] as! String
        let m = try TokenCode.fromQrText(text: text).qrMatrix()
        XCTAssertEqual(m, try qrMatrix(text: text))
        let n = Int(m.size)
        XCTAssertEqual(m.modules.count, n * n)
        XCTAssert(n >= 21 && (n - 17) % 4 == 0, "size \(n) is not a QR version size")
        func dark(_ x: Int, _ y: Int) -> Bool { m.modules[y * n + x] }
        // Each corner: a 7x7 dark ring, a light ring inside it, and a dark 3x3 core.
        for (x0, y0) in [(0, 0), (n - 7, 0), (0, n - 7)] {
            for i in 0..<7 {
                XCTAssert(dark(x0 + i, y0) && dark(x0 + i, y0 + 6) && dark(x0, y0 + i) && dark(x0 + 6, y0 + i))
            }
            for i in 1..<6 {
                XCTAssertFalse(dark(x0 + i, y0 + 1) || dark(x0 + i, y0 + 5) || dark(x0 + 1, y0 + i) || dark(x0 + 5, y0 + i))
            }
            for dx in 2...4 { for dy in 2...4 { XCTAssert(dark(x0 + dx, y0 + dy)) } }
        }
        XCTAssertFalse((0..<7).allSatisfy { dark(n - 7 + $0, n - 7) && dark(n - 1, n - 7 + $0) })
    }
}
