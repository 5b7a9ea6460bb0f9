public import KubeAPI
public import KubeModel
import Synchronization

/// A change seen by an ``Informer``.
public enum InformerEvent: Sendable, Hashable {
    case added(KubeObject)
    case updated(old: KubeObject, new: KubeObject)
    case deleted(KubeObject)
    /// The first full list has been loaded into the cache (sent once per subscriber, after its `added` events).
    case synced
}

/// Keeps a local cache of one kind in sync with the server (list, then watch) and publishes its changes.
///
/// ``run()`` lists, then watches from the list's resourceVersion with bookmarks; when a watch ends it resumes
/// from the last seen resourceVersion; on 410 Gone it lists again and publishes the difference; on other failures
/// it reconnects with exponential backoff.
public final class Informer: Sendable {
    public let gvk: GroupVersionKind
    /// `nil` watches all namespaces (or a cluster-scoped kind).
    public let namespace: String?
    public let labelSelector: String?
    public let fieldSelector: String?
    private let client: any KubernetesClient
    private let backoff: RetryPolicy
    private let pageSize: Int

    private struct State {
        var cache: [ObjectKey: KubeObject] = [:]
        var synced = false
        var resourceVersion = ""
        var subscribers: [Int: AsyncStream<InformerEvent>.Continuation] = [:]
        var nextSubscriber = 0
        var syncWaiters: [CheckedContinuation<Void, Never>] = []
        var relists = 0
        var watches = 0
        var stopped = false
    }

    private let state = Mutex(State())

    public init(client: any KubernetesClient, gvk: GroupVersionKind, namespace: String? = nil,
                labelSelector: String? = nil, fieldSelector: String? = nil,
                backoff: RetryPolicy = RetryPolicy(maxRetries: .max, initialDelay: .milliseconds(100), maxDelay: .seconds(30)),
                pageSize: Int = 500) {
        self.client = client
        self.gvk = gvk
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.backoff = backoff
        self.pageSize = pageSize
    }

    // MARK: Reading the cache

    /// Whether the first list has been loaded.
    public var hasSynced: Bool { state.withLock { $0.synced } }

    /// The resourceVersion the cache reflects.
    public var resourceVersion: String { state.withLock { $0.resourceVersion } }

    /// How many times the informer listed (1 after the initial list; more after 410 Gone).
    public var listCount: Int { state.withLock { $0.relists } }

    /// How many watch requests the informer opened.
    public var watchCount: Int { state.withLock { $0.watches } }

    public func get(namespace: String = "", name: String) -> KubeObject? {
        state.withLock { $0.cache[ObjectKey(namespace: namespace, name: name)] }
    }

    /// Every cached object, sorted by namespace and name.
    public func list() -> [KubeObject] {
        state.withLock { state in state.cache.keys.sorted().compactMap { state.cache[$0] } }
    }

    /// Waits until the first list has been loaded.
    public func waitForSync() async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state in
                if state.synced { return true }
                state.syncWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// A stream of changes from now on. A subscriber that joins after the sync first receives `added` for every
    /// cached object and then `synced`. The stream ends when ``run()`` returns (at once if it already has).
    public func events() -> AsyncStream<InformerEvent> {
        let (stream, continuation) = AsyncStream<InformerEvent>.makeStream()
        let id = state.withLock { state -> Int? in
            if state.stopped { return nil }
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = continuation
            if state.synced {
                for key in state.cache.keys.sorted() {
                    if let object = state.cache[key] { continuation.yield(.added(object)) }
                }
                continuation.yield(.synced)
            }
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    // MARK: Running

    /// Lists and watches until the task is cancelled; then finishes every event stream.
    public func run() async {
        defer {
            let subscribers = state.withLock { state in
                state.stopped = true
                defer { state.subscribers = [:] }
                return Array(state.subscribers.values)
            }
            for subscriber in subscribers { subscriber.finish() }
        }
        var failures = 0
        var needsList = true
        while !Task.isCancelled {
            do {
                if needsList {
                    try await relist()
                    needsList = false
                }
                state.withLock { $0.watches += 1 }
                let stream = try await client.watch(
                    gvk, namespace: namespace,
                    options: WatchOptions(labelSelector: labelSelector, fieldSelector: fieldSelector,
                                          resourceVersion: resourceVersion, allowBookmarks: true,
                                          timeoutSeconds: Int.random(in: 300...600)))
                for try await event in stream {
                    failures = 0
                    apply(event)
                }
                // A clean end (server timeout): watch again from where we are.
            } catch let error as KubeError where error.isResourceExpired && !needsList {
                // The watch's resourceVersion is too old: list again.
                needsList = true
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                let delay = backoff.delay(forRetry: failures, random: Double.random(in: 0..<1))
                failures += 1
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    return
                }
            }
        }
    }

    private func relist() async throws {
        let list = try await client.listAll(
            gvk, namespace: namespace,
            options: ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector, limit: pageSize))
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var events: [InformerEvent] = []
            var fresh: [ObjectKey: KubeObject] = [:]
            for object in list.items {
                fresh[object.key] = object
                if let old = state.cache[object.key] {
                    if old.resourceVersion != object.resourceVersion { events.append(.updated(old: old, new: object)) }
                } else {
                    events.append(.added(object))
                }
            }
            for (key, old) in state.cache where fresh[key] == nil { events.append(.deleted(old)) }
            state.cache = fresh
            state.resourceVersion = list.resourceVersion
            state.relists += 1
            var waiters: [CheckedContinuation<Void, Never>] = []
            if !state.synced {
                state.synced = true
                events.append(.synced)
                waiters = state.syncWaiters
                state.syncWaiters = []
            }
            for subscriber in state.subscribers.values { for event in events { subscriber.yield(event) } }
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func apply(_ event: WatchEvent) {
        state.withLock { state in
            let object = event.object
            if !object.resourceVersion.isEmpty { state.resourceVersion = object.resourceVersion }
            let published: InformerEvent?
            switch event.type {
            case .bookmark:
                published = nil
            case .added, .modified:
                if let old = state.cache[object.key] {
                    published = .updated(old: old, new: object)
                } else {
                    published = .added(object)
                }
                state.cache[object.key] = object
            case .deleted:
                state.cache[object.key] = nil
                published = .deleted(object)
            }
            if let published {
                for subscriber in state.subscribers.values { subscriber.yield(published) }
            }
        }
    }
}
