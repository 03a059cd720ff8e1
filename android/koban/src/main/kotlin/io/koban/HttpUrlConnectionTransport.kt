package io.koban

import java.io.IOException
import java.io.InputStream
import java.net.HttpURLConnection
import java.net.SocketTimeoutException
import java.net.URL
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runInterruptible

/**
 * The wallet's HTTP stack on Android: the platform's [HttpURLConnection], so the app's Network
 * Security Config, user CAs, proxies and certificate pinning apply (the library carries no TLS of
 * its own). Pass it to `Wallet.open` and `Terminal.open`.
 *
 * Blocking I/O runs on [Dispatchers.IO] and is interruptible, so a cancelled call stops waiting;
 * whether the host applied it is then unknown, which the wallet's outbox settles (exactly once).
 */
class HttpUrlConnectionTransport(
    private val connectTimeoutMs: Int = 10_000,
    private val readTimeoutMs: Int = 30_000,
) : HttpTransport {
    override suspend fun send(request: HttpRequest): HttpResponse = runInterruptible(Dispatchers.IO) {
        val url = try {
            URL(request.url)
        } catch (e: java.net.MalformedURLException) {
            throw PlatformException.Failed("not a URL")
        }
        val c = try {
            url.openConnection() as HttpURLConnection
        } catch (e: IOException) {
            throw PlatformException.Connection(e.toString())
        }
        try {
            c.requestMethod = request.method
            c.connectTimeout = connectTimeoutMs
            c.readTimeout = readTimeoutMs
            c.useCaches = false
            c.instanceFollowRedirects = false
            for (h in request.headers) {
                // HttpURLConnection sets these from the URL and the body itself.
                if (h.name.lowercase() in RESTRICTED) continue
                c.addRequestProperty(h.name, h.value)
            }
            if (request.body.isNotEmpty()) {
                c.doOutput = true
                c.setFixedLengthStreamingMode(request.body.size)
                c.outputStream.use { it.write(request.body) }
            }
            val status = c.responseCode
            // Error statuses carry their body on the error stream (the host's typed refusal).
            val stream: InputStream? = if (status >= 400) c.errorStream else c.inputStream
            val body = stream?.use { it.readBytes() } ?: ByteArray(0)
            val headers = c.headerFields.flatMap { (name, values) ->
                if (name == null) emptyList() else values.map { HttpHeader(name.lowercase(), it) }
            }
            HttpResponse(status, headers, body)
        } catch (e: SocketTimeoutException) {
            throw PlatformException.Timeout()
        } catch (e: IOException) {
            throw PlatformException.Connection(e.toString())
        } finally {
            c.disconnect()
        }
    }

    private companion object {
        val RESTRICTED = setOf("host", "content-length", "connection", "transfer-encoding")
    }
}
