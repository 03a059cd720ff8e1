import Foundation
#if canImport(KobanFFI)
import KobanFFI
#endif

// Why this file exists: the generated `scanFrame(luma: Data, …)` lowers a frame twice
// (`FfiConverterData` appends it to a Swift `[UInt8]`, then `rustbuffer_from_bytes` copies that
// into Rust memory), and on Linux glibc gives the heap's top back after every call, so every
// call also faults ~4 MB of fresh pages in: a 1080p frame cost 157% of the Rust call
// (scripts/bench-scanner.sh). These overloads write the frame once, straight into a buffer that
// Rust allocates, and make the generated method's FFI call with it; Rust scans that buffer in
// place (`LumaBuffer` in bindings/src/scan.rs).
//
// They mirror the code uniffi =0.32.2 generates (pinned in the root Cargo.toml): the argument is
// `Vec<u8>`'s serialization (a big-endian i32 length, then the bytes), the result is lifted like
// `FfiConverterSequenceTypeScannedCode`, and the call status is checked like `rustCallWithError`
// (both private to the generated file, hence the copies here). ScannerFramesTests compares them
// with the generated method, so an upgrade that changes any of it fails there.

extension Scanner {
    /// Scans one frame from memory the caller owns (`CVPixelBufferGetBaseAddressOfPlane`), copying it once.
    ///
    /// Same arguments, result and errors as `scanFrame(luma: Data, …)`: `luma` holds the Y plane,
    /// `stride` bytes per row. It is read only during the call.
    public func scanFrame(luma: UnsafeRawBufferPointer, width: UInt32, height: UInt32, stride: UInt32, rotation: FrameRotation) throws -> [ScannedCode] {
        try scanFrame(lowered: try lowerLuma(luma), width: width, height: height, stride: stride, rotation: rotation)
    }

    /// Scans one frame held in `Data` with one copy instead of the generated `scanFrame(luma:…)`'s two.
    public func scanFrame(lumaData: Data, width: UInt32, height: UInt32, stride: UInt32, rotation: FrameRotation) throws -> [ScannedCode] {
        try lumaData.withUnsafeBytes { try scanFrame(luma: $0, width: width, height: height, stride: stride, rotation: rotation) }
    }

    /// The generated method's FFI call with a luma buffer already lowered; Rust takes the buffer over.
    /// Internal so the tests can send a malformed buffer.
    func scanFrame(lowered luma: RustBuffer, width: UInt32, height: UInt32, stride: UInt32, rotation: FrameRotation) throws -> [ScannedCode] {
        var status = RustCallStatus(code: 0, errorBuf: RustBuffer(capacity: 0, len: 0, data: nil))
        let codes = uniffi_koban_ffi_fn_method_scanner_scan_frame(
            uniffiCloneHandle(), luma, width, height, stride, FfiConverterTypeFrameRotation_lower(rotation), &status)
        try checkFrameCallStatus(status)
        return try liftScannedCodes(codes)
    }
}

/// `Vec<u8>`'s RustBuffer for `luma`: one Rust allocation, one copy.
func lowerLuma(_ luma: UnsafeRawBufferPointer) throws -> RustBuffer {
    guard luma.count <= Int(Int32.max) - 4 else {
        throw KobanError.InvalidInput(message: "invalid input: a luma buffer of \(luma.count) bytes is too large")
    }
    var status = RustCallStatus(code: 0, errorBuf: RustBuffer(capacity: 0, len: 0, data: nil))
    let buf = ffi_koban_ffi_rustbuffer_alloc(UInt64(4 + luma.count), &status)
    try checkFrameCallStatus(status)
    // Never nil: at least the 4-byte length was asked for.
    let out = UnsafeMutableRawPointer(buf.data!)
    var length = Int32(luma.count).bigEndian
    withUnsafeBytes(of: &length) { out.copyMemory(from: $0.baseAddress!, byteCount: 4) }
    if let bytes = luma.baseAddress, luma.count > 0 {
        (out + 4).copyMemory(from: bytes, byteCount: luma.count)
    }
    return buf
}

/// What `rustCallWithError(FfiConverterTypeKobanError_lift)` does with a call status, except that
/// a panic becomes `KobanError.Internal` (the generated `UniffiInternalError` is file-private).
private func checkFrameCallStatus(_ status: RustCallStatus) throws {
    switch status.code {
    case 0:
        return
    case 1:
        // Lifting frees the buffer.
        throw try FfiConverterTypeKobanError_lift(status.errorBuf)
    case 2:
        // The panic message as a bare UTF-8 RustBuffer, empty if even that failed.
        let message = takeString(status.errorBuf)
        throw KobanError.Internal(message: message.isEmpty ? "Rust panic" : message)
    default:
        throw KobanError.Internal(message: "unexpected Rust call status \(status.code)")
    }
}

/// A string RustBuffer's text (bytes with no length prefix); frees the buffer.
private func takeString(_ buf: RustBuffer) -> String {
    defer { freeRustBuffer(buf) }
    guard let data = buf.data, buf.len > 0 else { return "" }
    return String(decoding: UnsafeBufferPointer(start: data, count: Int(buf.len)), as: UTF8.self)
}

/// `[ScannedCode]` from its RustBuffer (a big-endian i32 count, then each code); frees the buffer.
private func liftScannedCodes(_ buf: RustBuffer) throws -> [ScannedCode] {
    defer { freeRustBuffer(buf) }
    guard let data = buf.data, buf.len >= 4 else {
        throw KobanError.Internal(message: "scan results of \(buf.len) bytes have no count")
    }
    var reader: (data: Data, offset: Data.Index) = (Data(bytesNoCopy: data, count: Int(buf.len), deallocator: .none), 4)
    let count = Int32(bitPattern: (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(data[$1]) })
    guard count >= 0 else { throw KobanError.Internal(message: "scan results announce \(count) codes") }
    var codes: [ScannedCode] = []
    codes.reserveCapacity(Int(count))
    for _ in 0..<count {
        codes.append(try FfiConverterTypeScannedCode.read(from: &reader))
    }
    guard reader.offset == reader.data.count else {
        throw KobanError.Internal(message: "scan results have \(reader.data.count - reader.offset) bytes left over")
    }
    return codes
}

private func freeRustBuffer(_ buf: RustBuffer) {
    var status = RustCallStatus(code: 0, errorBuf: RustBuffer(capacity: 0, len: 0, data: nil))
    ffi_koban_ffi_rustbuffer_free(buf, &status)
}
