import KubeAPI
public import KubeModel
import Logging
import KubeClient
import StageSetAPI

/// The StageSet controller: watches StageSets and their sources, queues the StageSets that need a look,
/// and runs the ``Reconciler`` on a few workers (never two at once for one StageSet).
public final class StageSetController: Sendable {
    public let reconciler: Reconciler
    /// The namespace watched; `nil` watches all.
    public let namespace: String?
    /// How many StageSets reconcile at once (4 in the reference).
    public let workers: Int
    private let queue = WorkQueue()
    private let stageSets: Informer
    private let sources: [Informer]
    private let onReconciled: @Sendable (ObjectKey, ReconcileResult) async -> Void

    /// Watches StageSets and the source kinds the registry's resolvers name (``PluginRegistry/watchedSourceKinds``).
    public init(reconciler: Reconciler, namespace: String? = nil, workers: Int = 4,
                onReconciled: @escaping @Sendable (ObjectKey, ReconcileResult) async -> Void = { _, _ in }) {
        self.reconciler = reconciler
        self.namespace = namespace
        self.workers = max(1, workers)
        self.onReconciled = onReconciled
        stageSets = Informer(client: reconciler.client, gvk: Reconciler.gvk, namespace: namespace)
        sources = reconciler.registry.watchedSourceKinds.map { Informer(client: reconciler.client, gvk: $0, namespace: namespace) }
    }

    /// Whether the StageSet cache has loaded (the readiness probe).
    public var hasSynced: Bool { stageSets.hasSynced }

    /// Watches and reconciles until the task is cancelled.
    public func run() async {
        let queue = self.queue
        await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.stageSets.run() }
                group.addTask { await self.watchStageSets() }
                for informer in sources {
                    group.addTask { await informer.run() }
                    group.addTask { await self.watchSource(informer) }
                }
                for _ in 0..<workers {
                    group.addTask { await self.work() }
                }
                await group.waitForAll()
            }
        } onCancel: {
            // Workers wait on the queue, which knows nothing of cancellation.
            Task { await queue.shutDown() }
        }
    }

    private func watchStageSets() async {
        for await event in stageSets.events() {
            switch event {
            case .added(let object):
                await queue.add(object.key)
            case .updated(let old, let new):
                // Status writes do not wake the controller: only a spec change or a reconcile request does.
                if old.generation != new.generation
                    || old.annotations[Reconciler.requestedAtAnnotation] != new.annotations[Reconciler.requestedAtAnnotation]
                {
                    await queue.add(new.key)
                }
            case .deleted(let object):
                await queue.forget(object.key)
            case .synced:
                break
            }
        }
    }

    private func watchSource(_ informer: Informer) async {
        // The initial list replays every source as added; the StageSets' own initial events cover those.
        var synced = false
        for await event in informer.events() {
            let source: KubeObject
            switch event {
            case .added(let object):
                guard synced else { continue }
                source = object
            case .deleted(let object):
                source = object
            case .updated(let old, let new):
                guard Self.sourceChanged(old, new) else { continue }
                source = new
            case .synced:
                synced = true
                continue
            }
            for key in dependents(of: source) {
                await queue.add(key)
            }
        }
    }

    /// Whether a source update matters to a StageSet: a new (or first) artifact revision, or a Ready change.
    static func sourceChanged(_ old: KubeObject, _ new: KubeObject) -> Bool {
        func revision(_ object: KubeObject) -> String? { object.json["status"]?["artifact"]?["revision"]?.stringValue }
        func ready(_ object: KubeObject) -> String? {
            object.json["status"]?["conditions"]?.arrayValue?
                .first { $0["type"]?.stringValue == "Ready" }?["status"]?.stringValue
        }
        return revision(old) != revision(new) || ready(old) != ready(new)
    }

    /// The StageSets (same namespace) whose stages name `source`, directly or — for an ExternalArtifact —
    /// through its producer back-pointer.
    /// The StageSets in the source's namespace with a stage whose reference depends on `source`, as the
    /// registry's resolvers judge (cross-namespace references wake on their interval only, as in the reference).
    func dependents(of source: KubeObject) -> [ObjectKey] {
        let registry = reconciler.registry
        let decoder = JSONValueDecoder()
        return stageSets.list().filter { stageSet in
            guard stageSet.namespace == source.namespace else { return false }
            return (stageSet.json["spec"]?["stages"]?.arrayValue ?? []).contains { stage in
                guard let json = stage["sourceRef"],
                      let reference = try? decoder.decode(SourceReference.self, from: json) else { return false }
                return registry.reference(reference, in: stageSet.namespace, dependsOn: source)
            }
        }.map(\.key)
    }

    private func work() async {
        while let key = await queue.next() {
            let result = await reconciler.reconcile(key)
            if result.backoff {
                await queue.addWithBackoff(
                    key, base: reconciler.options.errorBackoff, limit: reconciler.options.maxErrorBackoff)
            } else {
                await queue.resetBackoff(key)
                if let after = result.requeueAfter { await queue.add(key, after: after) }
            }
            await queue.done(key)
            await onReconciled(key, result)
        }
    }
}
