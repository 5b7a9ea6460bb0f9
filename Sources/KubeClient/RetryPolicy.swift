import Foundation

/// Exponential backoff with jitter for retried requests and watch reconnects.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt (0 disables retrying).
    public var maxRetries: Int
    /// Delay before the first retry.
    public var initialDelay: Duration
    /// Growth per retry.
    public var factor: Double
    /// Cap on the computed delay (before jitter) and on an honoured `Retry-After`.
    public var maxDelay: Duration
    /// Up to this fraction of the delay is added at random.
    public var jitter: Double

    public init(maxRetries: Int = 5, initialDelay: Duration = .milliseconds(200), factor: Double = 2,
                maxDelay: Duration = .seconds(30), jitter: Double = 0.2) {
        self.maxRetries = maxRetries
        self.initialDelay = initialDelay
        self.factor = factor
        self.maxDelay = maxDelay
        self.jitter = jitter
    }

    /// No retries.
    public static let none = RetryPolicy(maxRetries: 0)

    /// The delay before retry number `retry` (0-based).
    ///
    /// - Parameters:
    ///   - retryAfter: the server's `Retry-After` in seconds; honoured (capped at ``maxDelay``) instead of the backoff.
    ///   - random: a value in `0..<1` choosing the jitter.
    public func delay(forRetry retry: Int, retryAfter: Int? = nil, random: Double) -> Duration {
        if let retryAfter {
            return min(.seconds(max(0, retryAfter)), maxDelay)
        }
        let base = initialDelay.seconds * pow(factor, Double(max(0, retry)))
        let capped = min(base, maxDelay.seconds)
        let jittered = capped * (1 + jitter * min(max(random, 0), 1))
        return .nanoseconds(Int64(min(jittered, 1e9) * 1e9))
    }
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}

/// Parses a `Retry-After` header: delay seconds, or an HTTP date (seconds from `now`, at least 0).
public func parseRetryAfter(_ value: String, now: Date = Date()) -> Int? {
    let trimmed = value.trimmingCharacters(in: .whitespaces)
    if let seconds = Int(trimmed) { return seconds >= 0 ? seconds : nil }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = formatter.date(from: trimmed) else { return nil }
    return max(0, Int(date.timeIntervalSince(now).rounded(.up)))
}
