package io.koban.testing

import io.koban.WalletConfig
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.security.SecureRandom

/**
 * The sandbox wallet host that scripts/test-kotlin.sh started for this JUnit run.
 *
 * One host serves every test class, so tests never share a handle or a device: each makes
 * its own with [uniqueHandle] and its own database directory.
 */
object Sandbox {
    /** The host's base URL (system property koban.sandboxUrl). */
    val url: String by lazy {
        System.getProperty("koban.sandboxUrl")?.takeIf { it.isNotEmpty() }
            ?: error("koban.sandboxUrl not set: run the suite with scripts/test-kotlin.sh")
    }

    private val http: HttpClient by lazy { HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build() }
    private val random = SecureRandom()

    /** Wallet settings pointing at this host. */
    fun config(timeoutMs: Long = 10_000L): WalletConfig = WalletConfig(url, timeoutMs, 3)

    /** `prefix` plus a random suffix: a handle no other test (or earlier run) has claimed. */
    fun uniqueHandle(prefix: String): String {
        val alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        val suffix = (1..8).map { alphabet[random.nextInt(alphabet.length)] }.joinToString("")
        return "${prefix.take(15)}_$suffix"
    }

    /** The seeded merchants, as `GET /v1/merchants` lists them. */
    val merchants: List<Map<String, Any?>> by lazy {
        Json.parse(get("/v1/merchants")).asObject()["merchants"].asList().map { it.asObject() }
    }

    /** The static code printed on merchant `id`'s counter (e.g. `m_jp_ramen`). */
    fun merchantPayload(id: String): String =
        merchants.firstOrNull { it["id"] == id }?.get("static_payload") as? String
            ?: error("the sandbox has no merchant $id")

    /** Whether the host's double-entry ledger balances (`GET /admin/invariants`). */
    fun invariantsHold(): Boolean = Json.parse(get("/admin/invariants")).asObject()["ok"] == true

    /**
     * Moves the host's clock `secs` forward (`POST /admin/clock`), to expire quotes without
     * waiting. The clock is shared by every test of the run and request signatures may be
     * 300 s off, so the suite as a whole must stay well under that.
     */
    fun advanceClock(secs: Long) {
        val request = HttpRequest.newBuilder(URI.create("$url/admin/clock"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("""{"advance_secs":$secs}"""))
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 200) { "POST /admin/clock answered ${response.statusCode()}: ${response.body()}" }
    }

    /**
     * A one-time token a terminal of merchant `merchantId` enrols with
     * (`POST /admin/merchants/{id}/enrolment-tokens`; the host runs with `--admin`).
     */
    fun enrolmentToken(merchantId: String): String {
        val request = HttpRequest.newBuilder(URI.create("$url/admin/merchants/$merchantId/enrolment-tokens"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 201) {
            "POST /admin/merchants/$merchantId/enrolment-tokens answered ${response.statusCode()}: ${response.body()}"
        }
        return Json.parse(response.body()).asObject()["token"] as String
    }

    private fun get(path: String): String {
        val request = HttpRequest.newBuilder(URI.create(url + path)).GET().build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 200) { "GET $path answered ${response.statusCode()}: ${response.body()}" }
        return response.body()
    }
}
