package io.koban

import java.nio.ByteBuffer
import java.nio.ByteOrder

// Why this file exists: CameraX hands the Y plane over as a direct ByteBuffer, and the generated
// `scanFrame(ByteArray, …)` would need it copied into a ByteArray first, then copies that again
// into a RustBuffer. This overload copies the buffer once, straight into a RustBuffer, and makes
// the generated method's FFI call with it; Rust scans that buffer in place (`LumaBuffer` in
// bindings/src/scan.rs). scripts/bench-scanner.sh measures both.
//
// It mirrors the code uniffi =0.32.2 generates (pinned in the root Cargo.toml): the argument is
// `Vec<u8>`'s serialization (a big-endian i32 length, then the bytes, as FfiConverterByteArray
// writes it), and the call status is checked like the generated `uniffiCheckCallStatus`, which
// is private to the generated file. ScannerFramesTest compares it with the generated method, so
// an upgrade that changes any of it fails there.

/**
 * Scans one frame from a ByteBuffer (CameraX's `ImageProxy.planes[0].buffer`), copying it once.
 *
 * Same arguments, result and errors as `scanFrame(ByteArray, …)`: the buffer's remaining bytes
 * are the Y plane, `stride` bytes per row. Direct or heap; its position and limit are left as
 * they were.
 */
@Throws(KobanException::class)
fun Scanner.scanFrame(luma: ByteBuffer, width: UInt, height: UInt, stride: UInt, rotation: FrameRotation): List<ScannedCode> =
    scanFrameLowered(lowerLuma(luma), width, height, stride, rotation)

/** `Vec<u8>`'s RustBuffer for the remaining bytes of [luma]: one Rust allocation, one copy. */
internal fun lowerLuma(luma: ByteBuffer): RustBuffer.ByValue {
    val count = luma.remaining()
    if (count > Int.MAX_VALUE - 4) throw KobanException.InvalidInput("invalid input: a luma buffer of $count bytes is too large")
    val buf = RustBuffer.alloc((4 + count).toULong())
    try {
        val out = buf.data!!.getByteBuffer(0, buf.len).order(ByteOrder.BIG_ENDIAN)
        out.putInt(count)
        // A duplicate has its own position: the caller's buffer is not moved.
        out.put(luma.duplicate())
        return buf
    } catch (e: Throwable) {
        RustBuffer.free(buf)
        throw e
    }
}

/**
 * The generated `scanFrame`'s FFI call with a luma buffer already lowered; Rust takes the buffer
 * over (it is freed here if the call is never made). Internal so the tests can send a malformed one.
 */
internal fun Scanner.scanFrameLowered(luma: RustBuffer.ByValue, width: UInt, height: UInt, stride: UInt, rotation: FrameRotation): List<ScannedCode> {
    val status = UniffiRustCallStatus()
    var passed = false
    val codes = try {
        callWithHandle { handle ->
            val rotationBuf = FfiConverterTypeFrameRotation.lower(rotation)
            passed = true
            UniffiLib.uniffi_koban_ffi_fn_method_scanner_scan_frame(
                handle, luma, width.toInt(), height.toInt(), stride.toInt(), rotationBuf, status)
        }
    } finally {
        // A destroyed scanner throws before the call: the buffer is still ours.
        if (!passed) RustBuffer.free(luma)
    }
    when {
        status.isSuccess() -> return FfiConverterSequenceTypeScannedCode.lift(codes)
        status.isError() -> throw KobanException.lift(status.error_buf)
        // The panic message, empty if even building it failed; the same exception as the generated code's.
        status.isPanic() -> throw InternalException(if (status.error_buf.len > 0) FfiConverterString.lift(status.error_buf) else "Rust panic")
        else -> throw InternalException("Unknown rust call status: ${status.code}")
    }
}
