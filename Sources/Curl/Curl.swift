import CCurl

// Blocking one-shot requests (the API the KMS decryptor uses), on the same easy-handle setup as
// ``HTTPClient``. Prefer ``HTTPClient`` in async code: it shares connections and never blocks a thread.

/// One blocking HTTP request for ``CurlEasy``.
public struct CurlRequest: Sendable {
    public var method: String
    public var url: String
    /// Header lines in order (name, value).
    public var headers: [(String, String)]
    /// Request body; empty sends none except for `POST`.
    public var body: [UInt8]
    /// Whole-transfer timeout in milliseconds.
    public var timeoutMilliseconds: Int

    public init(
        method: String = "GET", url: String, headers: [(String, String)] = [], body: [UInt8] = [],
        timeoutMilliseconds: Int = 30_000
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

/// The response of ``CurlEasy/perform(_:maxBodyBytes:)``.
public struct CurlResponse: Sendable {
    public let status: Int
    /// Header lines of the final response, names lowercased, in order.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    /// The first header value named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }
}

/// Performs one request at a time on the calling thread. Redirects are not followed.
public final class CurlEasy {
    public init() throws(CurlError) {
        guard CurlGlobal.initialised else { throw CurlError.usage("curl_global_init failed") }
    }

    /// Performs `request` and collects status, headers and body (at most `maxBodyBytes`).
    public func perform(_ request: CurlRequest, maxBodyBytes: Int = 16 << 20) throws(CurlError) -> CurlResponse {
        let easy = try EasyHandle()
        let converted = HTTPRequest(
            method: request.method, url: request.url, headers: request.headers.map { (name: $0.0, value: $0.1) },
            body: request.body.isEmpty && request.method.uppercased() != "POST" ? nil : request.body,
            timeout: .milliseconds(request.timeoutMilliseconds))
        try easy.configure(converted, tls: TLSConfiguration(), proxy: nil, verbose: false)
        let sink = BlockingSink(limit: maxBodyBytes)
        let pointer = Unmanaged.passUnretained(sink).toOpaque()
        try easy.setCallback(CURLOPT_HEADERFUNCTION, blockingHeaderCallback)
        try easy.set(CURLOPT_HEADERDATA, pointer: pointer)
        try easy.setCallback(CURLOPT_WRITEFUNCTION, blockingBodyCallback)
        try easy.set(CURLOPT_WRITEDATA, pointer: pointer)
        let code = withExtendedLifetime(sink) { curl_easy_perform(easy.raw) }
        if sink.overflow { throw CurlError.usage("response body exceeds \(maxBodyBytes) bytes") }
        try CurlError.check(code, detail: easy.errorDetail)
        return CurlResponse(status: easy.infoLong(CURLINFO_RESPONSE_CODE), headers: sink.headers, body: sink.body)
    }
}

private final class BlockingSink {
    let limit: Int
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var overflow = false

    init(limit: Int) { self.limit = limit }
}

private let blockingBodyCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, user in
    guard let user else { return 0 }
    let sink = Unmanaged<BlockingSink>.fromOpaque(user).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
    guard sink.body.count + bytes.count <= sink.limit else {
        sink.overflow = true
        return 0
    }
    sink.body.append(contentsOf: bytes)
    return bytes.count
}

private let blockingHeaderCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, user in
    guard let user else { return 0 }
    let sink = Unmanaged<BlockingSink>.fromOpaque(user).takeUnretainedValue()
    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
    let line = String(decoding: bytes, as: UTF8.self)
    if line.hasPrefix("HTTP/") {
        sink.headers.removeAll()  // a new (interim or final) response starts
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        var value = line[line.index(after: colon)...]
        while let last = value.last, last.isWhitespace { value.removeLast() }
        while let first = value.first, first.isWhitespace { value.removeFirst() }
        sink.headers.append((name: name, value: String(value)))
    }
    return bytes.count
}
