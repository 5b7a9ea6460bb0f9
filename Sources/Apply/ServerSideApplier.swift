public import KubeAPI
public import KubeModel
public import Logging
import StageSetCore

/// What server-side apply did to one object.
public enum ApplyAction: String, Sendable, Hashable, CaseIterable {
    /// The object did not exist.
    case created
    /// The object existed and the apply changed it (its `resourceVersion` moved).
    case configured
    /// The object existed and the apply was a no-op.
    case unchanged
}

/// One applied object and what the apply did to it.
public struct AppliedObject: Sendable, Hashable {
    /// The object as applied: its namespace is the one it was placed in.
    public var identity: ObjectIdentity
    public var action: ApplyAction

    public init(identity: ObjectIdentity, action: ApplyAction) {
        self.identity = identity
        self.action = action
    }
}

/// What one run of ``ServerSideApplier`` applied, in apply order (also when it stopped at a failing object).
public struct ApplyReport: Sendable, Hashable {
    public var entries: [AppliedObject] = []

    public init(entries: [AppliedObject] = []) {
        self.entries = entries
    }

    /// The applied objects, in apply order.
    public var identities: [ObjectIdentity] { entries.map(\.identity) }

    /// `"3 created, 1 configured, 2 unchanged"` (zero counts left out; `"nothing applied"` when empty).
    public var summary: String {
        let parts = ApplyAction.allCases.compactMap { action -> String? in
            let count = entries.count { $0.action == action }
            return count == 0 ? nil : "\(count) \(action.rawValue)"
        }
        return parts.isEmpty ? "nothing applied" : parts.joined(separator: ", ")
    }
}

/// Server-side apply of a stage's rendered objects, staged as fluxcd/pkg/ssa's `ApplyAllStaged` does:
/// CustomResourceDefinitions and Namespaces first, then — once every applied CRD is `Established` and the
/// client's REST mapper serves its kind — everything else in render order.
///
/// Every object gets the ``StageObjectLabels``. A namespaced object without a namespace is placed in the
/// StageSet's namespace; a cluster-scoped object loses any namespace it carries (the scope comes from the
/// REST mapper). Applies stop at the first failing object; nothing after it is applied.
public struct ServerSideApplier: Sendable {
    /// The field manager of the controller's applies (ANN-18).
    public static let defaultFieldManager = "stageset-controller"

    /// Who owns the applied fields.
    public var fieldManager: String
    /// Take over fields other managers own instead of failing with a conflict (as fluxcd/pkg/ssa does).
    public var force: Bool
    /// How long to wait for an applied CRD to be `Established` and its kind served (reference: 1m).
    public var establishTimeout: Duration
    /// How often to re-read a CRD (and discovery) while waiting (reference: 2s).
    public var pollInterval: Duration

    public init(fieldManager: String = defaultFieldManager, force: Bool = true,
                establishTimeout: Duration = .seconds(60), pollInterval: Duration = .seconds(2)) {
        self.fieldManager = fieldManager
        self.force = force
        self.establishTimeout = establishTimeout
        self.pollInterval = pollInterval
    }

    static let crdKind = GroupKind(group: "apiextensions.k8s.io", kind: "CustomResourceDefinition")
    static let namespaceKind = GroupKind(group: "", kind: "Namespace")

    /// Applies `objects` for `stage` of the StageSet `owner` through `client`.
    ///
    /// - Returns: what was applied, in apply order.
    /// - Throws: a ``StageSetError`` naming the object that failed.
    public func apply(_ objects: [KubeObject], owner: ObjectKey, stage: String, client: any KubernetesClient,
                      logger: Logger) async throws -> ApplyReport {
        var report = ApplyReport()
        try await apply(objects, owner: owner, stage: stage, client: client, logger: logger, into: &report)
        return report
    }

    /// Applies `objects`, recording each applied object in `report` as it goes, so that on a failure
    /// `report` holds what was applied before it.
    public func apply(_ objects: [KubeObject], owner: ObjectKey, stage: String, client: any KubernetesClient,
                      logger: Logger, into report: inout ApplyReport) async throws {
        var first: [KubeObject] = []
        var rest: [KubeObject] = []
        for (index, object) in objects.enumerated() {
            try Self.checkShape(object, index: index)
            let stamped = StageObjectLabels.stamped(object, owner: owner, stage: stage)
            let groupKind = stamped.gvk.groupKind
            if groupKind == Self.crdKind || groupKind == Self.namespaceKind {
                first.append(stamped)
            } else {
                rest.append(stamped)
            }
        }

        var appliedCRDs: [KubeObject] = []
        for object in first {
            let applied = try await applyOne(object, owner: owner, client: client, logger: logger, into: &report)
            if object.gvk.groupKind == Self.crdKind { appliedCRDs.append(applied) }
        }

        // Kinds the CRDs just applied define, with their served versions.
        var newKinds: [GroupKind: Set<String>] = [:]
        if !appliedCRDs.isEmpty {
            let deadline = ContinuousClock.now + establishTimeout
            for crd in appliedCRDs {
                try await waitEstablished(crd, client: client, deadline: deadline)
                if let (groupKind, versions) = Self.definedKind(crd) { newKinds[groupKind, default: []].formUnion(versions) }
            }
        }

        let mappingDeadline = ContinuousClock.now + establishTimeout
        for object in rest {
            let awaitKind = newKinds[object.gvk.groupKind]?.contains(object.gvk.version) ?? false
            _ = try await applyOne(
                object, owner: owner, client: client, logger: logger, into: &report,
                mappingDeadline: awaitKind ? mappingDeadline : nil)
        }
        logger.info("applied stage objects", metadata: [
            "stageset": "\(owner)", "stage": "\(stage)", "result": "\(report.summary)",
        ])
    }

    /// A rendered object must name its kind and itself; server-side apply cannot generate names.
    static func checkShape(_ object: KubeObject, index: Int) throws {
        let what = object.kind.isEmpty ? "rendered object #\(index + 1)" : "rendered \(object.kind) #\(index + 1)"
        if object.apiVersion.isEmpty || object.kind.isEmpty {
            throw StageSetError(.stageFailed, "\(what) has no apiVersion or kind", retry: .terminal)
        }
        if (try? GroupVersion(parsing: object.apiVersion)) == nil {
            throw StageSetError(.stageFailed, "\(what) has an invalid apiVersion \"\(object.apiVersion)\"", retry: .terminal)
        }
        if object.name.isEmpty {
            throw StageSetError(.stageFailed, "\(what) has no metadata.name (generateName cannot be applied)",
                                retry: .terminal)
        }
    }

    /// Applies one object and records it; returns the object as the server answered.
    private func applyOne(_ object: KubeObject, owner: ObjectKey, client: any KubernetesClient, logger: Logger,
                          into report: inout ApplyReport, mappingDeadline: ContinuousClock.Instant? = nil)
        async throws -> KubeObject
    {
        var object = object
        let mapping: ResourceMapping
        do {
            mapping = try await resolve(object.gvk, mapper: client.mapper, until: mappingDeadline)
        } catch {
            throw ApplyFailures.failure(error, applying: object.identity.displayName)
        }
        if mapping.namespaced {
            if object.namespace.isEmpty { object.namespace = owner.namespace }
        } else {
            object.namespace = ""
        }
        let identity = object.identity
        do {
            let before = try await client.getIfExists(object.gvk, namespace: object.namespace, name: object.name)
            let after = try await client.apply(object, options: ApplyOptions(fieldManager: fieldManager, force: force))
            let action: ApplyAction =
                if let before { before.resourceVersion == after.resourceVersion ? .unchanged : .configured } else { .created }
            report.entries.append(AppliedObject(identity: identity, action: action))
            logger.debug("applied", metadata: ["object": "\(identity.displayName)", "action": "\(action.rawValue)"])
            return after
        } catch let error as KubeError where error.isNotFound {
            // An apply creates missing objects: a 404 means the resource is no longer served. A mapper that
            // still maps it is stale; re-read, and name the missing kind if it is gone.
            await client.mapper.invalidate()
            do {
                _ = try await client.mapper.mapping(for: object.gvk)
            } catch {
                throw ApplyFailures.failure(error, applying: identity.displayName)
            }
            throw ApplyFailures.failure(error, applying: identity.displayName)
        } catch {
            throw ApplyFailures.failure(error, applying: identity.displayName)
        }
    }

    /// The mapping of `gvk`; with a deadline, a kind the mapper does not serve yet is looked up again every
    /// ``pollInterval`` (each miss makes a discovery-backed mapper re-read discovery) until the deadline.
    private func resolve(_ gvk: GroupVersionKind, mapper: any RESTMapper, until deadline: ContinuousClock.Instant?)
        async throws -> ResourceMapping
    {
        while true {
            do {
                return try await mapper.mapping(for: gvk)
            } catch let error as KubeClientError where error.code == .noKindMatch {
                guard let deadline, ContinuousClock.now + pollInterval < deadline else { throw error }
                try await Task.sleep(for: pollInterval)
            }
        }
    }

    /// Waits until `crd` reports `Established=True`; fails at once when its names are not accepted.
    private func waitEstablished(_ crd: KubeObject, client: any KubernetesClient, deadline: ContinuousClock.Instant)
        async throws
    {
        var current = crd
        let name = crd.identity.displayName
        while true {
            let conditions = current.conditions
            if conditions.contains(where: { $0.type == "Established" && $0.status == .true }) { return }
            if let rejected = conditions.first(where: { $0.type == "NamesAccepted" && $0.status == .false }) {
                throw StageSetError(
                    .stageFailed, "\(name) was not accepted: \(rejected.message) (\(rejected.reason))", retry: .terminal)
            }
            guard ContinuousClock.now + pollInterval < deadline else {
                let detail = conditions.first { $0.type == "Established" }.map { ": \($0.message)" } ?? ""
                throw StageSetError(
                    .stageFailed, "\(name) is not Established after \(establishTimeout.goText)\(detail)", retry: .backoff)
            }
            try await Task.sleep(for: pollInterval)
            do {
                current = try await client.get(crd.gvk, namespace: "", name: crd.name)
            } catch {
                throw ApplyFailures.failure(error, applying: name)
            }
        }
    }

    /// The group/kind a CRD defines and the versions it serves.
    static func definedKind(_ crd: KubeObject) -> (GroupKind, Set<String>)? {
        guard let group = crd.value(at: ["spec", "group"])?.stringValue,
            let kind = crd.value(at: ["spec", "names", "kind"])?.stringValue
        else { return nil }
        let versions = (crd.value(at: ["spec", "versions"])?.arrayValue ?? []).compactMap { version -> String? in
            guard version["served"]?.boolValue != false else { return nil }
            return version["name"]?.stringValue
        }
        return (GroupKind(group: group, kind: kind), Set(versions))
    }
}
