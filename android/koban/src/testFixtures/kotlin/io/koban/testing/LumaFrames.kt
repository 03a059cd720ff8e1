package io.koban.testing

import io.koban.QrMatrix

/** A packed luma plane as a camera delivers it: `stride` bytes per row, `height` rows. */
class LumaFrame(val luma: ByteArray, val width: Int, val height: Int, val stride: Int)

/** Draws QR matrices as camera frames, so tests can feed the scanner without a camera. */
object LumaFrames {
    /** `matrix` drawn black on white: `scale` px per module, a 4-module quiet zone, `pad` bytes of row padding. */
    fun render(matrix: QrMatrix, scale: Int, pad: Int): LumaFrame {
        val n = matrix.size.toInt()
        val side = (n + 8) * scale
        val stride = side + pad
        val luma = ByteArray(stride * side) { 255.toByte() }
        for (y in 0 until side) for (x in 0 until side) {
            val mx = x / scale - 4
            val my = y / scale - 4
            if (mx in 0 until n && my in 0 until n && matrix.modules[my * n + mx]) luma[y * stride + x] = 0
        }
        return LumaFrame(luma, side, side, stride)
    }
}
