import Foundation

/// Where the repository and the shared files lie: found from this file's path, so it works
/// wherever the package is mounted (the Swift root mounts the repository at /work/koban).
enum TestData {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `vectors` array of a file in tests/vectors.
    static func vectors(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: root.appendingPathComponent("tests/vectors/\(name)"))
        let doc = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return doc["vectors"] as! [[String: Any]]
    }

    /// ../shared/corpus/payloads.jsonl relative to the repository root, or nil when absent.
    static var corpus: URL? {
        let url = root.appendingPathComponent("../shared/corpus/payloads.jsonl").standardizedFileURL
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    static func hex(_ s: String) -> Data {
        var out = Data()
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    static func hex(_ d: Data) -> String { d.map { String(format: "%02X", $0) }.joined() }
}
