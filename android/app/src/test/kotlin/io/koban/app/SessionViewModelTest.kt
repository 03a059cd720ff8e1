package io.koban.app

import io.koban.CurrencyCode
import io.koban.Wallet
import io.koban.app.model.SessionState
import io.koban.app.model.SessionViewModel
import io.koban.testing.Sandbox
import io.koban.testing.TestDir
import kotlinx.coroutines.runBlocking
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Test

/** The session: opening, signing up, a handle already taken, and a key store that says no. */
class SessionViewModelTest {
    private val dir = TestDir()
    private val vm = TestScope()
    private val opened = mutableListOf<Wallet>()

    @After
    fun tearDown() {
        vm.close()
        opened.forEach { it.close() }
        dir.close()
    }

    @Test
    fun aNewPhoneSignsUpAndATakenHandleIsExplained() = runBlocking {
        val keys = testKeyStore()
        val open = suspend { Wallet.open(dir.db("new"), keys, Sandbox.config()).also { opened += it } }
        val session = SessionViewModel(open, vm.scope)
        session.state.awaitIs<SessionState.NeedsEnrolment>()

        val handle = Sandbox.uniqueHandle("mai")
        session.enrol("JP", "@$handle", " Mai ")!!.join()
        val ready = session.state.value as SessionState.Ready
        assertEquals(listOf(handle, "Mai", CurrencyCode.JPY), listOf(ready.profile.handle, ready.profile.displayName, ready.profile.currency))

        // Another phone tries the same handle.
        val other = SessionViewModel(suspend { Wallet.open(dir.db("other"), testKeyStore(), Sandbox.config()).also { opened += it } }, vm.scope)
        other.state.awaitIs<SessionState.NeedsEnrolment>()
        other.enrol("JP", handle, "Not Mai")!!.join()
        val taken = other.state.value as SessionState.NeedsEnrolment
        assertEquals("That handle is taken. Try another one.", taken.error?.message?.let(::english))
        assertFalse(taken.enrolling)

        // Reopened, the phone goes straight to its wallet.
        ready.wallet.close()
        val again = SessionViewModel(open, vm.scope)
        assertEquals(handle, again.state.awaitIs<SessionState.Ready>().profile.handle)
    }

    @Test
    fun aKeyStoreThatSaysNoFailsTheSessionWithARetry() = runBlocking {
        val keys = testKeyStore()
        Wallet.open(dir.db("locked"), keys, Sandbox.config()).close()
        val session = SessionViewModel(suspend { Wallet.open(dir.db("locked"), testKeyStore(), Sandbox.config()).also { opened += it } }, vm.scope)
        val failed = session.state.awaitIs<SessionState.Failed>().error
        assertEquals("key_store", failed.kind)
        assertEquals(true, failed.canRetry)
    }
}
