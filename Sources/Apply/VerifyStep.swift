import Health
import KubeAPI
import KubeModel
import Logging
public import StageSetAPI
public import StageSetCore

/// The pipeline's verify phase: waits until the stage's objects are healthy (CTL-15/16/20).
///
/// The objects waited on are `work.applied` (unless `readyChecks.disableWait`) and the `readyChecks.checks`
/// references; with `disableWait`, applied objects whose kind has a `readyChecks.exprs` rule are still waited on.
/// An object whose group and kind has an `exprs` rule is judged by that CEL rule, any other by kstatus
/// (``KStatusComputer``; StatefulSets and ReplicaSets also count their selected Pods' failures, as kstatus'
/// poller does). The objects are read every ``pollInterval`` and, with ``watchChanges``, as soon as a watch
/// reports a change; an RBAC denial reading them is `RBACDenied` (terminal). After each round:
/// - every object Current: the stage is verified;
/// - any object Failed: the stage fails at once (`StageFailed`, backoff), naming the object and why;
/// - the timeout (``timeout(stage:spec:fallback:)``) passes with objects still in progress, missing (a deleted
///   object may be recreated) or unreadable: the effective `onTimeout` decides — `Hold` throws
///   `StageProgressing` (transient) naming the objects not ready, `Rollback` fails the stage.
public struct VerifyStep: StageStep {
    /// The last level of the timeout ladder.
    public static let defaultTimeout: Duration = .seconds(15 * 60)

    /// How often the objects are read (reference: 2s).
    public var pollInterval: Duration
    /// The timeout when neither the stage nor the spec sets one.
    public var defaultTimeout: Duration
    /// How often a long wait logs which objects it still waits for.
    public var heartbeatInterval: Duration
    /// How many objects are read at once in each round.
    public var readConcurrency: Int
    /// Also watch the objects, so a change starts the next round before the poll interval ends
    /// (a watch the identity may not open is skipped; polling carries on).
    public var watchChanges: Bool

    public init(pollInterval: Duration = .seconds(2), defaultTimeout: Duration = VerifyStep.defaultTimeout,
                heartbeatInterval: Duration = .seconds(60), readConcurrency: Int = 8, watchChanges: Bool = true) {
        self.pollInterval = pollInterval
        self.defaultTimeout = defaultTimeout
        self.heartbeatInterval = heartbeatInterval
        self.readConcurrency = readConcurrency
        self.watchChanges = watchChanges
    }

    public var phase: PipelinePhase { .verify }

    /// The verify timeout: `readyChecks.timeout` > `stages[].timeout` > `spec.timeout` > `fallback`;
    /// levels that are not positive are skipped (CTL-20).
    public static func timeout(stage: Stage, spec: StageSetSpec, fallback: Duration = defaultTimeout) -> Duration {
        for level in [stage.readyChecks?.timeout, stage.timeout, spec.timeout] {
            if let level, level.nanoseconds > 0 { return level.swiftDuration }
        }
        return fallback
    }

    /// What a verify timeout means: `stages[].onTimeout` > `spec.onTimeout` > `Hold`.
    public static func onTimeout(stage: Stage, spec: StageSetSpec) -> FailurePolicy {
        stage.onTimeout ?? spec.onTimeout ?? .hold
    }

    public func run(_ work: inout StageWork, context: StageContext) async throws {
        let readyChecks = work.stage.readyChecks
        let rules = try Self.compile(readyChecks?.exprs ?? [])
        var targets: [Target] = []
        var seen: Set<ObjectIdentity> = []
        func add(_ target: Target) {
            if seen.insert(target.identity).inserted { targets.append(target) }
        }
        let waitAll = !(readyChecks?.disableWait ?? false)
        for identity in work.applied
        where waitAll || rules.contains(where: { $0.group == identity.group && $0.kind == identity.kind }) {
            add(Target(identity: identity, apiVersion: nil, isCheck: false))
        }
        let namespace = work.stageSetKey.namespace
        for reference in readyChecks?.checks ?? [] {
            let apiVersion = reference.apiVersion.flatMap { $0.isEmpty ? nil : $0 }
            // Without an apiVersion: the group of an applied object of that kind, else the core group.
            let group =
                apiVersion.map { GroupVersionKind(apiVersion: $0, kind: reference.kind).group }
                ?? work.applied.first { $0.kind == reference.kind }?.group ?? ""
            add(Target(
                identity: ObjectIdentity(
                    namespace: reference.namespace ?? namespace, name: reference.name, group: group,
                    kind: reference.kind),
                apiVersion: apiVersion, isCheck: true))
        }
        guard !targets.isEmpty else { return }

        let timeout = Self.timeout(stage: work.stage, spec: work.stageSet.spec, fallback: defaultTimeout)
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var nextHeartbeat = clock.now + heartbeatInterval
        let probe = Probe(client: context.client, rules: rules)
        let (wakeups, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        defer { wake.finish() }
        try await withThrowingTaskGroup(of: Void.self) { watchers in
            defer { watchers.cancelAll() }
            var watched: Set<WatchKey> = []
            var wakeup = wakeups.makeAsyncIterator()
            // Watch events of a busy object start a round at most this often.
            let shortestRound = min(pollInterval, .milliseconds(250))
            while true {
                try Task.checkCancellation()
                let roundStarted = clock.now
                let readings = try await probe.health(of: targets, concurrency: readConcurrency)
                let failed = readings.filter { $0.result.status == .failed }
                if !failed.isEmpty {
                    let message = failed.map { "\($0.identity.displayName) failed: \($0.result.message)" }
                        .joined(separator: "; ")
                    throw StageSetError(.stageFailed, message, retry: .backoff)
                }
                let pending = readings.filter { $0.result.status != .current }
                if pending.isEmpty {
                    work.notes.append("\(readings.count) object(s) ready")
                    return
                }
                let now = clock.now
                if now >= deadline {
                    throw timedOut(pending, after: timeout, work: work)
                }
                if now >= nextHeartbeat {
                    nextHeartbeat = now + heartbeatInterval
                    context.logger.info("waiting for objects to become ready", metadata: [
                        "stage": "\(work.stage.name)", "pending": "\(Self.describe(pending))",
                    ])
                }
                if watchChanges {
                    for (target, reading) in zip(targets, readings) {
                        guard let key = WatchKey(target: target, reading: reading, owner: work.stageSetKey,
                                                 stage: work.stage.name),
                            watched.insert(key).inserted
                        else { continue }
                        let client = context.client
                        let pause = pollInterval
                        watchers.addTask { await key.watch(client: client, wake: wake, pause: pause) }
                    }
                }
                // The next round starts after the poll interval, or sooner when a watched object changes.
                let timer = Task {
                    try? await Task.sleep(for: min(pollInterval, deadline - now))
                    wake.yield()
                }
                _ = await wakeup.next()
                timer.cancel()
                let elapsed = clock.now - roundStarted
                if elapsed < shortestRound, clock.now < deadline {
                    try await Task.sleep(for: min(shortestRound - elapsed, deadline - clock.now))
                }
            }
        }
    }

    private func timedOut(_ pending: [Reading], after timeout: Duration, work: StageWork)
        -> StageSetError
    {
        let text = "stage \"\(work.stage.name)\" not ready after \(timeout.goText): \(Self.describe(pending))"
        switch Self.onTimeout(stage: work.stage, spec: work.stageSet.spec) {
        case .hold: return StageSetError(.stageProgressing, text, retry: .transient)
        case .rollback: return StageSetError(.stageFailed, text, retry: .backoff)
        }
    }

    /// `Deployment apps/web (InProgress: Replicas: 0/1)`, … — at most five objects, then a count.
    static func describe(_ pending: [Reading]) -> String {
        let shown = pending.prefix(5).map { reading in
            let (identity, result) = (reading.identity, reading.result)
            let detail = result.message.isEmpty ? result.status.rawValue : "\(result.status.rawValue): \(result.message)"
            return "\(identity.displayName) (\(detail))"
        }
        let more = pending.count > 5 ? " and \(pending.count - 5) more" : ""
        return shown.joined(separator: ", ") + more
    }

    /// Compiles `readyChecks.exprs`; a rule that does not compile is an invalid spec.
    static func compile(_ exprs: [CustomHealthCheck]) throws -> [ExpressionHealthCheck] {
        try exprs.enumerated().map { index, expr in
            let field = "readyChecks.exprs[\(index)]"
            guard let current = expr.current, !current.isEmpty else {
                throw StageSetError(.invalidSpec, "\(field) (\(expr.kind)): current is required", retry: .terminal)
            }
            do {
                return try ExpressionHealthCheck(
                    apiVersion: expr.apiVersion, kind: expr.kind, current: current,
                    inProgress: expr.inProgress.flatMap { $0.isEmpty ? nil : $0 },
                    failed: expr.failed.flatMap { $0.isEmpty ? nil : $0 })
            } catch {
                throw StageSetError(.invalidSpec, "\(field) (\(expr.kind)): \(error)", retry: .terminal)
            }
        }
    }
}

/// One object verify waits on.
struct Target: Sendable {
    /// For a `checks` reference, the namespace is a guess until the kind's scope is known.
    var identity: ObjectIdentity
    /// The version to read (`checks[].apiVersion`); `nil` reads the server's preferred version.
    var apiVersion: String?
    /// A `checks` reference rather than an applied object (which carries the stage's labels).
    var isCheck: Bool
}

/// One object's health in one round.
struct Reading: Sendable {
    /// The object (namespace dropped once the kind is known to be cluster-scoped).
    var identity: ObjectIdentity
    var result: HealthResult
    /// The version read, once the kind resolved.
    var gvk: GroupVersionKind?
}

/// One watch that wakes the verify loop: the applied objects of a kind in a namespace (by the stage's labels),
/// or one `checks` object by name.
struct WatchKey: Hashable, Sendable {
    var gvk: GroupVersionKind
    /// Empty for cluster-scoped kinds.
    var namespace: String
    var labelSelector: String?
    var fieldSelector: String?

    init?(target: Target, reading: Reading, owner: ObjectKey, stage: String) {
        guard let gvk = reading.gvk else { return nil }
        self.gvk = gvk
        namespace = reading.identity.namespace
        if target.isCheck {
            fieldSelector = "metadata.name=\(reading.identity.name)"
        } else {
            labelSelector = StageObjectLabels.labels(owner: owner, stage: stage)
                .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
    }

    /// Signals `wake` on every change until cancelled; reopens a stream the server ended (after `pause`),
    /// gives up on an error (the poll carries on).
    func watch(client: any KubernetesClient, wake: AsyncStream<Void>.Continuation, pause: Duration) async {
        let options = WatchOptions(labelSelector: labelSelector, fieldSelector: fieldSelector, allowBookmarks: false)
        while !Task.isCancelled {
            do {
                let events = try await client.watch(gvk, namespace: namespace.isEmpty ? nil : namespace, options: options)
                for try await event in events where event.type != .bookmark {
                    wake.yield()
                }
                try await Task.sleep(for: pause)
            } catch {
                return
            }
        }
    }
}

/// Reads one object and computes its health.
struct Probe: Sendable {
    let client: any KubernetesClient
    let rules: [ExpressionHealthCheck]

    /// The health of every target, in target order, reading at most `concurrency` objects at once.
    func health(of targets: [Target], concurrency: Int) async throws -> [Reading] {
        try await withThrowingTaskGroup(of: (Int, Reading).self) { group in
            var results = [Reading?](repeating: nil, count: targets.count)
            var next = 0
            func launch() {
                let index = next
                let target = targets[index]
                group.addTask { (index, try await health(of: target)) }
                next += 1
            }
            while next < min(max(concurrency, 1), targets.count) { launch() }
            while let (index, reading) = try await group.next() {
                results[index] = reading
                if next < targets.count { launch() }
            }
            return results.compactMap { $0 }
        }
    }

    /// The object's identity (its namespace dropped when the kind is cluster-scoped) and health.
    /// Missing objects and kinds are `NotFound`, read errors `Unknown`; only an RBAC denial throws.
    func health(of target: Target) async throws -> Reading {
        var identity = target.identity
        let mapping: ResourceMapping
        do {
            if let apiVersion = target.apiVersion {
                mapping = try await client.mapper.mapping(for: GroupVersionKind(apiVersion: apiVersion, kind: identity.kind))
            } else {
                mapping = try await client.mapper.preferredMapping(for: identity.groupKind)
            }
        } catch let error as KubeClientError where error.code == .noKindMatch {
            return Reading(identity: identity, result: HealthResult(status: .notFound, message: "the kind is not served by the apiserver"))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return Reading(identity: identity, result: .unknown("resolving the kind: \(error)"))
        }
        if !mapping.namespaced { identity.namespace = "" }
        let object: KubeObject
        do {
            object = try await client.get(mapping.gvk, namespace: identity.namespace, name: identity.name)
        } catch let error as KubeError where error.isNotFound {
            return Reading(identity: identity, result: .notFound(), gvk: mapping.gvk)
        } catch let error as KubeError where error.isForbidden {
            throw StageSetError.rbacDenied("reading \(identity.displayName)", error)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return Reading(identity: identity, result: .unknown("reading: \(error)"), gvk: mapping.gvk)
        }
        if let rule = rules.first(where: { $0.applies(to: object.json) }) {
            return Reading(identity: identity, result: rule.evaluate(object.json), gvk: mapping.gvk)
        }
        var result = KStatusComputer.compute(object.json)
        if KStatusComputer.readsOwnedPods(object.json) {
            result = KStatusComputer.applyingPodFailures(result, podStatuses: await podStatuses(of: object))
        }
        if result.status == .failed { result.message = Self.failureDetail(object, kstatus: result.message) }
        return Reading(identity: identity, result: result, gvk: mapping.gvk)
    }

    /// The message of the object's own `Failed` or `Stalled` condition (e.g. a Job's "has reached the
    /// specified backoff limit") ahead of kstatus' summary, which rarely says why.
    static func failureDetail(_ object: KubeObject, kstatus: String) -> String {
        guard let own = object.conditions.first(where: {
            ($0.type == "Failed" || $0.type == "Stalled") && $0.status == .true && !$0.message.isEmpty
        }), !kstatus.contains(own.message) else { return kstatus }
        return kstatus.isEmpty ? own.message : "\(own.message) (\(kstatus))"
    }

    /// The kstatus of the Pods `object` selects (`spec.selector`) in its namespace; none when unreadable.
    private func podStatuses(of object: KubeObject) async -> [KStatus] {
        guard let selectorValue = object.value(at: ["spec", "selector"]),
            let selector = try? LabelSelector(json: selectorValue)?.selector(), !selector.isEmpty,
            let pods = try? await client.list(
                GroupVersionKind(group: "", version: "v1", kind: "Pod"), namespace: object.namespace,
                options: ListOptions(labelSelector: selector.description))
        else { return [] }
        return pods.items.map { KStatusComputer.compute($0.json).status }
    }
}
