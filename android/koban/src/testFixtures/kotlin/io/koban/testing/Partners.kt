package io.koban.testing

import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

/**
 * The partner networks (Alipay+, WeChat Pay, UnionPay) the sandbox host started beside itself
 * and acquires tourists' codes through: here the tests play the tourists' phones
 * (`/wallet/v1/users/...`). Seeded users include `li_wei` (Alipay, CNY), `wang_fang`
 * (WeChat Pay) and `liu_yang` (UnionPay).
 */
object Partners {
    /** The networks' base URL (system property koban.partnersUrl). */
    val url: String by lazy {
        System.getProperty("koban.partnersUrl")?.takeIf { it.isNotEmpty() }
            ?: error("koban.partnersUrl not set: run the suite with scripts/test-kotlin.sh")
    }

    private val http: HttpClient by lazy { HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build() }

    /** A fresh payment code on `user`'s phone, to show at the till. */
    fun code(user: String): String {
        val request = HttpRequest.newBuilder(URI.create("$url/wallet/v1/users/$user/codes"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..201) {
            "POST /wallet/v1/users/$user/codes answered ${response.statusCode()}: ${response.body()}"
        }
        return Json.parse(response.body()).asObject()["code"] as String
    }

    /** `user`'s balance in minor units of their wallet's currency, and that currency. */
    fun balance(user: String): Pair<Long, String> {
        val request = HttpRequest.newBuilder(URI.create("$url/wallet/v1/users/$user")).GET().build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() == 200) { "GET /wallet/v1/users/$user answered ${response.statusCode()}: ${response.body()}" }
        val balance = Json.parse(response.body()).asObject()["balance"].asObject()
        return (balance["value"] as Long) to (balance["currency"] as String)
    }
}
