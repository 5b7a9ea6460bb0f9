import KubeAPI
import KubeModel
import Logging
import StageSetAPI
@testable import StageSetCore
import Testing

/// Fails its first `failures` attempts with `error`, then succeeds; counts attempts.
struct FlakySpec: ActionOperationSpec {
    static let summary = "Fails a number of times, then succeeds."
}

actor AttemptCounter {
    private(set) var count = 0
    func next() -> Int {
        count += 1
        return count
    }
}

struct FlakyExecutor: ActionExecutor {
    static let kind: ActionOperationKind = "flaky"
    let failures: Int
    let error: any Error & Sendable
    let counter: AttemptCounter

    func execute(_ spec: FlakySpec, action: Action, context: ActionContext) async throws -> ActionResult {
        let attempt = await counter.next()
        if attempt <= failures { throw error }
        return ActionResult(message: "succeeded on attempt \(attempt)")
    }
}

/// `ActionRunner` retries, backoff and timeout through the public `ActionsStep`, with an executor that
/// fails on purpose.
@Suite(.timeLimit(.minutes(1)))
struct ActionRetryTests {
    /// Runs one pre action with `retries` and `timeout`; returns the error (if any) and the attempt count.
    static func run(failures: Int, with error: any Error & Sendable, retries: Int, timeout: GoDuration? = nil)
        async throws -> (StageSetError?, Int)
    {
        let counter = AttemptCounter()
        var registry = PluginRegistry()
        try registry.register(FlakyExecutor(failures: failures, error: error, counter: counter))
        var action = Action(name: "flaky", operation: ActionOperation(kind: "flaky", spec: FlakySpec()))
        action.retries = retries
        action.timeout = timeout
        var stage = Stage(name: "web", sourceRef: SourceReference(kind: "ExternalArtifact", name: "bundle"))
        stage.actions = StageActions(pre: [action])
        let stageSet = StageSet(metadata: ObjectMeta(name: "shop", namespace: "apps"), spec: StageSetSpec(stages: [stage]))
        let source = ResolvedSource(
            object: ObjectIdentity(namespace: "apps", name: "bundle", group: "source.toolkit.fluxcd.io", kind: "ExternalArtifact"),
            artifact: Artifact(url: "http://127.0.0.1/bundle.tar.gz", digest: "sha256:00", revision: "v1"))
        var work = StageWork(stageSet: stageSet, stage: stage, source: source)
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        let context = StageContext(registry: registry, client: cluster.client,
                                   logger: Logger(label: "retry-tests", factory: { _ in SwiftLogNoOpLogHandler() }))
        do {
            try await ActionsStep(.pre).run(&work, context: context)
            #expect(work.executedActions == ["flaky"])
            return (nil, await counter.count)
        } catch let failure as StageSetError {
            #expect(work.executedActions.isEmpty)
            return (failure, await counter.count)
        }
    }

    static func kubeError(_ code: Int, _ reason: KubeError.Reason) -> KubeError {
        KubeError(code: code, reason: reason, message: "\(reason) (\(code))")
    }

    @Test func retriesUntilAnAttemptSucceeds() async throws {
        let (error, attempts) = try await Self.run(
            failures: 2, with: StageSetError(.stageFailed, "flaked", retry: .backoff), retries: 2)
        #expect(error == nil)
        #expect(attempts == 3)
    }

    @Test func givesUpAfterTheLastRetry() async throws {
        let (error, attempts) = try await Self.run(failures: 5, with: Self.kubeError(429, .tooManyRequests), retries: 1)
        #expect(attempts == 2)
        #expect(error?.reason == .stageFailed)
        #expect(error?.message.hasPrefix("action \"flaky\": ") == true)
    }

    @Test(arguments: [
        (StageSetError(.stageFailed, "bad spec", retry: .terminal) as any Error & Sendable, StageSetReason.stageFailed),
        (ActionRetryTests.kubeError(403, .forbidden), .rbacDenied),
        (ActionRetryTests.kubeError(422, .invalid), .stageFailed),
        (ActionRetryTests.kubeError(404, .notFound), .stageFailed),
    ])
    func noRetryForTerminalDeniedOrClientErrors(error: any Error & Sendable, reason: StageSetReason) async throws {
        let (failure, attempts) = try await Self.run(failures: 5, with: error, retries: 5)
        #expect(attempts == 1)
        #expect(failure?.reason == reason)
        if reason == .rbacDenied { #expect(failure?.retry == .terminal) }
    }

    @Test func timeoutCoversEveryAttempt() async throws {
        // Every attempt fails at once, so only a deadline over all of them (not one per attempt) times out;
        // it passes during the first backoffs, long before the 11 attempts' 27.5s of backoff.
        let (error, attempts) = try await Self.run(
            failures: 100, with: StageSetError(.stageFailed, "flaked", retry: .backoff), retries: 10,
            timeout: GoDuration(nanoseconds: 100_000_000))
        #expect(attempts < 11)
        #expect(error?.message == "action \"flaky\" timed out after 0.1s")
    }

    @Test func backoffGrowsBy500msUpTo5s() {
        #expect((0..<12).map { ActionRunner.backoff(afterAttempt: $0) } == [
            .milliseconds(500), .seconds(1), .milliseconds(1500), .seconds(2), .milliseconds(2500), .seconds(3),
            .milliseconds(3500), .seconds(4), .milliseconds(4500), .seconds(5), .seconds(5), .seconds(5),
        ])
    }
}
