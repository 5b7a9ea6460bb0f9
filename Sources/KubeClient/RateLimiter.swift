import Synchronization

/// Token bucket arithmetic (the model of `golang.org/x/time/rate` that client-go's limiter uses), over an
/// abstract clock reading so that it can be tested without waiting.
public struct TokenBucket: Sendable, Hashable {
    /// Sustained requests per second.
    public let qps: Double
    /// Requests allowed at once after a quiet period.
    public let burst: Int
    private var tokens: Double
    private var last: Duration?

    public init(qps: Double, burst: Int) {
        self.qps = qps
        self.burst = max(1, burst)
        tokens = Double(max(1, burst))
    }

    /// Takes one token at time `now` (any monotonic reading) and returns how long the caller must wait before
    /// proceeding (zero when a token was available). Tokens may go negative: later callers queue behind.
    public mutating func reserve(now: Duration) -> Duration {
        guard qps > 0, qps.isFinite else { return .zero }
        if let last, now > last {
            tokens = min(Double(burst), tokens + (now - last).seconds * qps)
        }
        if last == nil || now > (last ?? .zero) { last = now }
        tokens -= 1
        guard tokens < 0 else { return .zero }
        return .nanoseconds(Int64(min(-tokens / qps, 1e9) * 1e9))
    }
}

/// A client-side QPS/burst limiter shared by every request of a client.
final class RateLimiter: Sendable {
    private let bucket: Mutex<TokenBucket>
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    init(qps: Double, burst: Int) {
        bucket = Mutex(TokenBucket(qps: qps, burst: burst))
        origin = clock.now
    }

    /// Waits for a token; throws `CancellationError` when the task is cancelled while waiting.
    func acquire() async throws {
        let now = clock.now - origin
        let wait = bucket.withLock { $0.reserve(now: now) }
        if wait > .zero { try await Task.sleep(for: wait) }
    }
}
