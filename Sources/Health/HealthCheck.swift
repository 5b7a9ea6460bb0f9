#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import KubeModel

/// The latest status of each object in a set, and their aggregate, as kstatus' status aggregator
/// computes it (`NewAllCurrentAggregator` / `NewAllNotFoundAggregator`).
public struct HealthCheck: Sendable, Hashable {
    /// One object's latest result.
    public struct Entry: Sendable, Hashable {
        public var identity: ObjectIdentity
        public var result: HealthResult

        public init(identity: ObjectIdentity, result: HealthResult) {
            self.identity = identity
            self.result = result
        }
    }

    /// The status every object should reach: ``KStatus/current`` when waiting for readiness,
    /// ``KStatus/notFound`` when waiting for deletion.
    public var desired: KStatus
    /// One entry per object, in the order the objects were first added.
    public private(set) var entries: [Entry] = []
    private var positions: [ObjectIdentity: Int] = [:]

    /// A check over `identities`, each ``KStatus/unknown`` (with an empty message) until recorded.
    public init(expecting identities: some Sequence<ObjectIdentity> = [ObjectIdentity](), desired: KStatus = .current) {
        self.desired = desired
        for identity in identities {
            record(HealthResult(status: .unknown, message: ""), for: identity)
        }
    }

    /// Sets the latest result for `identity`, replacing an earlier one.
    public mutating func record(_ result: HealthResult, for identity: ObjectIdentity) {
        if let position = positions[identity] {
            entries[position].result = result
        } else {
            positions[identity] = entries.count
            entries.append(Entry(identity: identity, result: result))
        }
    }

    /// Computes and records the result of an object that was read (``KStatusComputer/compute(_:now:)``).
    public mutating func record(object: JSONValue, now: Date = Date()) {
        record(KStatusComputer.compute(object, now: now), for: ObjectIdentity(of: object))
    }

    /// The latest result for `identity`, if recorded or expected.
    public func result(for identity: ObjectIdentity) -> HealthResult? {
        positions[identity].map { entries[$0].result }
    }

    /// The aggregate of all entries; see ``aggregate(_:desired:)``.
    public var aggregateStatus: KStatus {
        Self.aggregate(entries.lazy.map(\.result.status), desired: desired)
    }

    /// Whether every object has reached ``desired`` (the aggregator's `Completed`).
    public var isComplete: Bool {
        aggregateStatus == desired
    }

    /// The entries whose status is not ``desired``, in entry order.
    public var pending: [Entry] {
        entries.filter { $0.result.status != desired }
    }

    /// The entries whose status is ``KStatus/failed``, in entry order.
    public var failed: [Entry] {
        entries.filter { $0.result.status == .failed }
    }

    /// kstatus' `AggregateStatus`: `desired` for no statuses; Failed if any is Failed; else Unknown
    /// if any is Unknown; else `desired` if all are `desired`; else InProgress.
    public static func aggregate(_ statuses: some Sequence<KStatus>, desired: KStatus = .current) -> KStatus {
        var sawAny = false
        var allDesired = true
        var anyUnknown = false
        for status in statuses {
            sawAny = true
            if status == .failed { return .failed }
            if status == .unknown { anyUnknown = true }
            if status != desired { allDesired = false }
        }
        if !sawAny { return desired }
        if anyUnknown { return .unknown }
        return allDesired ? desired : .inProgress
    }
}
