import Foundation
import XCTest
// Testable: `borrowedData` is internal.
@testable import Koban
import KobanTestSupport

/// The hand-written `scanFrame(luma: UnsafeRawBufferPointer…)` (Scanner+Frames.swift) against the
/// generated `scanFrame(luma: Data…)`, which Rust borrows: the same codes and errors, and only
/// the given bytes read, with no copy.
final class ScannerFramesTests: XCTestCase {
    private func codeText() throws -> String {
        try TokenCode.generate(limitedUseKey: Data(repeating: 7, count: 32), token: "4900000000000001", counter: 1, timestamp: Date(timeIntervalSince1970: 1_795_500_000), unpredictableNumber: Data(count: 4)).qrText()
    }

    struct Frame {
        let luma: Data, width: Int32, height: Int32, stride: Int32
    }

    /// The same frames both ways, each with a fresh scanner: raw pointer, generated (`Data`).
    private func bothWays(_ f: Frame, _ rotation: FrameRotation, frames: Int) throws -> (raw: [[ScannedCode]], generated: [[ScannedCode]]) {
        let (raw, generated) = (Scanner(), Scanner())
        var out: ([[ScannedCode]], [[ScannedCode]]) = ([], [])
        for _ in 0..<frames {
            out.0.append(try f.luma.withUnsafeBytes { try raw.scanFrame(luma: $0, width: f.width, height: f.height, stride: f.stride, rotation: rotation) })
            out.1.append(try generated.scanFrame(luma: f.luma, width: f.width, height: f.height, stride: f.stride, rotation: rotation))
        }
        return out
    }

    func testTheRawPointerReturnsWhatTheGeneratedCallDoes() throws {
        let text = try codeText()
        let (luma, side, stride) = renderLuma(try qrMatrix(text: text), scale: 4, pad: 12)
        let r = try bothWays(Frame(luma: luma, width: Int32(side), height: Int32(side), stride: Int32(stride)), .deg0, frames: 1)
        XCTAssertEqual(r.raw.map { $0.map(\.text) }, [[text]])
        XCTAssertEqual(r.raw, r.generated)
        XCTAssertEqual(try scanImage(luma: luma, width: Int32(side), height: Int32(side), stride: Int32(stride)), r.generated[0])
    }

    func testStrideAndRotationReachTheScanner() throws {
        // The code off-centre in a landscape frame whose row padding is black: a scan that
        // ignored the stride would see black stripes, one that ignored the rotation other corners.
        let text = try codeText()
        let (code, side, codeStride) = renderLuma(try qrMatrix(text: text), scale: 3, pad: 0)
        let (width, height) = (side + 60, side + 10)
        let stride = width + 17
        var luma = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height { for x in 0..<width { luma[y * stride + x] = 255 } }
        for y in 0..<side { for x in 0..<side { luma[(y + 4) * stride + 30 + x] = code[y * codeStride + x] } }
        let frame = Frame(luma: Data(luma), width: Int32(width), height: Int32(height), stride: Int32(stride))
        var corners: [FrameRotation: [ScanPoint]] = [:]
        for rotation in [FrameRotation.deg0, .deg90, .deg180, .deg270] {
            let r = try bothWays(frame, rotation, frames: 4)
            XCTAssertEqual(r.raw, r.generated, "\(rotation)")
            let found = r.raw.joined().first { $0.text == text }
            XCTAssertNotNil(found, "\(rotation): not read in 4 frames")
            corners[rotation] = found?.corners
        }
        XCTAssertNotEqual(corners[.deg0], corners[.deg90])
        XCTAssertNotEqual(corners[.deg90], corners[.deg270])
    }

    func testACorpusPictureScansAlike() throws {
        let dir = TestData.root.appendingPathComponent("../shared/corpus/qr-zxing-cpp").standardizedFileURL
        guard FileManager.default.fileExists(atPath: dir.path) else {
            print("\n*** SKIPPED: ../shared/corpus/qr-zxing-cpp not found; the corpus fast-path test did not run ***\n")
            throw XCTSkip("../shared/corpus/qr-zxing-cpp not found")
        }
        let expected = try String(contentsOf: dir.appendingPathComponent(ScanTests.corpusText), encoding: .utf8)
        let picture = try testHookDecodeImage(path: dir.appendingPathComponent(ScanTests.corpusPicture).path)
        let r = try bothWays(Frame(luma: picture.luma, width: picture.width, height: picture.height, stride: picture.width), .deg0, frames: 8)
        XCTAssertEqual(r.raw, r.generated)
        XCTAssertTrue(r.raw.joined().contains { $0.text == expected }, "the raw-pointer call did not read \(ScanTests.corpusPicture) in 8 frames")
    }

    func testBadGeometryIsRefusedWithTheGeneratedPathsTypedErrors() throws {
        let scanner = Scanner()
        func same(_ luma: Data, _ width: Int32, _ height: Int32, _ stride: Int32, _ message: String, line: UInt = #line) {
            let calls: [(String, () throws -> [ScannedCode])] = [
                ("generated", { try scanner.scanFrame(luma: luma, width: width, height: height, stride: stride, rotation: .deg0) }),
                ("raw", { try luma.withUnsafeBytes { try scanner.scanFrame(luma: $0, width: width, height: height, stride: stride, rotation: .deg0) } }),
                ("still", { try scanImage(luma: luma, width: width, height: height, stride: stride) }),
            ]
            for (path, call) in calls {
                XCTAssertThrowsError(try call(), path, line: line) { error in
                    XCTAssertEqual(error as? KobanError, .InvalidInput(message: message), path, line: line)
                }
            }
        }
        same(Data(count: 10), 4, 4, 4, "invalid input: luma buffer has 10 bytes, 16 needed for 4x4 with stride 4")
        same(Data(count: 16), 4, 4, 3, "invalid input: row stride 3 is smaller than the width 4")
        same(Data(), 4, 4, 4, "invalid input: luma buffer has 0 bytes, 16 needed for 4x4 with stride 4")
        // An empty buffer pointer with no base address at all.
        XCTAssertThrowsError(try scanner.scanFrame(luma: UnsafeRawBufferPointer(start: nil, count: 0), width: 4, height: 4, stride: 4, rotation: .deg0)) { error in
            XCTAssertEqual(error as? KobanError, .InvalidInput(message: "invalid input: luma buffer has 0 bytes, 16 needed for 4x4 with stride 4"))
        }
        // The scanner goes on after refusals.
        XCTAssertTrue(try scanner.scanFrame(luma: Data(repeating: 128, count: 64 * 64), width: 64, height: 64, stride: 64, rotation: .deg90).isEmpty)
    }

    func testOnlyTheGivenBytesAreScanned() throws {
        // Black before and after the frame in one allocation, as in a pixel buffer's planes: a
        // scan from the wrong start or past the end would read another picture or be refused.
        let text = try codeText()
        let (luma, side, stride) = renderLuma(try qrMatrix(text: text), scale: 4, pad: 12)
        let whole = Data(count: 100) + luma + Data(count: 50)
        let expected = try Scanner().scanFrame(luma: luma, width: Int32(side), height: Int32(side), stride: Int32(stride), rotation: .deg0)
        XCTAssertEqual(expected.map(\.text), [text])
        let raw = try whole.withUnsafeBytes { all in
            try Scanner().scanFrame(luma: UnsafeRawBufferPointer(rebasing: all[100..<(100 + luma.count)]), width: Int32(side), height: Int32(side), stride: Int32(stride), rotation: .deg0)
        }
        XCTAssertEqual(raw, expected)
        // A Data slice keeps its parent's indices: the generated call lends only the slice.
        let slice = whole[100..<(100 + luma.count)]
        XCTAssertEqual(try Scanner().scanFrame(luma: slice, width: Int32(side), height: Int32(side), stride: Int32(stride), rotation: .deg0), expected)
        XCTAssertThrowsError(try Scanner().scanFrame(luma: whole[500..<510], width: 4, height: 4, stride: 4, rotation: .deg0)) { error in
            XCTAssertEqual(error as? KobanError, .InvalidInput(message: "invalid input: luma buffer has 10 bytes, 16 needed for 4x4 with stride 4"))
        }
    }

    func testTheRawPointerIsLentNotCopied() throws {
        let bytes: [UInt8] = Array(0..<200).map { UInt8($0) }
        try bytes.withUnsafeBytes { raw in
            let window = UnsafeRawBufferPointer(rebasing: raw[20..<120])
            let data = borrowedData(window)
            XCTAssertEqual(data.count, 100)
            XCTAssertEqual(Array(data), Array(bytes[20..<120]))
            // The same memory: Rust reads the caller's plane where it lies.
            data.withUnsafeBytes { XCTAssertEqual($0.baseAddress, window.baseAddress) }
            XCTAssertTrue(try Scanner().scanFrame(luma: window, width: 10, height: 10, stride: 10, rotation: .deg0).isEmpty)
        }
        XCTAssertEqual(borrowedData(UnsafeRawBufferPointer(start: nil, count: 0)), Data())
    }
}
