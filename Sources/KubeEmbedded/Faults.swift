import KubeModel
import NIOCore

/// Fault injection for reliability tests: errors per verb, added latency.
public struct FaultInjection: Sendable {
    /// Probability (0…1) that a request of this verb (`get`, `list`, `watch`, `create`, `update`, `patch`,
    /// `delete`, …; `*` for all) fails instead of being served.
    public var errorRates: [String: Double]
    /// The status code of injected failures: 500, 503, 429 (with `Retry-After: 1`) or 504 (timeout).
    public var errorCode: Int
    /// Added before every answer.
    public var latency: Duration

    /// Faults as given; the default injects nothing.
    public init(errorRates: [String: Double] = [:], errorCode: Int = 503, latency: Duration = .zero) {
        self.errorRates = errorRates
        self.errorCode = errorCode
        self.latency = latency
    }

    /// No faults.
    public static let none = FaultInjection()


    /// The injected failure for a request of `verb`, if the dice say so.
    func failure(verb: String) -> APIResponse? {
        let rate = errorRates[verb] ?? errorRates["*"] ?? 0
        guard rate > 0, Double.random(in: 0..<1) < rate else { return nil }
        switch errorCode {
        case 429:
            let error = APIError(code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.",
                                 details: ["retryAfterSeconds": 1])
            return .error(error, headers: [("Retry-After", "1")])
        case 504:
            return .error(APIError(code: 504, reason: "Timeout",
                                   message: "Timeout: request did not complete within the allowed duration"))
        case 500:
            return .error(APIError.internalError("injected fault"))
        default:
            return .error(APIError(code: 503, reason: "ServiceUnavailable", message: "the server is currently unable to handle the request"),
                          headers: [("Retry-After", "1")])
        }
    }
}

extension Duration {
    /// The duration as NIO's `TimeAmount` (negative durations count as zero).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return .zero }
        let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return .nanoseconds(overflow ? Int64.max : nanos &+ attoseconds / 1_000_000_000)
    }
}
