import CCurl

/// libcurl's process-wide initialisation, done once before the first handle.
enum CurlGlobal {
    static let initialised: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}

/// Owns one `CURL *` easy handle together with the C memory its options point at; frees both in `deinit`.
final class EasyHandle {
    let raw: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var resolveList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    init() throws(CurlError) {
        guard CurlGlobal.initialised, let handle = curl_easy_init() else {
            throw CurlError.usage("curl_easy_init failed")
        }
        raw = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        try set(CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer))
        try set(CURLOPT_NOSIGNAL, 1)
    }

    deinit {
        curl_easy_cleanup(raw)
        curl_slist_free_all(headerList)
        curl_slist_free_all(resolveList)
        errorBuffer.deallocate()
    }

    /// The handle's detailed error text (empty when libcurl left none).
    var errorDetail: String { String(cString: errorBuffer) }

    func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try CurlError.check(CCurl_easy_setopt_long(raw, option, value))
    }

    func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try CurlError.check(CCurl_easy_setopt_string(raw, option, value))
    }

    func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer?) throws(CurlError) {
        try CurlError.check(CCurl_easy_setopt_pointer(raw, option, pointer))
    }

    /// Sets a `CURLOPTTYPE_BLOB` option; libcurl copies the bytes.
    func set(_ option: CURLoption, blob bytes: [UInt8]) throws(CurlError) {
        var copy = bytes
        let code = copy.withUnsafeMutableBytes { buffer in
            var blob = curl_blob(data: buffer.baseAddress, len: buffer.count, flags: UInt32(CURL_BLOB_COPY))
            return withUnsafeMutablePointer(to: &blob) { CCurl_easy_setopt_pointer(raw, option, $0) }
        }
        try CurlError.check(code)
    }

    func setCallback(
        _ option: CURLoption, _ callback: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int
    ) throws(CurlError) {
        try CurlError.check(CCurl_easy_setopt_write_callback(raw, option, callback))
    }

    /// Replaces the request header lines; the list lives as long as this handle.
    func setHeaders(_ lines: [String]) throws(CurlError) {
        let list = try Self.makeList(lines)
        try CurlError.check(CCurl_easy_setopt_slist(raw, CURLOPT_HTTPHEADER, list))
        curl_slist_free_all(headerList)
        headerList = list
    }

    /// Replaces the pinned name resolutions (`CURLOPT_RESOLVE`); the list lives as long as this handle.
    func setResolve(_ entries: [String]) throws(CurlError) {
        let list = try Self.makeList(entries)
        try CurlError.check(CCurl_easy_setopt_slist(raw, CURLOPT_RESOLVE, list))
        curl_slist_free_all(resolveList)
        resolveList = list
    }

    private static func makeList(_ lines: [String]) throws(CurlError) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        for line in lines {
            guard !line.utf8.contains(0), let next = curl_slist_append(list, line) else {
                curl_slist_free_all(list)
                throw CurlError.usage("curl_slist_append failed")
            }
            list = next
        }
        return list
    }

    func infoLong(_ info: CURLINFO) -> Int {
        var value = 0
        return CCurl_easy_getinfo_long(raw, info, &value) == CURLE_OK ? value : 0
    }

    /// Applies the request line, headers, body, timeouts and TLS settings.
    func configure(_ request: HTTPRequest, tls: TLSConfiguration, proxy: String?, verbose: Bool) throws(CurlError) {
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            throw CurlError.usage("unsupported URL \(request.url)")
        }
        guard !request.url.utf8.contains(0), !request.method.utf8.contains(0) else {
            throw CurlError.usage("NUL byte in request line")
        }
        try set(CURLOPT_URL, request.url)
        try set(CURLOPT_PROTOCOLS_STR, "http,https")
        try set(CURLOPT_FOLLOWLOCATION, 0)
        try set(CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        try set(CURLOPT_ACCEPT_ENCODING, "")
        try set(CURLOPT_TCP_KEEPALIVE, 1)
        if verbose { try set(CURLOPT_VERBOSE, 1) }
        if let proxy {
            guard !proxy.utf8.contains(0) else { throw CurlError.usage("NUL byte in proxy URL") }
            try set(CURLOPT_PROXY, proxy)
        }

        let method = request.method.uppercased()
        switch method {
        case "GET": try set(CURLOPT_HTTPGET, 1)
        case "HEAD": try set(CURLOPT_NOBODY, 1)
        case "POST": break
        default: try set(CURLOPT_CUSTOMREQUEST, method)
        }
        if let body = request.body {
            try CurlError.check(CCurl_easy_setopt_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            var copy = body.isEmpty ? [0] : body
            let code = copy.withUnsafeMutableBytes { CCurl_easy_setopt_pointer(raw, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
            try CurlError.check(code)
            if method == "GET" { try set(CURLOPT_CUSTOMREQUEST, "GET") }
        } else if method == "POST" {
            try CurlError.check(CCurl_easy_setopt_off_t(raw, CURLOPT_POSTFIELDSIZE_LARGE, 0))
            try set(CURLOPT_POSTFIELDS, "")
        }

        var lines: [String] = []
        for header in request.headers {
            guard !header.name.isEmpty, !header.name.contains(where: { $0 == ":" || $0.isNewline || $0 == "\0" }),
                !header.value.contains(where: { $0.isNewline || $0 == "\0" })
            else { throw CurlError.usage("invalid header \(header.name)") }
            lines.append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        // No `Expect: 100-continue` round trip for large bodies.
        if !request.headers.contains(where: { $0.name.lowercased() == "expect" }) { lines.append("Expect:") }
        try setHeaders(lines)
        if !request.resolve.isEmpty { try setResolve(request.resolve) }

        if let timeout = request.timeout { try set(CURLOPT_TIMEOUT_MS, max(1, timeout.milliseconds)) }
        if let timeout = request.connectTimeout { try set(CURLOPT_CONNECTTIMEOUT_MS, max(1, timeout.milliseconds)) }

        if tls.insecureSkipVerify {
            try set(CURLOPT_SSL_VERIFYPEER, 0)
            try set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let ca = tls.caData { try set(CURLOPT_CAINFO_BLOB, blob: ca) }
        if let file = tls.caFile { try set(CURLOPT_CAINFO, file) }
        if let cert = tls.clientCertificate {
            try set(CURLOPT_SSLCERT_BLOB, blob: cert)
            try set(CURLOPT_SSLCERTTYPE, "PEM")
        }
        if let file = tls.clientCertificateFile { try set(CURLOPT_SSLCERT, file) }
        if let key = tls.clientKey {
            try set(CURLOPT_SSLKEY_BLOB, blob: key)
            try set(CURLOPT_SSLKEYTYPE, "PEM")
        }
        if let file = tls.clientKeyFile { try set(CURLOPT_SSLKEY, file) }
    }
}

extension Duration {
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        let total = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return total >= Double(Int.max) ? Int.max : Int(total.rounded(.up))
    }
}
