package io.koban.app.model

import kotlinx.coroutines.delay

/** Wall-clock time and waiting, injected so timed screens are testable without sleeping. */
interface Ticker {
    /** Now, Unix seconds. */
    fun nowSecs(): Long

    /** Suspends for `millis` milliseconds. */
    suspend fun sleep(millis: Long)
}

/** The real clock. */
object SystemTicker : Ticker {
    override fun nowSecs(): Long = System.currentTimeMillis() / 1000

    override suspend fun sleep(millis: Long) = delay(millis)
}
