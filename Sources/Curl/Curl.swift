import CCurl

/// A failed transfer: libcurl's code and message.
public struct CurlError: Error, Sendable, CustomStringConvertible {
    /// libcurl's `CURLcode` (or 0 for a wrapper-level failure).
    public let code: Int
    /// What went wrong.
    public let message: String

    public var description: String { message }
}

/// One HTTP request.
public struct CurlRequest: Sendable {
    public var method: String
    public var url: String
    /// Header lines in order (name, value).
    public var headers: [(String, String)]
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

/// One HTTP response.
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

/// A libcurl easy handle. Not thread-safe; one transfer at a time. Redirects are not followed.
public final class CurlEasy {
    private let handle: UnsafeMutableRawPointer

    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    public init() throws(CurlError) {
        guard Self.globalInit == CURLE_OK else { throw CurlError(code: Int(Self.globalInit.rawValue), message: "curl_global_init failed") }
        guard let handle = curl_easy_init() else { throw CurlError(code: 0, message: "curl_easy_init failed") }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// Performs `request` and collects status, headers and body (at most `maxBodyBytes`).
    public func perform(_ request: CurlRequest, maxBodyBytes: Int = 16 << 20) throws(CurlError) -> CurlResponse {
        curl_easy_reset(handle)
        let sink = Sink(limit: maxBodyBytes)
        let sinkPointer = Unmanaged.passRetained(sink)
        defer { sinkPointer.release() }
        var list: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(list) }
        for (name, value) in request.headers { list = curl_slist_append(list, "\(name): \(value)") }
        if !request.headers.contains(where: { $0.0.lowercased() == "expect" }) { list = curl_slist_append(list, "Expect:") }

        try check(CCurl_easy_setopt_string(handle, CURLOPT_URL, request.url), "setting the URL")
        try check(CCurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        try check(CCurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds), "setting the timeout")
        try check(CCurl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0), "CURLOPT_FOLLOWLOCATION")
        try check(CCurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list), "setting headers")
        try check(CCurl_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION, bodyCallback), "write callback")
        try check(CCurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, sinkPointer.toOpaque()), "write data")
        try check(CCurl_easy_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION, headerCallback), "header callback")
        try check(CCurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, sinkPointer.toOpaque()), "header data")
        switch request.method {
        case "GET":
            try check(CCurl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1), "GET")
        default:
            if request.method == "POST" || !request.body.isEmpty {
                try check(CCurl_easy_setopt_long(handle, CURLOPT_POST, 1), "POST")
                try check(CCurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)), "body size")
                var body = request.body
                if body.isEmpty { body = [0] }
                let code = body.withUnsafeMutableBytes { buffer in
                    CCurl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, buffer.baseAddress)
                }
                try check(code, "body")
            }
            if request.method != "POST" {
                try check(CCurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method), "method")
            }
        }
        try check(curl_easy_perform(handle), "\(request.method) \(request.url)")
        if sink.overflow { throw CurlError(code: 0, message: "response body exceeds \(maxBodyBytes) bytes") }
        var status = 0
        try check(CCurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status), "reading the status")
        return CurlResponse(status: status, headers: sink.headers, body: sink.body)
    }

    private func check(_ code: CURLcode, _ what: String) throws(CurlError) {
        guard code == CURLE_OK else {
            throw CurlError(code: Int(code.rawValue), message: "\(what): \(String(cString: curl_easy_strerror(code)))")
        }
    }
}

private final class Sink {
    let limit: Int
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var overflow = false

    init(limit: Int) { self.limit = limit }
}

private let bodyCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, user in
    guard let user else { return 0 }
    let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
    let total = size * count
    guard sink.body.count + total <= sink.limit else {
        sink.overflow = true
        return 0
    }
    if let data, total > 0 {
        data.withMemoryRebound(to: UInt8.self, capacity: total) { sink.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: total)) }
    }
    return total
}

private let headerCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, user in
    guard let user else { return 0 }
    let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
    let total = size * count
    guard let data, total > 0 else { return total }
    let line = data.withMemoryRebound(to: UInt8.self, capacity: total) {
        String(decoding: UnsafeBufferPointer(start: $0, count: total), as: UTF8.self)
    }
    if line.hasPrefix("HTTP/") {
        sink.headers.removeAll()  // a new (final or interim) response starts
    } else if let colon = line.firstIndex(of: ":") {
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t", "\r", "\n"])
        sink.headers.append((name, value))
    }
    return total
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
