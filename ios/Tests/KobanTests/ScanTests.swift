import Foundation
import XCTest
import Koban
import KobanTestSupport

/// Scanning through the bindings: a generated code, a corpus picture's luma, and bad frames.
final class ScanTests: XCTestCase {
    static let corpusPicture = "qrcode-2/#1132.webp"
    static let corpusText = "qrcode-2/#1132.txt"

    func testADrawnConsumerCodeScansBackAndDetects() throws {
        let code = try TokenCode.generate(limitedUseKey: Data(repeating: 7, count: 32), token: "4900000000000001", counter: 1, timestamp: Date(timeIntervalSince1970: 1_795_500_000), unpredictableNumber: Data(count: 4))
        let text = try code.qrText()
        let (luma, side, stride) = renderLuma(try qrMatrix(text: text), scale: 4, pad: 12)
        let codes = try scanImage(luma: luma, width: Int32(side), height: Int32(side), stride: Int32(stride))
        XCTAssertEqual(codes.map(\.text), [text])
        XCTAssertEqual(codes.first?.corners.count, 4)
        XCTAssertEqual(try detect(payload: codes[0].text).schemes, ["koban-cpm"])
        // The fast pass reads a clean, upright code in the first frame.
        let frame = try Scanner().scanFrame(luma: luma, width: Int32(side), height: Int32(side), stride: Int32(stride), rotation: .deg0)
        XCTAssertEqual(frame.map(\.text), [text])
    }

    func testACorpusPictureScansWhereItLies() throws {
        let dir = TestData.root.appendingPathComponent("../shared/corpus/qr-zxing-cpp").standardizedFileURL
        guard FileManager.default.fileExists(atPath: dir.path) else {
            print("\n*** SKIPPED: ../shared/corpus/qr-zxing-cpp not found; the corpus scan test did not run ***\n")
            throw XCTSkip("../shared/corpus/qr-zxing-cpp not found")
        }
        let expected = try String(contentsOf: dir.appendingPathComponent(Self.corpusText), encoding: .utf8)
        let picture = try testHookDecodeImage(path: dir.appendingPathComponent(Self.corpusPicture).path)
        let (w, h) = (picture.width, picture.height)
        XCTAssertEqual(try scanImage(luma: picture.luma, width: w, height: h, stride: w).map(\.text), [expected])
        // A camera session: the scanner reads it within a few frames.
        let scanner = Scanner()
        var found = false
        for _ in 1...8 where !found {
            found = try scanner.scanFrame(luma: picture.luma, width: w, height: h, stride: w, rotation: .deg0).contains { $0.text == expected }
        }
        XCTAssertTrue(found, "the scanner did not read \(Self.corpusPicture) in 8 frames")
    }

    func testBadFramesAreTypedErrorsWithReadableMessages() throws {
        XCTAssertThrowsError(try scanImage(luma: Data(count: 10), width: 4, height: 4, stride: 4)) { error in
            guard case KobanError.InvalidInput(let message) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(message, "invalid input: luma buffer has 10 bytes, 16 needed for 4x4 with stride 4")
        }
        let scanner = Scanner()
        XCTAssertThrowsError(try scanner.scanFrame(luma: Data(count: 16), width: 4, height: 4, stride: 3, rotation: .deg0)) { error in
            XCTAssertEqual(error.localizedDescription, "invalid input: row stride 3 is smaller than the width 4")
        }
        XCTAssertTrue(try scanner.scanFrame(luma: Data(repeating: 128, count: 64 * 64), width: 64, height: 64, stride: 64, rotation: .deg90).isEmpty)
    }
}
