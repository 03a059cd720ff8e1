package io.koban.testing

import io.koban.BankAccount
import io.koban.BankLink
import io.koban.CurrencyCode
import io.koban.Enrolment
import io.koban.HttpTransport
import io.koban.HttpUrlConnectionTransport
import io.koban.Money
import io.koban.Wallet
import java.io.File
import java.nio.file.Files
import io.koban.KeyStore as KobanKeyStore
import io.koban.Logger as KobanLogger

/** Yen in minor units (JPY has none below the yen). */
fun jpy(minor: Long): Money = Money(minor, CurrencyCode.JPY)

/** A directory for one test's wallet databases, deleted on [close]. */
class TestDir : AutoCloseable {
    /** The directory. */
    val path: File = Files.createTempDirectory("koban-test").toFile()

    /** The path of database `name` in it. */
    fun db(name: String): String = File(path, "$name.sqlite3").path

    override fun close() {
        path.deleteRecursively()
    }
}

/** Opens and enrols a fresh wallet against the sandbox under a new unique handle. */
suspend fun enrolledWallet(
    dir: TestDir,
    name: String,
    keyStore: KobanKeyStore,
    transport: HttpTransport? = null,
    logger: KobanLogger? = null,
    country: String = "JP",
): Wallet {
    // The library's own platform transport unless a test brings its own: what an Android app ships.
    val wallet = Wallet.open(dir.db(name), keyStore, Sandbox.config(), transport ?: HttpUrlConnectionTransport(), logger)
    try {
        wallet.enrol(Enrolment(country, Sandbox.uniqueHandle(name), name.replaceFirstChar { it.uppercase() }))
    } catch (e: Throwable) {
        wallet.close()
        throw e
    }
    return wallet
}

/** Links a sandbox bank account opening with `opening` yen and tops the wallet up with `amount` yen. */
suspend fun Wallet.fund(amount: Long, opening: Long = 500_000): BankLink {
    val link = linkBank(BankAccount("bank_sakura", "7654321", "TANAKA AIKO", jpy(opening)))
    topUp(link.id, jpy(amount))
    return link
}
