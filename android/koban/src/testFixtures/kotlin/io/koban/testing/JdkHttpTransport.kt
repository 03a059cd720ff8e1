package io.koban.testing

import io.koban.HttpHeader
import io.koban.HttpRequest
import io.koban.HttpResponse
import io.koban.HttpTransport
import io.koban.PlatformException
import java.io.IOException
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpTimeoutException
import java.time.Duration
import java.util.Collections
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.future.await
import java.net.http.HttpRequest as JdkRequest
import java.net.http.HttpResponse as JdkResponse

/**
 * The wallet's HTTP stack implemented with `java.net.http.HttpClient`, as a JVM app would.
 *
 * It records what it carried, can play a dead network ([offline]), and lets a test step in
 * before or after a request reaches the host ([beforeSend], [afterAnswer]) to cancel a call
 * at a chosen moment.
 */
class JdkHttpTransport(
    private val client: HttpClient = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build(),
) : HttpTransport {
    /** Requests this transport was asked to send, whether or not they got out. */
    val sent = AtomicInteger()

    /** `METHOD path` of every request that reached the host, in order. */
    val carried: MutableList<String> = Collections.synchronizedList(mutableListOf())

    /** When true, every send fails as an unreachable network would. */
    @Volatile
    var offline = false

    /** Runs before a request goes out; may suspend (the wallet's call is then in flight). */
    @Volatile
    var beforeSend: (suspend (HttpRequest) -> Unit)? = null

    /** Runs after the host answered, before the wallet sees the answer; may suspend. */
    @Volatile
    var afterAnswer: (suspend (HttpRequest, HttpResponse) -> Unit)? = null

    override suspend fun send(request: HttpRequest): HttpResponse {
        sent.incrementAndGet()
        if (offline) throw PlatformException.Connection("network is unreachable")
        beforeSend?.invoke(request)
        val builder = JdkRequest.newBuilder(URI.create(request.url))
            .timeout(Duration.ofSeconds(30))
            .method(request.method, JdkRequest.BodyPublishers.ofByteArray(request.body))
        for (h in request.headers) {
            // HttpClient sets these itself from the URL and body, and refuses them from callers.
            if (h.name.lowercase() in RESTRICTED) continue
            builder.header(h.name, h.value)
        }
        val answer = try {
            client.sendAsync(builder.build(), JdkResponse.BodyHandlers.ofByteArray()).await()
        } catch (e: HttpTimeoutException) {
            throw PlatformException.Timeout()
        } catch (e: IOException) {
            throw PlatformException.Connection(e.toString())
        }
        carried += "${request.method} ${URI.create(request.url).rawPath}"
        val headers = answer.headers().map().flatMap { (name, values) -> values.map { HttpHeader(name, it) } }
        val response = HttpResponse(answer.statusCode().toInt(), headers, answer.body())
        afterAnswer?.invoke(request, response)
        return response
    }

    private companion object {
        val RESTRICTED = setOf("host", "content-length", "connection", "expect", "upgrade")
    }
}
