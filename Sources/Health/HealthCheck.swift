#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import KubeModel

/// Which object a result belongs to: group, kind, namespace and name.
public struct ObjectIdentity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The API group, empty for the core group.
    public var group: String
    public var kind: String
    /// Empty for cluster-scoped objects.
    public var namespace: String
    public var name: String

    public init(group: String, kind: String, namespace: String, name: String) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// The identity of an object: group from `apiVersion`, `kind`, `metadata.namespace`, `metadata.name`
    /// (empty strings where missing).
    public init(of object: JSONValue) {
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
        self.group = parts.count == 2 ? String(parts[0]) : ""
        self.kind = object["kind"]?.stringValue ?? ""
        self.namespace = object[path: "metadata", "namespace"]?.stringValue ?? ""
        self.name = object[path: "metadata", "name"]?.stringValue ?? ""
    }

    /// `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects (as Flux prints object references).
    public var description: String {
        namespace.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(namespace)/\(name)"
    }

    public static func < (lhs: ObjectIdentity, rhs: ObjectIdentity) -> Bool {
        (lhs.group, lhs.kind, lhs.namespace, lhs.name) < (rhs.group, rhs.kind, rhs.namespace, rhs.name)
    }
}

/// The statuses of a set of objects and their aggregate, as kstatus' aggregator computes it.
public struct HealthCheck: Sendable, Hashable {
    /// One object's result.
    public struct Entry: Sendable, Hashable {
        public var identity: ObjectIdentity
        public var result: HealthResult

        public init(identity: ObjectIdentity, result: HealthResult) {
            self.identity = identity
            self.result = result
        }
    }

    /// The results in the order they were added.
    public private(set) var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Adds the result for `identity`.
    public mutating func record(_ result: HealthResult, for identity: ObjectIdentity) {
        entries.append(Entry(identity: identity, result: result))
    }

    /// Computes and adds the result of an object that was read (``KStatusComputer/compute(_:now:)``).
    public mutating func record(object: JSONValue, now: Date = Date()) {
        record(KStatusComputer.compute(object, now: now), for: ObjectIdentity(of: object))
    }

    /// The aggregate status (kstatus `AggregateStatus`): see ``aggregate(_:desired:)``.
    public func aggregateStatus(desired: KStatus = .current) -> KStatus {
        Self.aggregate(entries.lazy.map(\.result.status), desired: desired)
    }

    /// The entries whose status is not `desired`, in the order they were added.
    public func pending(desired: KStatus = .current) -> [Entry] {
        entries.filter { $0.result.status != desired }
    }

    /// The entries whose status is ``KStatus/failed``.
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
