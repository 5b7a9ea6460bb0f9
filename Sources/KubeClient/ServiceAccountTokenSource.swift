public import KubeAPI
import KubeModel
import Synchronization

/// Bearer tokens of one ServiceAccount minted through TokenRequest by another client: cached, minted again when
/// most of their lifetime has passed, and on demand after a 401 (the ServiceAccount was re-created).
public final class ServiceAccountTokenSource: Sendable, Hashable {
    public let namespace: String
    public let name: String
    public let audiences: [String]
    public let expirationSeconds: Int64
    private let minter: any KubernetesClient
    private let cache = Mutex<(token: String, renewAt: Timestamp)?>(nil)
    private let mints = Mutex(0)

    /// - Parameters:
    ///   - minter: the client that may `create` `serviceaccounts/token` in `namespace`.
    ///   - expirationSeconds: requested lifetime (the server enforces at least 600).
    public init(minter: any KubernetesClient, namespace: String, name: String, audiences: [String] = [],
                expirationSeconds: Int64 = 3600) {
        self.minter = minter
        self.namespace = namespace
        self.name = name
        self.audiences = audiences
        self.expirationSeconds = expirationSeconds
    }

    /// How many tokens were minted so far.
    public var mintCount: Int { mints.withLock { $0 } }

    /// A valid token: the cached one until 80% of its lifetime has passed, else a new one.
    public func token(forceRefresh: Bool = false) async throws -> String {
        let now = Timestamp.now()
        if !forceRefresh, let cached = cache.withLock({ $0 }), now < cached.renewAt { return cached.token }
        let minted = try await minter.requestToken(
            serviceAccount: name, namespace: namespace, audiences: audiences, expirationSeconds: expirationSeconds)
        // The server's expiry, clamped to a sane range (a hostile timestamp must not overflow).
        let reported = minted.expirationTimestamp.map { $0.seconds.subtractingReportingOverflow(now.seconds) }
        let lifetime = reported.flatMap { $0.overflow ? nil : $0.partialValue } ?? expirationSeconds
        let renewAt = Timestamp(seconds: now.seconds + min(max(0, lifetime), 366 * 86_400) / 5 * 4)
        cache.withLock { $0 = (minted.token, renewAt) }
        mints.withLock { $0 += 1 }
        return minted.token
    }

    public static func == (lhs: ServiceAccountTokenSource, rhs: ServiceAccountTokenSource) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
