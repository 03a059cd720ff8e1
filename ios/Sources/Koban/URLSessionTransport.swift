import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An `HttpTransport` over URLSession, so the wallet's requests go through the app's own HTTP
/// stack (its proxy settings, pinning delegate, metrics) instead of Koban's built-in client.
public final class URLSessionTransport: HttpTransport, @unchecked Sendable {
    private let session: URLSession

    /// Sends with `session`; by default an ephemeral one (no cookies, no cache, no credentials on disk).
    public init(session: URLSession? = nil) {
        self.session = session ?? URLSession(configuration: Self.defaultConfiguration())
    }

    /// Ephemeral, and never answering from a cache: every wallet request is signed and must reach the host.
    public static func defaultConfiguration() -> URLSessionConfiguration {
        let c = URLSessionConfiguration.ephemeral
        c.requestCachePolicy = .reloadIgnoringLocalCacheData
        c.urlCache = nil
        c.httpCookieStorage = nil
        c.httpShouldSetCookies = false
        return c
    }

    /// Sends `request` with its headers unchanged and returns whatever the host answered.
    public func send(request: HttpRequest) async throws -> HttpResponse {
        guard let url = URL(string: request.url) else {
            throw PlatformError.Failed(reason: "not a URL")
        }
        var r = URLRequest(url: url)
        r.httpMethod = request.method
        r.httpShouldHandleCookies = false
        for h in request.headers {
            r.addValue(h.value, forHTTPHeaderField: h.name)
        }
        if !request.body.isEmpty { r.httpBody = request.body }

        let (data, response) = try await exchange(r)
        guard let http = response as? HTTPURLResponse else {
            throw PlatformError.Connection(reason: "the answer was not HTTP")
        }
        let headers = http.allHeaderFields.compactMap { name, value -> HttpHeader? in
            guard let name = name as? String else { return nil }
            return HttpHeader(name: name.lowercased(), value: "\(value)")
        }
        return HttpResponse(status: Int32(clamping: http.statusCode), headers: headers, body: data)
    }

    // A completion-handler task rather than `data(for:)`, which older FoundationNetworking
    // lacks; cancelling the Swift task (Koban drops the call on its own timeout) cancels it.
    private func exchange(_ request: URLRequest) async throws -> (Data, URLResponse) {
        let box = TaskBox()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(Data, URLResponse), Error>) in
                let task = session.dataTask(with: request) { data, response, error in
                    if let error {
                        continuation.resume(throwing: Self.platformError(error))
                    } else if let response {
                        continuation.resume(returning: (data ?? Data(), response))
                    } else {
                        continuation.resume(throwing: PlatformError.Connection(reason: "no answer"))
                    }
                }
                box.set(task)
                task.resume()
            }
        } onCancel: {
            box.cancel()
        }
    }

    /// Timeouts are `Timeout`; everything else that left no answer is `Connection`.
    static func platformError(_ error: Error) -> PlatformError {
        if let e = error as? URLError {
            switch e.code {
            case .timedOut: return .Timeout
            case .cancelled: return .Connection(reason: "cancelled")
            default: return .Connection(reason: "URLError \(e.code.rawValue): \(e.localizedDescription)")
            }
        }
        return .Connection(reason: error.localizedDescription)
    }
}

/// Holds the data task so a cancellation that races its creation still cancels it.
private final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: URLSessionTask?
    private var cancelled = false

    func set(_ t: URLSessionTask) {
        lock.lock()
        task = t
        let cancel = cancelled
        lock.unlock()
        if cancel { t.cancel() }
    }

    func cancel() {
        lock.lock()
        cancelled = true
        let t = task
        lock.unlock()
        t?.cancel()
    }
}
