public import KubeModel
import OrderedCollections

/// A deduplicating work queue of StageSet keys, as controller-runtime's: a key is queued at most once,
/// a key being processed is never handed to a second worker, and a key added while it is processed is
/// queued again when its worker is done. Delayed adds wake the key later (requeue after).
public actor WorkQueue {
    private var queued = OrderedSet<ObjectKey>()
    private var processing = Set<ObjectKey>()
    private var dirty = Set<ObjectKey>()
    private var waiters: [CheckedContinuation<ObjectKey?, Never>] = []
    private var delayed: [ObjectKey: Task<Void, Never>] = [:]
    private var shuttingDown = false
    private var failures: [ObjectKey: Int] = [:]

    public init() {}

    /// Queues `key` now (no-op when already queued).
    public func add(_ key: ObjectKey) {
        guard !shuttingDown else { return }
        delayed.removeValue(forKey: key)?.cancel()
        if processing.contains(key) {
            dirty.insert(key)
            return
        }
        guard queued.append(key).inserted else { return }
        if !waiters.isEmpty, let next = queued.first {
            queued.removeFirst()
            processing.insert(next)
            waiters.removeFirst().resume(returning: next)
        }
    }

    /// Queues `key` after `delay`, unless something queues it earlier.
    public func add(_ key: ObjectKey, after delay: Duration) {
        guard !shuttingDown else { return }
        guard delay > .zero else { return add(key) }
        delayed[key]?.cancel()
        delayed[key] = Task { [weak self] in
            do { try await Task.sleep(for: delay) } catch { return }
            await self?.fireDelayed(key)
        }
    }

    private func fireDelayed(_ key: ObjectKey) {
        guard delayed.removeValue(forKey: key) != nil else { return }
        add(key)
    }

    /// The next key to process, waiting for one; `nil` after ``shutDown()``. Call ``done(_:)`` after.
    public func next() async -> ObjectKey? {
        if shuttingDown { return nil }
        if let key = queued.first {
            queued.removeFirst()
            processing.insert(key)
            return key
        }
        return await withCheckedContinuation { waiters.append($0) }
    }

    /// Marks `key` processed; queues it again if it was added meanwhile.
    public func done(_ key: ObjectKey) {
        processing.remove(key)
        if dirty.remove(key) != nil { add(key) }
    }

    /// Queues `key` again after an exponential backoff: `base` doubled for every failure in a row, at most
    /// `limit` (client-go's per-item rate limiter). Returns the delay chosen.
    @discardableResult
    public func addWithBackoff(_ key: ObjectKey, base: Duration, limit: Duration) -> Duration {
        let count = failures[key, default: 0]
        failures[key] = count + 1
        let delay = min(base * Double(1 << min(count, 30)), limit)
        add(key, after: delay)
        return delay
    }

    /// Ends the backoff of `key` (it reconciled without an unexpected error).
    public func resetBackoff(_ key: ObjectKey) {
        failures.removeValue(forKey: key)
    }

    /// Drops a pending delayed add and the backoff of `key` (the object is gone).
    public func forget(_ key: ObjectKey) {
        delayed.removeValue(forKey: key)?.cancel()
        failures.removeValue(forKey: key)
    }

    /// Keys queued or waiting to be re-queued after processing.
    public var depth: Int { queued.count + dirty.count }

    /// Stops handing out keys; waiting workers get `nil`.
    public func shutDown() {
        shuttingDown = true
        for task in delayed.values { task.cancel() }
        delayed = [:]
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters = []
    }
}
