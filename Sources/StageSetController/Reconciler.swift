public import KubeAPI
public import KubeModel
public import Logging
public import StageSetAPI
public import StageSetCore

/// Settings of the reconciler (the controller's flags).
public struct ReconcilerOptions: Sendable {
    /// `--default-interval`: the steady-state re-apply cadence when `spec.interval` is unset.
    public var defaultInterval: Duration = .seconds(600)
    /// `--no-cross-namespace-refs` inverted.
    public var allowCrossNamespace = true
    /// Requeue after terminal failures that may clear without a spec change (1m in the reference).
    public var permanentRetryInterval: Duration = .seconds(60)
    /// First requeue after an unexpected error; doubled for each failure in a row up to ``maxErrorBackoff``.
    public var errorBackoff: Duration = .seconds(5)
    /// Longest requeue after unexpected errors in a row.
    public var maxErrorBackoff: Duration = .seconds(300)

    public init() {}
}

/// When to look at a StageSet again.
public struct ReconcileResult: Sendable, Hashable {
    /// Requeue after this long; `nil` waits for the next watch event.
    public var requeueAfter: Duration?
    /// The `Ready` reason written, `nil` when nothing was reconciled (object gone or being deleted).
    public var reason: StageSetReason?
    /// An unexpected error: the controller requeues with exponential backoff instead of `requeueAfter`.
    public var backoff: Bool

    public init(requeueAfter: Duration?, reason: StageSetReason?, backoff: Bool = false) {
        self.requeueAfter = requeueAfter
        self.reason = reason
        self.backoff = backoff
    }
}

/// One reconcile of one StageSet: validate, pin every stage's source revision, run the stages in order
/// through the ``StagePipeline`` (each only after the previous one verified), and record the outcome in the
/// status.
public struct Reconciler: Sendable {
    public static let gvk = GroupVersionKind(group: "stages.metio.wtf", version: "v1", kind: "StageSet")
    /// The annotation that forces a reconcile (Flux's).
    public static let requestedAtAnnotation = "reconcile.fluxcd.io/requestedAt"

    /// The controller's own client (StageSets, sources, status).
    public let client: any KubernetesClient
    public let registry: PluginRegistry
    public let pipeline: StagePipeline
    public let options: ReconcilerOptions
    public let logger: Logger
    /// The client acting for a StageSet or stage ServiceAccount (namespace, name); `nil` name means the
    /// controller's own client.
    public let identity: @Sendable (_ namespace: String, _ serviceAccount: String?) -> any KubernetesClient

    public init(client: any KubernetesClient, registry: PluginRegistry, pipeline: StagePipeline,
                options: ReconcilerOptions = ReconcilerOptions(), logger: Logger,
                identity: (@Sendable (_ namespace: String, _ serviceAccount: String?) -> any KubernetesClient)? = nil) {
        self.client = client
        self.registry = registry
        self.pipeline = pipeline
        self.options = options
        self.logger = logger
        self.identity = identity ?? { namespace, serviceAccount in
            guard let serviceAccount, !serviceAccount.isEmpty else { return client }
            return client.impersonating(.serviceAccount(namespace: namespace, name: serviceAccount))
        }
    }

    public func reconcile(_ key: ObjectKey) async -> ReconcileResult {
        let raw: KubeObject
        do {
            guard let object = try await client.getIfExists(Self.gvk, namespace: key.namespace, name: key.name) else {
                return ReconcileResult(requeueAfter: nil, reason: nil)
            }
            raw = object
        } catch {
            if Task.isCancelled { return ReconcileResult(requeueAfter: nil, reason: nil) }
            logger.warning("reading StageSet failed", metadata: ["stageset": "\(key)", "error": "\(error)"])
            return ReconcileResult(requeueAfter: options.errorBackoff, reason: nil, backoff: true)
        }
        if raw.json["metadata"]?["deletionTimestamp"]?.stringValue != nil {
            return ReconcileResult(requeueAfter: nil, reason: nil)
        }
        let prior = (raw.json["status"]).flatMap { try? JSONValueDecoder().decode(StageSetStatus.self, from: $0) }
            ?? StageSetStatus()
        let recorder = StatusRecorder(client: client, object: raw, status: prior, logger: logger)
        let generation = raw.generation

        let stageSet: StageSet
        switch StageSet.decodeAndValidate(raw.json, registry: registry.operations) {
        case .failure(let errors):
            let error = StageSetError(.invalidSpec, "\(errors)", retry: .terminal)
            await finish(recorder, failure: error, generation: generation)
            return ReconcileResult(requeueAfter: options.permanentRetryInterval, reason: .invalidSpec)
        case .success(let decoded):
            stageSet = decoded
        }
        let log = logger.with(["stageset": "\(key)"])

        if stageSet.spec.suspend == true {
            await recorder.update { status in
                status.set("Ready", .false, reason: StageSetReason.suspended.rawValue,
                           message: "reconciliation is suspended", generation: generation)
                status.remove("Reconciling")
                status.remove("Stalled")
                status.observedGeneration = generation
            }
            return ReconcileResult(requeueAfter: nil, reason: .suspended)
        }

        // Pin every stage's source before anything is applied.
        let resolved: [ResolvedSource]
        do {
            resolved = try await resolveAll(stageSet, namespace: key.namespace)
        } catch {
            let failure = StageSetError.wrapping(error, as: .resolveFailed, context: "resolving sources")
            log.info("sources not ready", metadata: ["reason": "\(failure.reason.rawValue)", "message": "\(failure.message)"])
            await finish(recorder, failure: failure, generation: generation)
            return result(after: failure, stageSet)
        }
        let revisions = StringMap(.init(resolved.map { ($0.key, $0.artifact.revision) }, uniquingKeysWith: { first, _ in first }))
        let order = stageSet.spec.stages.map(\.name)
        let newRun = prior.lastAppliedRevisions != revisions || prior.observedGeneration != generation
            || prior.conditions?.condition("Ready")?.status != .true
        let handledToken = raw.annotations[Self.requestedAtAnnotation]
        await recorder.update { status in
            status.lastAttemptedRevisions = revisions
            if let handledToken { status.lastHandledReconcileAt = handledToken }
            if newRun {
                status.set("Reconciling", .true, reason: "Progressing", message: "reconciliation in progress",
                           generation: generation)
                status.set("Ready", .unknown, reason: StageSetReason.stageProgressing.rawValue,
                           message: "rolling out \(order.count) stage(s)", generation: generation)
                status.remove("Stalled")
            }
        }
        if newRun {
            log.info("run started", metadata: ["revisions": "\(revisions.entries.map { "\($0.key)=\($0.value)" })"])
        }

        for (index, stage) in stageSet.spec.stages.enumerated() {
            let source = resolved[index]
            let revision = source.artifact.revision
            let ledger = prior.stages?.first { $0.name == stage.name }
                .flatMap { $0.ledgerRevision == revision ? $0.executedActions : nil } ?? []
            var work = StageWork(stageSet: stageSet, stage: stage, source: source)
            work.executedActions = ledger
            let stageName = stage.name
            let context = StageContext(
                registry: registry,
                client: identity(key.namespace, stage.serviceAccountName ?? stageSet.spec.serviceAccountName),
                logger: log.with(["stage": "\(stage.name)"]),
                phaseChanged: { phase in
                    await recorder.update { status in
                        status.withStage(stageName, order: order) { record in
                            record.phase = phase.statusPhase
                            record.message = "\(phase.rawValue) \(revision)"
                        }
                    }
                })
            log.info("stage started", metadata: ["stage": "\(stage.name)", "revision": "\(revision)"])
            let outcome = await pipeline.run(work, context: context)
            await recorder.update { status in
                status.withStage(stageName, order: order) { record in
                    record.entriesCount = Int64(outcome.applied.count)
                    record.executedActions = outcome.executedActions.isEmpty ? nil : outcome.executedActions
                    record.ledgerRevision = outcome.executedActions.isEmpty ? nil : revision
                    switch outcome.result {
                    case .ready(let message):
                        record.phase = .ready
                        record.appliedRevision = revision
                        record.message = message
                    case .progressing(let error):
                        record.phase = .verifying
                        record.message = error.message
                    case .failed(let error, _):
                        record.phase = .failed
                        record.message = error.message
                    }
                }
            }
            switch outcome.result {
            case .ready(let message):
                log.info("stage ready", metadata: ["stage": "\(stage.name)", "summary": "\(message)"])
            case .progressing(let error), .failed(let error, _):
                let failure = StageSetError(error.reason, "stage \"\(stage.name)\": \(error.message)", retry: error.retry)
                log.warning("stage not ready", metadata: [
                    "stage": "\(stage.name)", "reason": "\(failure.reason.rawValue)", "message": "\(error.message)",
                ])
                await finish(recorder, failure: failure, generation: generation)
                return result(after: failure, stageSet)
            }
        }

        let message = "Applied and verified \(order.count) stage(s)"
        await recorder.update { status in
            status.set("Ready", .true, reason: StageSetReason.succeeded.rawValue, message: message,
                       generation: generation)
            status.remove("Reconciling")
            status.remove("Stalled")
            status.lastAppliedRevisions = revisions
            status.observedGeneration = generation
        }
        if newRun { log.info("run succeeded", metadata: ["message": "\(message)"]) }
        return ReconcileResult(requeueAfter: jittered(interval(stageSet)), reason: .succeeded)
    }

    /// Resolves every stage's source, in stage order; the first failure stops the run.
    func resolveAll(_ stageSet: StageSet, namespace: String) async throws -> [ResolvedSource] {
        let context = SourceContext(client: client, namespace: namespace, allowCrossNamespace: options.allowCrossNamespace)
        var resolved: [ResolvedSource] = []
        for (index, stage) in stageSet.spec.stages.enumerated() {
            let kind = stage.sourceRef.effectiveKind
            guard let resolver = registry.resolver(forKind: kind) else {
                throw StageSetError(
                    .invalidSpec, "spec.stages[\(index)].sourceRef: no resolver for kind \"\(kind)\" in this build",
                    retry: .terminal)
            }
            do {
                resolved.append(try await resolver.resolve(stage.sourceRef, context: context))
            } catch {
                let failure = StageSetError.wrapping(error, as: .resolveFailed, context: "resolving \(kind)")
                throw StageSetError(failure.reason, "stage \"\(stage.name)\": \(failure.message)", retry: failure.retry)
            }
        }
        return resolved
    }

    /// Records a failed (or held) run: Ready=False with the reason and runbook, Stalled when retrying
    /// cannot help, Reconciling while the controller keeps trying.
    private func finish(_ recorder: StatusRecorder, failure: StageSetError, generation: Int64) async {
        await recorder.update { status in
            status.set("Ready", .false, reason: failure.reason.rawValue,
                       message: failure.message + failure.reason.runbookSuffix, generation: generation)
            if failure.retry == .terminal {
                status.set("Stalled", .true, reason: failure.reason.rawValue, message: failure.message,
                           generation: generation)
                status.remove("Reconciling")
            } else {
                status.remove("Stalled")
                status.set("Reconciling", .true, reason: "ProgressingWithRetry", message: failure.message,
                           generation: generation)
            }
            status.observedGeneration = generation
        }
    }

    private func interval(_ stageSet: StageSet) -> Duration {
        if let interval = stageSet.spec.interval, interval.nanoseconds > 0 { return interval.swiftDuration }
        return options.defaultInterval
    }

    /// When to look again after `failure`: transient waits at `retryInterval`, terminal stage failures wait
    /// for a change, other terminal reasons re-check every minute, unexpected errors back off.
    private func result(after failure: StageSetError, _ stageSet: StageSet) -> ReconcileResult {
        switch failure.retry {
        case .transient:
            let retry = stageSet.spec.retryInterval.flatMap { $0.nanoseconds > 0 ? $0.swiftDuration : nil }
            return ReconcileResult(requeueAfter: jittered(retry ?? interval(stageSet)), reason: failure.reason)
        case .terminal:
            return ReconcileResult(
                requeueAfter: failure.reason == .stageFailed ? nil : options.permanentRetryInterval, reason: failure.reason)
        case .backoff:
            return ReconcileResult(requeueAfter: options.errorBackoff, reason: failure.reason, backoff: true)
        }
    }

    /// `duration` ±5%.
    private func jittered(_ duration: Duration) -> Duration {
        duration * Double.random(in: 0.95...1.05)
    }
}

extension Logger {
    /// A copy with extra metadata.
    func with(_ metadata: Logger.Metadata) -> Logger {
        var copy = self
        for (key, value) in metadata { copy[metadataKey: key] = value }
        return copy
    }
}
