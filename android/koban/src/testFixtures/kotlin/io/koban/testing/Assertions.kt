package io.koban.testing

/**
 * Runs `block` and returns what it threw, failing unless that is a `T`: JUnit's
 * assertThrows takes no suspending lambda.
 */
suspend inline fun <reified T : Throwable> assertThrowsSuspending(crossinline block: suspend () -> Unit): T {
    val thrown = try {
        block()
        null
    } catch (e: Throwable) {
        e
    }
    if (thrown is T) return thrown
    throw AssertionError("expected ${T::class.java.name}, got ${thrown ?: "no exception"}", thrown)
}
