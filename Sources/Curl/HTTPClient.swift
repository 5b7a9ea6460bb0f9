import Synchronization

/// An asynchronous HTTP client over libcurl's multi interface.
///
/// One dedicated thread drives every transfer of the client, so connections (and HTTP/2 streams) are
/// reused across requests. Proxies come from the environment as libcurl reads them (`https_proxy`,
/// `no_proxy`, ...). Cancelling the calling task cancels the transfer. Keep the client alive while its
/// streaming responses are read: releasing it cancels them.
public final class HTTPClient: Sendable {
    /// TLS settings applied to every request.
    public let tls: TLSConfiguration
    /// Upper bound on a buffered response body.
    public let maxBodySize: Int
    /// Proxy URL for every request; `nil` leaves the choice to libcurl (`http_proxy`, `https_proxy`, `no_proxy`).
    public let proxy: String?
    /// Unread bytes of one streaming response above which receiving pauses.
    public let streamBufferLimit: Int
    private let driver: MultiDriver
    private let verbose: Bool
    private let nextID = Mutex(0)

    /// - Parameters:
    ///   - verbose: libcurl's own trace on standard error (debugging only).
    public init(
        tls: TLSConfiguration = TLSConfiguration(), proxy: String? = nil, maxBodySize: Int = 256 << 20,
        streamBufferLimit: Int = 8 << 20, verbose: Bool = false
    ) throws(CurlError) {
        self.tls = tls
        self.proxy = proxy
        self.streamBufferLimit = max(1, streamBufferLimit)
        self.maxBodySize = maxBodySize
        self.verbose = verbose
        driver = try MultiDriver(name: "curl-multi")
    }

    deinit { driver.shutdown() }

    private func makeTransfer(_ request: HTTPRequest) throws(CurlError) -> Transfer {
        let easy = try EasyHandle()
        try easy.configure(request, tls: tls, proxy: proxy, verbose: verbose)
        let id = nextID.withLock { value in
            value += 1
            return value
        }
        return try Transfer(id: id, easy: easy, bodyLimit: maxBodySize)
    }

    /// Sends `request` and returns the whole response. Non-2xx statuses are responses, not errors.
    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = try makeTransfer(request)
        let driver = driver
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.attach(.buffered(continuation))
                driver.add(transfer)
            }
        } onCancel: {
            driver.cancel(transfer)
        }
    }

    /// Sends `request` and returns as soon as the response headers arrived; the body follows as a stream.
    public func stream(_ request: HTTPRequest) async throws -> HTTPStreamingResponse {
        let transfer = try makeTransfer(request)
        transfer.backlogLimit = streamBufferLimit
        let driver = driver
        let (chunks, continuation) = AsyncThrowingStream<[UInt8], any Error>.makeStream()
        let body = HTTPBody(chunks: chunks) { [weak transfer] count in
            if let transfer, transfer.consumed(count) { driver.resume(transfer) }
        }
        continuation.onTermination = { termination in
            if case .cancelled = termination { driver.cancel(transfer) }
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { head in
                transfer.attach(.streaming(head: head, body: body, continuation: continuation))
                driver.add(transfer)
            }
        } onCancel: {
            driver.cancel(transfer)
        }
    }
}
