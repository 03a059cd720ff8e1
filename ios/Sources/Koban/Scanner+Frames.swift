import Foundation

// Why this file exists: Rust borrows the luma plane for the call (`&[u8]`), and the generated
// `scanFrame(luma: Data, …)` lends it from `Data.withUnsafeBytes`, with no copy. A camera holds
// its frame as a locked CVPixelBuffer's plane, a raw pointer: this overload lends that memory
// as `Data` that neither copies nor frees it.

extension Scanner {
    /// Scans one frame from memory the caller holds (`CVPixelBufferGetBaseAddressOfPlane`), with no copy.
    ///
    /// Same arguments, result and errors as `scanFrame(luma: Data, …)`: `luma` holds the Y plane,
    /// `stride` bytes per row. It is read only during the call.
    public func scanFrame(luma: UnsafeRawBufferPointer, width: Int32, height: Int32, stride: Int32, rotation: FrameRotation) throws -> [ScannedCode] {
        try scanFrame(luma: borrowedData(luma), width: width, height: height, stride: stride, rotation: rotation)
    }
}

/// `luma` as `Data` over the same memory: not copied, not freed, valid while the caller holds it.
func borrowedData(_ luma: UnsafeRawBufferPointer) -> Data {
    guard let base = luma.baseAddress, luma.count > 0 else { return Data() }
    // Read only: the mutable pointer is what the initialiser takes, and nothing writes through it.
    return Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: luma.count, deallocator: .none)
}
