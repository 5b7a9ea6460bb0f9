import CCurl

/// A libcurl failure: the `CURLcode` (or `CURLMcode` for the multi interface) and libcurl's message.
public struct CurlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The raw `CURLcode` value (for multi-interface failures, the raw `CURLMcode`).
    public let code: Int
    /// libcurl's explanation, the detailed error buffer text when there was one.
    public let message: String
    /// Whether `code` is a `CURLMcode` rather than a `CURLcode`.
    public let isMultiError: Bool

    public init(code: Int, message: String, isMultiError: Bool = false) {
        self.code = code
        self.message = message
        self.isMultiError = isMultiError
    }

    public var description: String {
        isMultiError ? "curl multi error \(code): \(message)" : "curl error \(code): \(message)"
    }

    /// The transfer ran longer than its timeout (`CURLE_OPERATION_TIMEDOUT`).
    public var isTimeout: Bool { !isMultiError && code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }

    /// No connection was made, so the server never saw the request (resolve or connect failure).
    public var isConnectFailure: Bool {
        guard !isMultiError else { return false }
        return [CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY]
            .contains { Int($0.rawValue) == code }
    }

    /// A failure worth retrying for an idempotent request: connect failures, timeouts and broken connections.
    public var isTransient: Bool {
        guard !isMultiError else { return false }
        let transient: [CURLcode] = [
            CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR,
            CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM,
        ]
        return transient.contains { Int($0.rawValue) == code }
    }

    /// Whether the server's certificate or the TLS handshake failed (never retried).
    public var isTLSFailure: Bool {
        guard !isMultiError else { return false }
        let tls: [CURLcode] = [CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM,
                               CURLE_SSL_CACERT_BADFILE]
        return tls.contains { Int($0.rawValue) == code }
    }

    /// The one place a `CURLcode` becomes a Swift error; `detail` is the handle's error buffer.
    static func check(_ code: CURLcode, detail: String = "") throws(CurlError) {
        guard code != CURLE_OK else { return }
        throw CurlError(code: code, detail: detail)
    }

    init(code: CURLcode, detail: String = "") {
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        self.init(code: Int(code.rawValue), message: text)
    }

    init(multiCode: CURLMcode) {
        self.init(code: Int(multiCode.rawValue), message: String(cString: curl_multi_strerror(multiCode)), isMultiError: true)
    }

    /// A failure detected on our side of the C boundary (bad option value, handle allocation).
    static func usage(_ message: String) -> CurlError {
        CurlError(code: Int(CURLE_BAD_FUNCTION_ARGUMENT.rawValue), message: message)
    }
}
