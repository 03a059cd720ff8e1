// The Scanner's call overhead, Swift side: Scanner.scanFrame on the 1080p frames that
// bindings/benches/scanner.rs wrote, through the Swift bindings, exactly as an app calls it.
//
//   ScannerBench FRAME_DIR [WARMUP] [ITERS]
//
// Prints `result lang=… frame=… n=… median_ms=… p90_ms=… found=…/…` per path and frame, like the
// Rust and Kotlin benchmarks; figures only, timings are never asserted. The paths:
//   swift             scanFrame(luma: UnsafeRawBufferPointer) over memory the caller owns, as an app
//                     has a CVPixelBuffer's plane (Scanner+Frames.swift): Rust borrows it, no copy
//   swift-data        the generated scanFrame(luma: Data): Rust borrows Data's bytes, no copy

import Foundation
import Koban

let frames = ["frame-1080p", "frame-1080p-nocode"]

struct Frame {
    let width: Int32, height: Int32, stride: Int32
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
    func num(_ key: String) -> Int32 {
        guard let v = meta[key].flatMap({ Int32($0) }) else { fail("\(name).meta: no \(key)") }
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

/// A way to call the scanner, and its row name.
struct Path {
    let lang: String
    let call: (Koban.Scanner, Frame) throws -> [ScannedCode]
}

/// Calls per path before the next path's turn.
let block = 10

/// Times `warmup + iters` calls of every path on each frame, one scanner per path, and prints a
/// `result` line per path and frame. The paths take turns in blocks of `block` calls, so load from
/// elsewhere lands on all of them alike; a block keeps each path's own allocation pattern.
func measure(_ paths: [Path]) {
    for name in frames {
        let frame = readFrame(dir, name)
        let scanners = paths.map { _ in Koban.Scanner() }
        var ms = [[Double]](repeating: [], count: paths.count)
        var found = [Int](repeating: 0, count: paths.count)
        var done = 0
        while done < warmup + iters {
            let n = min(block, warmup + iters - done)
            for (p, path) in paths.enumerated() {
                for i in done..<(done + n) {
                    // The same frame every call: a camera pipeline reuses its buffers too, and the
                    // copies into Rust memory that the bindings make are part of what is measured.
                    let t = nowMs()
                    let codes: [ScannedCode]
                    do {
                        codes = try path.call(scanners[p], frame)
                    } catch {
                        fail("\(path.lang): scanFrame failed: \(error)")
                    }
                    let elapsed = nowMs() - t
                    if i >= warmup {
                        ms[p].append(elapsed)
                        if codes.contains(where: { $0.text == frame.expected }) { found[p] += 1 }
                    }
                }
            }
            done += n
        }
        for (p, path) in paths.enumerated() {
            let (median, p90) = stats(ms[p])
            print("result lang=\(path.lang) frame=\(name) n=\(iters) median_ms=\(fmt(median)) p90_ms=\(fmt(p90)) found=\(found[p])/\(frame.expected != nil ? iters : 0)")
        }
    }
}

measure([
    Path(lang: "swift") { scanner, f in
        // Memory the caller owns, like a locked CVPixelBuffer's plane (Data's storage, borrowed).
        try f.luma.withUnsafeBytes { try scanner.scanFrame(luma: $0, width: f.width, height: f.height, stride: f.stride, rotation: .deg0) }
    },
    Path(lang: "swift-data") { scanner, f in
        try scanner.scanFrame(luma: f.luma, width: f.width, height: f.height, stride: f.stride, rotation: .deg0)
    },
])
