// The Scanner's call overhead, Swift side: Scanner().scanFrame on the 1080p frames that
// bindings/benches/scanner.rs wrote, through the generated bindings, exactly as an app calls it.
//
//   ScannerBench FRAME_DIR [WARMUP] [ITERS]
//
// Prints `result lang=swift frame=… n=… median_ms=… p90_ms=… found=…/…` per frame, like the
// Rust and Kotlin benchmarks; figures only, timings are never asserted.

import Foundation
import Koban

let frames = ["frame-1080p", "frame-1080p-nocode"]

struct Frame {
    let width: UInt32, height: UInt32, stride: UInt32
    let luma: Data
    let expected: String?
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
    exit(1)
}

func readFrame(_ dir: String, _ name: String) -> Frame {
    guard let metaText = try? String(contentsOfFile: "\(dir)/\(name).meta", encoding: .utf8) else { fail("\(dir)/\(name).meta: cannot read") }
    var meta: [String: String] = [:]
    for line in metaText.split(separator: "\n") {
        guard let eq = line.firstIndex(of: "=") else { continue }
        meta[String(line[..<eq])] = String(line[line.index(after: eq)...])
    }
    func num(_ key: String) -> UInt32 {
        guard let v = meta[key].flatMap({ UInt32($0) }) else { fail("\(name).meta: no \(key)") }
        return v
    }
    guard let luma = FileManager.default.contents(atPath: "\(dir)/\(name).luma") else { fail("\(dir)/\(name).luma: cannot read") }
    let frame = Frame(width: num("width"), height: num("height"), stride: num("stride"), luma: luma,
                      expected: try? String(contentsOfFile: "\(dir)/\(name).txt", encoding: .utf8))
    guard luma.count == Int(frame.stride) * Int(frame.height) else { fail("\(name).luma has the wrong size") }
    return frame
}

/// Median and 90th percentile, by the same nearest-rank rule as the Rust and Kotlin benchmarks.
func stats(_ ms: [Double]) -> (Double, Double) {
    let s = ms.sorted()
    return (s[s.count / 2], s[s.count * 9 / 10])
}

func nowMs() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

func fmt(_ x: Double) -> String { String(format: "%.3f", x) }

let args = CommandLine.arguments
guard args.count >= 2 else { fail("usage: ScannerBench FRAME_DIR [WARMUP] [ITERS]") }
let dir = args[1]
let warmup = args.count > 2 ? Int(args[2]) ?? 40 : 40
let iters = args.count > 3 ? Int(args[3]) ?? 200 : 200

for name in frames {
    let frame = readFrame(dir, name)
    let scanner = Scanner()
    var found = 0
    var ms: [Double] = []
    ms.reserveCapacity(iters)
    // The same Data every call: a camera pipeline reuses its buffers too, and the copies into
    // Rust memory that the bindings make are part of what is measured.
    for i in 0..<(warmup + iters) {
        let t = nowMs()
        let codes: [ScannedCode]
        do {
            codes = try scanner.scanFrame(luma: frame.luma, width: frame.width, height: frame.height, stride: frame.stride, rotation: .deg0)
        } catch {
            fail("scanFrame failed: \(error)")
        }
        let elapsed = nowMs() - t
        if i >= warmup {
            ms.append(elapsed)
            if codes.contains(where: { $0.text == frame.expected }) { found += 1 }
        }
    }
    let (median, p90) = stats(ms)
    print("result lang=swift frame=\(name) n=\(iters) median_ms=\(fmt(median)) p90_ms=\(fmt(p90)) found=\(found)/\(frame.expected != nil ? iters : 0)")
}

// The breakdown: the bindings' lowering of Data is private to the Koban module; this is the
// Swift half of it, done the same way (a [UInt8] writer with a 4-byte length, then the bytes).
let luma = readFrame(dir, frames[0]).luma
var lower: [Double] = []
for i in 0..<(warmup + iters) {
    let t = nowMs()
    var writer: [UInt8] = []
    var len = Int32(luma.count).bigEndian
    withUnsafeBytes(of: &len) { writer.append(contentsOf: $0) }
    writer.append(contentsOf: luma)
    let elapsed = nowMs() - t
    if writer.count != luma.count + 4 { fail("lowering copy has the wrong size") }
    if i >= warmup { lower.append(elapsed) }
}
let (lm, lp) = stats(lower)
print("part lang=swift what=data_to_writer median_ms=\(fmt(lm)) p90_ms=\(fmt(lp))")
