package io.koban

import org.junit.Assert.assertThrows
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The suite runs the bindings that ship: the Android variant of the generated Kotlin (with the
 * test-only stubs of `android.os.Build` and `android.system.SystemCleaner`), not the JVM one.
 */
class AndroidVariantTest {
    @Test
    fun theBindingsUnderTestAreTheAndroidVariant() {
        // Only the Android variant has these (API 34+ SystemCleaner); only the JVM one the other.
        Class.forName("io.koban.AndroidSystemCleaner")
        Class.forName("io.koban.AndroidSystemCleanable")
        assertThrows(ClassNotFoundException::class.java) { Class.forName("io.koban.JavaLangRefCleaner") }
    }

    @Test
    fun objectsAreFreedThroughTheAndroidSystemCleaner() {
        assertTrue("the stubbed API level picks the SystemCleaner path", android.os.Build.VERSION.SDK_INT >= 34)
        // An object made and dropped: the cleaner registered for it is the Android one.
        Scanner().close()
    }
}
