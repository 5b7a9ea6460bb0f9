public import KubeAPI
public import KubeModel
public import Logging
public import StageSetAPI

/// The phases of one stage, in pipeline order.
public enum PipelinePhase: String, Sendable, Hashable, CaseIterable {
    case fetch, decrypt, render, preActions, apply, verify, postActions, prune

    /// Whether a failure in this phase runs the stage's `onFailure` actions (not before anything applied).
    public var runsOnFailure: Bool {
        switch self {
        case .fetch, .decrypt, .render, .preActions: false
        case .apply, .verify, .postActions, .prune: true
        }
    }

    /// The `stages[].phase` the status shows while this phase runs.
    public var statusPhase: StagePhase {
        switch self {
        case .fetch, .decrypt, .render, .preActions, .apply: .applying
        case .verify, .postActions: .verifying
        case .prune: .pruning
        }
    }
}

/// One stage's run as it moves through the pipeline; each step reads what earlier steps left.
public struct StageWork: Sendable {
    /// The StageSet being reconciled (decoded and validated).
    public let stageSet: StageSet
    /// The stage, from `stageSet.spec.stages`.
    public let stage: Stage
    /// The stage's source, pinned at the start of the run.
    public let source: ResolvedSource
    /// The extracted artifact (set by the fetch step, removed when the stage ends).
    public var artifact: ExtractedArtifact?
    /// The rendered objects, in apply order (set by the render step).
    public var objects: [KubeObject] = []
    /// The objects the apply step applied (the changeset verify waits for).
    public var applied: [ObjectIdentity] = []
    /// One-line notes from the steps, for the stage's status message.
    public var notes: [String] = []
    /// Names of the `pre`/`post` actions already run for this revision (the revision ledger); steps skip them.
    public var executedActions: [String] = []

    public init(stageSet: StageSet, stage: Stage, source: ResolvedSource) {
        self.stageSet = stageSet
        self.stage = stage
        self.source = source
    }

    /// `"<namespace>/<name>"` of the StageSet.
    public var stageSetKey: ObjectKey {
        ObjectKey(namespace: stageSet.metadata.namespace ?? "", name: stageSet.metadata.name ?? "")
    }
}

/// What the steps of one stage may use.
public struct StageContext: Sendable {
    public var registry: PluginRegistry
    /// The client acting as the stage's identity (applies, reads, actions).
    public var client: any KubernetesClient
    public var logger: Logger
    /// Called when the stage enters a phase, so the reconciler can show it in the status.
    public var phaseChanged: @Sendable (PipelinePhase) async -> Void

    public init(registry: PluginRegistry, client: any KubernetesClient, logger: Logger,
                phaseChanged: @escaping @Sendable (PipelinePhase) async -> Void = { _ in }) {
        self.registry = registry
        self.client = client
        self.logger = logger
        self.phaseChanged = phaseChanged
    }
}

/// One step of the pipeline. Throw ``StageSetError`` to stop the stage (`StageProgressing` holds it,
/// any other reason fails it).
public protocol StageStep: Sendable {
    var phase: PipelinePhase { get }
    func run(_ work: inout StageWork, context: StageContext) async throws
}

/// How one stage ended.
public struct StageOutcome: Sendable {
    public enum Result: Sendable {
        /// Applied and verified; the message summarises the stage.
        case ready(message: String)
        /// Still progressing after the verify timeout (`StageProgressing`): hold, re-verify later.
        case progressing(StageSetError)
        /// Failed in `phase`.
        case failed(StageSetError, phase: PipelinePhase)
    }

    public var result: Result
    /// The objects applied (in apply order).
    public var applied: [ObjectIdentity]
    /// The revision ledger after the run.
    public var executedActions: [String]
}

/// The generic stage pipeline: runs its steps in order for one stage. It names no implementation:
/// steps come from the composition root, plugins from the ``PluginRegistry``.
public struct StagePipeline: Sendable {
    public var steps: [any StageStep]

    public init(steps: [any StageStep]) {
        self.steps = steps
    }

    /// Runs every step for `work`; on a failure after something was applied, runs `onFailure` actions
    /// (best effort). The extracted artifact is removed before returning.
    public func run(_ work: StageWork, context: StageContext) async -> StageOutcome {
        var work = work
        defer { work.artifact?.remove() }
        for step in steps {
            await context.phaseChanged(step.phase)
            do {
                try Task.checkCancellation()
                try await step.run(&work, context: context)
            } catch {
                let failure = StageSetError.wrapping(
                    error, as: .stageFailed, context: "stage \"\(work.stage.name)\" \(step.phase.rawValue)")
                if failure.reason == .stageProgressing { return work.outcome(.progressing(failure)) }
                if step.phase.runsOnFailure {
                    await runOnFailure(work, context: context)
                }
                return work.outcome(.failed(failure, phase: step.phase))
            }
        }
        let details = work.notes.isEmpty ? "\(work.applied.count) object(s) applied" : work.notes.joined(separator: "; ")
        let summary = "\(work.source.artifact.revision): \(details)"
        return work.outcome(.ready(message: summary))
    }

    private func runOnFailure(_ work: StageWork, context: StageContext) async {
        for action in work.stage.actions?.onFailure ?? [] {
            do {
                _ = try await ActionRunner.run(action, work: work, context: context)
            } catch {
                context.logger.warning(
                    "onFailure action failed",
                    metadata: ["stage": "\(work.stage.name)", "action": "\(action.name)", "error": "\(error)"])
            }
        }
    }
}

/// The `pre` or `post` actions of a stage, each run by the executor the registry holds for its operation.
public struct ActionsStep: StageStep {
    public enum Hook: Sendable { case pre, post }
    public let hook: Hook

    public init(_ hook: Hook) { self.hook = hook }

    public var phase: PipelinePhase { hook == .pre ? .preActions : .postActions }

    public func run(_ work: inout StageWork, context: StageContext) async throws {
        let actions = (hook == .pre ? work.stage.actions?.pre : work.stage.actions?.post) ?? []
        for action in actions where !work.executedActions.contains(action.name) {
            let result = try await ActionRunner.run(action, work: work, context: context)
            work.executedActions.append(action.name)
            context.logger.info(
                "action done", metadata: ["stage": "\(work.stage.name)", "action": "\(action.name)",
                                          "result": "\(result.message)"])
        }
    }
}

/// Runs one action with its timeout (covering every attempt) and retries.
enum ActionRunner {
    static func run(_ action: Action, work: StageWork, context: StageContext) async throws -> ActionResult {
        guard let operation = action.operation else {
            throw StageSetError(.invalidSpec, "action \"\(action.name)\" must set exactly one operation", retry: .terminal)
        }
        let actionContext = ActionContext(
            client: context.client, stageSet: work.stageSetKey, stage: work.stage.name,
            revision: work.source.artifact.revision, logger: context.logger)
        let attempts = max(1, (action.retries ?? 0) + 1)
        let registry = context.registry
        return try await withDeadline(action.timeout?.seconds, named: action.name) {
            var attempt = 0
            while true {
                do {
                    return try await registry.execute(operation, of: action, context: actionContext)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    attempt += 1
                    guard attempt < attempts, isRetryable(error) else { throw failure(error, of: action) }
                    try await Task.sleep(for: backoff(afterAttempt: attempt - 1))
                }
            }
        }
    }

    /// The pause after failed attempt `attempt` (0-based): `(attempt+1) * 500ms`, at most 5s.
    static func backoff(afterAttempt attempt: Int) -> Duration {
        .milliseconds(500 * min(attempt + 1, 10))
    }

    /// Whether another attempt may succeed: not after a terminal failure, a denial, or a client error
    /// (4xx) other than 408 and 429.
    static func isRetryable(_ error: any Error) -> Bool {
        if let error = error as? StageSetError { return error.retry != .terminal }
        if let error = error as? KubeError {
            return !error.isForbidden && !((400..<500).contains(error.code) && error.code != 408 && error.code != 429)
        }
        return true
    }

    /// `error` as the action's failure: a denial is `RBACDenied` (terminal), anything else `StageFailed`.
    static func failure(_ error: any Error, of action: Action) -> StageSetError {
        if let error = error as? KubeError, error.isForbidden {
            return StageSetError(.rbacDenied, "action \"\(action.name)\": \(error)", retry: .terminal)
        }
        return StageSetError.wrapping(error, as: .stageFailed, context: "action \"\(action.name)\"")
    }

    /// Runs `body`, failing it when `seconds` pass first.
    static func withDeadline<T: Sendable>(
        _ seconds: Double?, named name: String, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        guard let seconds, seconds > 0 else { return try await body() }
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw StageSetError(.stageFailed, "action \"\(name)\" timed out after \(seconds)s", retry: .backoff)
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw CancellationError() }
            return first
        }
    }
}

extension StageWork {
    fileprivate func outcome(_ result: StageOutcome.Result) -> StageOutcome {
        StageOutcome(result: result, applied: applied, executedActions: executedActions)
    }
}

/// The fetch step: downloads the stage's pinned artifact through the fetcher port (digest checked before
/// anything is unpacked) into a private directory the pipeline removes when the stage ends.
public struct FetchStep: StageStep {
    public let fetcher: any ArtifactFetcher
    public var phase: PipelinePhase { .fetch }

    public init(fetcher: any ArtifactFetcher) {
        self.fetcher = fetcher
    }

    public func run(_ work: inout StageWork, context: StageContext) async throws {
        work.artifact = try await fetcher.fetch(work.source.artifact)
    }
}
