/// One HTTP request for ``HTTPClient``.
public struct HTTPRequest: Sendable {
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`, ...
    public var method: String
    /// Absolute `http://` or `https://` URL, already percent-encoded.
    public var url: String
    /// Header lines in order; a name may repeat (e.g. `Impersonate-Group`).
    public var headers: [(name: String, value: String)]
    /// Request body; `nil` sends none.
    public var body: [UInt8]?
    /// Limit on the whole transfer; `nil` for none (watch streams).
    public var timeout: Duration?
    /// Limit on establishing the connection (TCP + TLS).
    public var connectTimeout: Duration?
    /// Pinned name resolutions (`CURLOPT_RESOLVE` entries `host:port:address[,address...]`): libcurl connects
    /// to these addresses instead of resolving `host` itself.
    public var resolve: [String]

    public init(
        method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
        timeout: Duration? = nil, connectTimeout: Duration? = nil, resolve: [String] = []
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.resolve = resolve
    }
}

/// A complete HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header lines as received (final response only), names in their original case.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The negotiated HTTP version: `1` (1.0/1.1), `2` or `3`.
    public var httpVersion: Int

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], httpVersion: Int = 1) {
        self.status = status
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
    }

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A response whose body arrives as it is received (for watch streams).
public struct HTTPStreamingResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var httpVersion: Int
    /// Body chunks as libcurl delivers them; finishes at the end of the body, throws ``CurlError`` on failure.
    /// Ending the iteration early cancels the transfer.
    public var body: HTTPBody

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Reads the whole remaining body, up to `limit` bytes (the rest is an error); throws `CancellationError`
    /// when the task is cancelled.
    public func collect(limit: Int = 64 << 20) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body {
            bytes += chunk
            if bytes.count > limit { throw CurlError.usage("response body larger than \(limit) bytes") }
        }
        // A cancelled task's stream ends early without an error.
        try Task.checkCancellation()
        return bytes
    }
}

/// TLS settings for every request of one ``HTTPClient``.
public struct TLSConfiguration: Sendable, Hashable {
    /// PEM CA bundle used instead of the system store.
    public var caData: [UInt8]?
    /// Path of a PEM CA bundle used instead of the system store.
    public var caFile: String?
    /// PEM client certificate (``clientCertificateFile`` is the file form).
    public var clientCertificate: [UInt8]?
    public var clientCertificateFile: String?
    /// PEM private key of the client certificate (``clientKeyFile`` is the file form).
    public var clientKey: [UInt8]?
    public var clientKeyFile: String?
    /// Skip server certificate and host name verification.
    public var insecureSkipVerify: Bool

    public init(
        caData: [UInt8]? = nil, caFile: String? = nil, clientCertificate: [UInt8]? = nil,
        clientCertificateFile: String? = nil, clientKey: [UInt8]? = nil, clientKeyFile: String? = nil,
        insecureSkipVerify: Bool = false
    ) {
        self.caData = caData
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.clientCertificateFile = clientCertificateFile
        self.clientKey = clientKey
        self.clientKeyFile = clientKeyFile
        self.insecureSkipVerify = insecureSkipVerify
    }
}

/// The body of an ``HTTPStreamingResponse``: chunks in arrival order.
///
/// Receiving pauses while more than the client's `streamBufferLimit` bytes wait unread, and resumes as the reader
/// catches up, so a slow reader holds the server back instead of filling memory.
public struct HTTPBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    let chunks: AsyncThrowingStream<[UInt8], any Error>
    let consumed: @Sendable (Int) -> Void

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
        let consumed: @Sendable (Int) -> Void

        public mutating func next() async throws -> [UInt8]? {
            let chunk = try await base.next()
            if let chunk { consumed(chunk.count) }
            return chunk
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: chunks.makeAsyncIterator(), consumed: consumed)
    }
}
