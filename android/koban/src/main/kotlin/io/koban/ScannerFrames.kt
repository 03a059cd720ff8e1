package io.koban

import com.sun.jna.Memory
import java.nio.ByteBuffer

// Why this file exists: Rust borrows the luma plane for the call (`&[u8]`, no copy), which
// uniffi lowers from a direct ByteBuffer only, reading it from index 0 whatever its position,
// and which nothing keeps reachable while Rust reads it (JNA passes the bare address). The
// generated calls are renamed `scanFrameDirect`/`scanImageDirect` (uniffi.toml); these take
// any buffer or a ByteArray, hand Rust exactly the bytes from position to limit, and keep
// them alive until Rust returns.

/**
 * Scans one frame from a ByteBuffer (CameraX's `ImageProxy.planes[0].buffer`).
 *
 * The buffer's remaining bytes are the Y plane, `stride` bytes per row. A direct buffer is read
 * in place, with no copy; a heap buffer is copied once into native memory. Its position and
 * limit are left as they were.
 */
@Throws(KobanException::class)
fun Scanner.scanFrame(luma: ByteBuffer, width: Int, height: Int, stride: Int, rotation: FrameRotation): List<ScannedCode> =
    lend(luma) { scanFrameDirect(it, width, height, stride, rotation) }

/** Scans one frame held in a ByteArray (copied once into native memory); as `scanFrame(ByteBuffer, …)`. */
@Throws(KobanException::class)
fun Scanner.scanFrame(luma: ByteArray, width: Int, height: Int, stride: Int, rotation: FrameRotation): List<ScannedCode> =
    scanFrame(ByteBuffer.wrap(luma), width, height, stride, rotation)

/** Decodes every QR code in a still picture's luma (remaining bytes, `stride` per row), with the full cascade. */
@Throws(KobanException::class)
fun scanImage(luma: ByteBuffer, width: Int, height: Int, stride: Int): List<ScannedCode> =
    lend(luma) { scanImageDirect(it, width, height, stride) }

/** Decodes every QR code in a still picture's luma held in a ByteArray; as `scanImage(ByteBuffer, …)`. */
@Throws(KobanException::class)
fun scanImage(luma: ByteArray, width: Int, height: Int, stride: Int): List<ScannedCode> =
    scanImage(ByteBuffer.wrap(luma), width, height, stride)

/**
 * Calls [call] with a direct buffer that starts at [luma]'s position and holds its remaining
 * bytes: a slice of a direct buffer (no copy), or a copy of a heap one. Internal for the tests.
 */
internal fun <T> lend(luma: ByteBuffer, call: (ByteBuffer) -> T): T {
    if (luma.isDirect) {
        val lent = luma.slice()
        try {
            return call(lent)
        } finally {
            // The native call holds only the address: until it returns, the buffer that owns the
            // memory must stay reachable, or a collection could free it under Rust. The monitor on
            // it is that use (Reference.reachabilityFence needs Android 9; the library supports 8).
            synchronized(lent) {}
        }
    }
    val count = luma.remaining()
    if (count == 0) return call(ByteBuffer.allocateDirect(0))
    // Native memory freed as soon as Rust returns: ByteBuffer.allocateDirect would zero a whole
    // frame first and free it only when the collector gets round to it (a third slower, measured).
    return Memory(count.toLong()).use { memory ->
        // A duplicate has its own position: the caller's buffer is not moved.
        val lent = memory.getByteBuffer(0, count.toLong()).put(luma.duplicate())
        lent.flip()
        call(lent)
    }
}
