import KubeModel
import NIOConcurrencyHelpers

/// One stored change, kept in the bounded history for watch resumption.
struct StoredEvent: Sendable {
    enum EventType: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }
    var revision: Int64
    var resourceID: String
    var type: EventType
    var object: JSONObject
    /// The state before the change (for selector transitions), nil for ADDED.
    var previous: JSONObject?
}

/// What a watcher sees: a line of the watch stream, or the end of it.
enum WatchOutput: Sendable {
    case event(type: String, object: JSONValue)
    case end
}

/// A registered watch: its filters and where to send events.
final class Watcher: @unchecked Sendable {
    let id: Int
    let resourceID: String
    let namespace: String
    let labels: Labels.Selector
    let fields: Fields.Selector
    /// Turns a stored object into what the client receives (version rewrite, Table wrapping).
    let render: @Sendable (JSONObject) -> JSONValue
    let sink: @Sendable (WatchOutput) -> Bool

    init(id: Int, resourceID: String, namespace: String, labels: Labels.Selector, fields: Fields.Selector,
         render: @escaping @Sendable (JSONObject) -> JSONValue, sink: @escaping @Sendable (WatchOutput) -> Bool) {
        self.id = id
        self.resourceID = resourceID
        self.namespace = namespace
        self.labels = labels
        self.fields = fields
        self.render = render
        self.sink = sink
    }

    func matches(_ object: JSONObject) -> Bool {
        let kube = KubeObject(object)
        if !namespace.isEmpty, kube.namespace != namespace { return false }
        return labels.matches(kube.labels) && fields.matches(kube)
    }

    /// Sends the event with selector transitions; returns false when the watcher must be dropped.
    func deliver(_ event: StoredEvent) -> Bool {
        let nowMatches = matches(event.object)
        let wasMatching = event.previous.map(matches) ?? false
        switch event.type {
        case .added:
            return nowMatches ? sink(.event(type: "ADDED", object: render(event.object))) : true
        case .deleted:
            return nowMatches ? sink(.event(type: "DELETED", object: render(event.object))) : true
        case .modified:
            if nowMatches && wasMatching { return sink(.event(type: "MODIFIED", object: render(event.object))) }
            if nowMatches { return sink(.event(type: "ADDED", object: render(event.object))) }
            if wasMatching, var previous = event.previous {
                previous["metadata", default: [:]]["resourceVersion"] = .string(String(event.revision))
                return sink(.event(type: "DELETED", object: render(previous)))
            }
            return true
        }
    }
}

/// The in-memory object store: one global revision, a bounded event history and watch fan-out.
/// Not thread-safe by itself: the server core serialises access.
final class ObjectStore {
    private(set) var revision: Int64 = 0
    private var objects: [String: [ObjectKey: JSONObject]] = [:]
    private(set) var history: [StoredEvent] = []
    /// Maximum number of events kept for watch resumption.
    var historyLimit: Int
    private var watchers: [Int: Watcher] = [:]
    private var nextWatcherID = 1

    init(historyLimit: Int) { self.historyLimit = historyLimit }

    func get(_ resourceID: String, _ key: ObjectKey) -> JSONObject? { objects[resourceID]?[key] }

    /// Objects of a resource, sorted by namespace then name; `namespace` empty means all.
    func list(_ resourceID: String, namespace: String = "") -> [JSONObject] {
        guard let table = objects[resourceID] else { return [] }
        return table.filter { namespace.isEmpty || $0.key.namespace == namespace }.sorted { $0.key < $1.key }.map(\.value)
    }

    /// Every stored object with its resource id.
    func all() -> [(String, JSONObject)] {
        objects.flatMap { id, table in table.values.map { (id, $0) } }
    }

    /// Stores `object` (create or update) at a new revision, stamps its resourceVersion and notifies watchers.
    @discardableResult
    func put(_ resourceID: String, _ object: JSONObject) -> JSONObject {
        revision += 1
        var object = object
        object["metadata", default: [:]]["resourceVersion"] = .string(String(revision))
        let key = KubeObject(object).key
        let previous = objects[resourceID]?[key]
        objects[resourceID, default: [:]][key] = object
        record(StoredEvent(revision: revision, resourceID: resourceID, type: previous == nil ? .added : .modified,
                           object: object, previous: previous))
        return object
    }

    /// Removes an object at a new revision; the DELETED event carries the new revision.
    @discardableResult
    func remove(_ resourceID: String, _ key: ObjectKey) -> JSONObject? {
        guard var object = objects[resourceID]?[key] else { return nil }
        objects[resourceID]?[key] = nil
        revision += 1
        object["metadata", default: [:]]["resourceVersion"] = .string(String(revision))
        record(StoredEvent(revision: revision, resourceID: resourceID, type: .deleted, object: object, previous: object))
        return object
    }

    /// Replaces every object and the revision (loading saved state); the history starts empty.
    func restore(_ entries: [(String, JSONObject)], revision: Int64) {
        objects = [:]
        for (id, object) in entries { objects[id, default: [:]][KubeObject(object).key] = object }
        self.revision = revision
        history = []
    }

    /// Drops all objects of a resource without events (CRD removal after its instances are gone).
    func drop(_ resourceID: String) { objects[resourceID] = nil }

    private func record(_ event: StoredEvent) {
        history.append(event)
        if history.count > historyLimit { history.removeFirst(history.count - historyLimit) }
        for watcher in watchers.values where watcher.resourceID == event.resourceID {
            if !watcher.deliver(event) { watchers[watcher.id] = nil }
        }
    }

    /// Discards the history (so every older resourceVersion is "too old").
    func compact() { history.removeAll() }

    /// The oldest revision a watch can resume from (exclusive).
    var oldestResumable: Int64 {
        guard let first = history.first else { return revision }
        return first.revision - 1
    }

    func makeWatcherID() -> Int {
        defer { nextWatcherID += 1 }
        return nextWatcherID
    }

    func addWatcher(_ watcher: Watcher) { watchers[watcher.id] = watcher }
    func removeWatcher(id: Int) { watchers[id] = nil }
    var watcherCount: Int { watchers.count }

    /// Ends every watch stream (shutdown, or a CRD's removal).
    func endWatchers(resourceID: String? = nil) {
        for watcher in watchers.values where resourceID == nil || watcher.resourceID == resourceID {
            _ = watcher.sink(.end)
            watchers[watcher.id] = nil
        }
    }
}
