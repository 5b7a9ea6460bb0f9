import Curl
import Foundation
import KubeAPI
import Synchronization

/// A bearer token read from a file, cached for a while and re-read on demand (rotated service-account tokens).
final class TokenFileSource: Sendable {
    let path: String
    let interval: Duration
    private let cache = Mutex<(token: String, readAt: ContinuousClock.Instant)?>(nil)

    init(path: String, interval: Duration) {
        self.path = path
        self.interval = interval
    }

    func token(forceReload: Bool = false) throws -> String {
        let now = ContinuousClock.now
        if !forceReload, interval > .zero, let cached = cache.withLock({ $0 }) {
            let age = now - cached.readAt
            if age < interval { return cached.token }
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KubeClientError(.configuration, "cannot read token file \(path): \(error.localizedDescription)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        cache.withLock { $0 = (token, now) }
        return token
    }
}

/// Sends API requests: authentication, impersonation, rate limiting, retries and error decoding.
final class RequestExecutor: Sendable {
    let configuration: ClientConfiguration
    let http: HTTPClient
    private let limiter: RateLimiter
    private let tokenFiles = Mutex<[String: TokenFileSource]>([:])

    init(configuration: ClientConfiguration) throws {
        self.configuration = configuration
        http = try HTTPClient(tls: configuration.tls, proxy: configuration.proxyURL)
        limiter = RateLimiter(qps: configuration.qps, burst: configuration.burst)
    }

    private func tokenSource(_ path: String) -> TokenFileSource {
        tokenFiles.withLock { sources in
            if let source = sources[path] { return source }
            let source = TokenFileSource(path: path, interval: configuration.tokenFileRefreshInterval)
            sources[path] = source
            return source
        }
    }

    private func headers(
        credentials: Credentials, impersonation: Impersonation?, accept: String, contentType: String?, reloadToken: Bool
    ) async throws -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = [("Accept", accept), ("User-Agent", configuration.userAgent)]
        if let contentType { headers.append(("Content-Type", contentType)) }
        switch credentials {
        case .none: break
        case .bearerToken(let token): headers.append(("Authorization", "Bearer \(token)"))
        case .bearerTokenFile(let path):
            headers.append(("Authorization", "Bearer \(try tokenSource(path).token(forceReload: reloadToken))"))
        case .basic(let username, let password):
            headers.append(("Authorization", "Basic \(Data("\(username):\(password)".utf8).base64EncodedString())"))
        case .serviceAccount(let source):
            headers.append(("Authorization", "Bearer \(try await source.token(forceRefresh: reloadToken))"))
        }
        if let impersonation {
            headers.append(("Impersonate-User", impersonation.user))
            for group in impersonation.groups { headers.append(("Impersonate-Group", group)) }
            if let uid = impersonation.uid { headers.append(("Impersonate-Uid", uid)) }
        }
        return headers
    }

    /// Whether a failed attempt may be repeated. Writes are repeated only when the server did not act on them
    /// (429, 503, no connection): a JSON patch that appends, or a create, must not run twice.
    private static func retryable(status: Int, method: String) -> Bool {
        switch status {
        case 429, 503: true
        case 500, 502, 504: method == "GET" || method == "HEAD"
        default: false
        }
    }

    private static func retryable(_ error: CurlError, method: String) -> Bool {
        method == "GET" || method == "HEAD" ? error.isTransient : error.isConnectFailure
    }

    /// Sends one request and returns a 2xx response; other statuses are thrown as ``KubeError``.
    func send(
        method: String, path: String, query: [(String, String)] = [], body: [UInt8]? = nil, contentType: String? = nil,
        accept: String = "application/json", timeout: Duration? = nil, credentials: Credentials,
        impersonation: Impersonation?
    ) async throws -> HTTPResponse {
        let url = configuration.server + path + APIPath.query(query)
        let policy = configuration.retry
        var retry = 0
        var reloadedToken = false
        var reloadToken = false
        while true {
            try await limiter.acquire()
            let request = HTTPRequest(
                method: method, url: url,
                headers: try await headers(credentials: credentials, impersonation: impersonation, accept: accept,
                                           contentType: contentType, reloadToken: reloadToken),
                body: body, timeout: timeout ?? configuration.timeout, connectTimeout: configuration.connectTimeout)
            let response: HTTPResponse
            do {
                response = try await http.send(request)
            } catch let error as CurlError {
                guard retry < policy.maxRetries, Self.retryable(error, method: method) else {
                    throw KubeClientError(.transport, "\(method) \(url): \(error.message)")
                }
                try await Task.sleep(for: policy.delay(forRetry: retry, random: Double.random(in: 0..<1)))
                retry += 1
                continue
            }
            reloadToken = false
            if (200..<300).contains(response.status) { return response }
            if response.status == 401, credentials.renewable, !reloadedToken {
                // The token may have been rotated (file) or invalidated (ServiceAccount re-created) since it was cached.
                reloadedToken = true
                reloadToken = true
                continue
            }
            let retryAfter = response.header("Retry-After").flatMap { parseRetryAfter($0) }
            let error = KubeError(httpStatus: response.status, body: response.body, retryAfter: retryAfter)
            guard retry < policy.maxRetries, Self.retryable(status: response.status, method: method) else { throw error }
            try await Task.sleep(
                for: policy.delay(forRetry: retry, retryAfter: error.retryAfterSeconds, random: Double.random(in: 0..<1)))
            retry += 1
        }
    }

    /// Opens a streaming GET (watch). Non-2xx answers are read in full and thrown as ``KubeError``.
    ///
    /// - Parameter timeout: client-side limit on the whole stream (`nil`: none).
    func stream(path: String, query: [(String, String)], timeout: Duration?, credentials: Credentials,
                impersonation: Impersonation?) async throws -> HTTPStreamingResponse
    {
        try await limiter.acquire()
        let url = configuration.server + path + APIPath.query(query)
        var reload = false
        while true {
            let request = HTTPRequest(
                url: url,
                headers: try await headers(credentials: credentials, impersonation: impersonation,
                                           accept: "application/json", contentType: nil, reloadToken: reload),
                timeout: timeout, connectTimeout: configuration.connectTimeout)
            let response: HTTPStreamingResponse
            do {
                response = try await http.stream(request)
            } catch let error as CurlError {
                throw KubeClientError(.transport, "GET \(url): \(error.message)")
            }
            if (200..<300).contains(response.status) { return response }
            let body = try await response.collect(limit: 1 << 20)
            if response.status == 401, credentials.renewable, !reload {
                reload = true
                continue
            }
            let retryAfter = response.header("Retry-After").flatMap { parseRetryAfter($0) }
            throw KubeError(httpStatus: response.status, body: body, retryAfter: retryAfter)
        }
    }
}

extension Credentials {
    /// Whether a 401 may be cured by reading or minting the token again.
    var renewable: Bool {
        switch self {
        case .bearerTokenFile, .serviceAccount: true
        case .none, .bearerToken, .basic: false
        }
    }
}
