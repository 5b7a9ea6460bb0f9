import Foundation
import KubeClient
import Testing

/// Backoff, Retry-After and token bucket arithmetic, with the clock and the randomness injected.
struct BackoffTests {
    @Test func exponentialWithCapAndJitter() {
        let policy = RetryPolicy(maxRetries: 5, initialDelay: .milliseconds(100), factor: 2, maxDelay: .seconds(1), jitter: 0.5)
        #expect(policy.delay(forRetry: 0, random: 0) == .milliseconds(100))
        #expect(policy.delay(forRetry: 1, random: 0) == .milliseconds(200))
        #expect(policy.delay(forRetry: 3, random: 0) == .milliseconds(800))
        #expect(policy.delay(forRetry: 4, random: 0) == .seconds(1))
        #expect(policy.delay(forRetry: 60, random: 0) == .seconds(1))
        #expect(policy.delay(forRetry: 0, random: 0.999_999) < .milliseconds(150))
        #expect(policy.delay(forRetry: 0, random: 0.5) == .milliseconds(125))
        #expect(policy.delay(forRetry: 4, random: 1) == .milliseconds(1500))
    }

    @Test func retryAfterIsHonouredUpToTheCap() {
        let policy = RetryPolicy(maxDelay: .seconds(10))
        #expect(policy.delay(forRetry: 3, retryAfter: 2, random: 0.9) == .seconds(2))
        #expect(policy.delay(forRetry: 0, retryAfter: 0, random: 0.9) == .zero)
        #expect(policy.delay(forRetry: 0, retryAfter: 3600, random: 0) == .seconds(10))
    }

    @Test func parsesRetryAfter() {
        #expect(parseRetryAfter("5") == 5)
        #expect(parseRetryAfter(" 0 ") == 0)
        #expect(parseRetryAfter("-1") == nil)
        #expect(parseRetryAfter("soon") == nil)
        let now = Date(timeIntervalSince1970: 1_445_412_470)  // 2015-10-21 07:27:50 GMT
        #expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 10)
        #expect(parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == 0)
    }

    @Test func tokenBucketAllowsBurstThenPaces() {
        var bucket = TokenBucket(qps: 10, burst: 3)
        let start = Duration.seconds(100)
        // The burst goes through at once.
        #expect((0..<3).map { _ in bucket.reserve(now: start) } == [.zero, .zero, .zero])
        // Then one request every 100 ms, queued behind each other.
        #expect(bucket.reserve(now: start) == .milliseconds(100))
        #expect(bucket.reserve(now: start) == .milliseconds(200))
        // 500 ms later the debt (2 tokens) is repaid and 3 more have accrued, capped at the burst.
        #expect(bucket.reserve(now: start + .milliseconds(500)) == .zero)
        #expect(bucket.reserve(now: start + .milliseconds(500)) == .zero)
        #expect(bucket.reserve(now: start + .milliseconds(500)) == .zero)
        #expect(bucket.reserve(now: start + .milliseconds(500)) == .milliseconds(100))
        // A long quiet period refills only up to the burst.
        #expect((0..<3).map { _ in bucket.reserve(now: start + .seconds(60)) } == [.zero, .zero, .zero])
        #expect(bucket.reserve(now: start + .seconds(60)) == .milliseconds(100))
    }

    @Test func tokenBucketClockGoingBackwardsGrantsNothing() {
        var bucket = TokenBucket(qps: 1, burst: 1)
        #expect(bucket.reserve(now: .seconds(10)) == .zero)
        #expect(bucket.reserve(now: .seconds(5)) == .seconds(1))
    }

    @Test func absurdRatesDoNotTrap() {
        var slow = TokenBucket(qps: 1e-300, burst: 1)
        #expect(slow.reserve(now: .zero) == .zero)
        #expect(slow.reserve(now: .zero) == .seconds(1_000_000_000))
        let policy = RetryPolicy(initialDelay: .seconds(1), factor: 1e300, maxDelay: .seconds(Int64.max / 2))
        #expect(policy.delay(forRetry: 1_000_000, random: 1) > .zero)
    }

    @Test func disabledLimiter() {
        var bucket = TokenBucket(qps: 0, burst: 1)
        #expect((0..<100).allSatisfy { _ in bucket.reserve(now: .zero) == .zero })
    }
}
