public import KubeModel

/// One typed step: exactly one operation (`patch`, `http`, `wait`, `job`, `delete`, `apply`,
/// or one an extension registered) plus the settings every operation shares.
///
/// Decoding keeps every operation key it finds (registered in the decoder's
/// ``ActionOperationRegistry``), so validation can report "exactly one of … must be set"
/// with a field path instead of failing the decode.
public struct Action: Codable, Sendable, Equatable {
    /// Name of the action, for status, events and the action ledger; unique within its list group.
    public var name: String
    /// How often the action runs (pre/post actions only): Revision (effective default), Version or Lifetime.
    public var scope: ActionScope?
    /// Deadline for the whole action, retries included.
    public var timeout: GoDuration?
    /// Retries before the action counts as failed; 0..100 (0..10 in migrations).
    public var retries: Int?
    /// Every operation the object sets, in registry order; valid actions have exactly one.
    public var operations: [ActionOperation]
    /// Object witnessing a `scope: Lifetime` action's effect; the completion stays valid while it exists with the recorded UID.
    public var completionAnchor: CompletionAnchor?

    public init(name: String, operation: ActionOperation) {
        self.name = name
        self.operations = [operation]
    }

    /// The scope a pre/post action runs under: `scope`, or Revision when unset.
    public var effectiveScope: ActionScope { scope ?? .revision }

    /// The operation, when exactly one is set; setting it replaces every operation.
    public var operation: ActionOperation? {
        get { operations.count == 1 ? operations.first : nil }
        set { operations = newValue.map { [$0] } ?? [] }
    }

    private enum SharedKeys: String, CaseIterable {
        case name, scope, timeout, retries, completionAnchor
    }

    public init(from decoder: any Decoder) throws {
        let registry = decoder.userInfo[.actionOperationRegistry] as? ActionOperationRegistry ?? .builtIn
        let container = try decoder.container(keyedBy: JSONCodingKey.self)
        func key(_ shared: SharedKeys) -> JSONCodingKey { JSONCodingKey(stringValue: shared.rawValue) }
        name = try container.decode(String.self, forKey: key(.name))
        scope = try container.decodeIfPresent(ActionScope.self, forKey: key(.scope))
        timeout = try container.decodeIfPresent(GoDuration.self, forKey: key(.timeout))
        retries = try container.decodeIfPresent(Int.self, forKey: key(.retries))
        completionAnchor = try container.decodeIfPresent(CompletionAnchor.self, forKey: key(.completionAnchor))
        var operations: [ActionOperation] = []
        for registration in registry.registrations {
            let operationKey = JSONCodingKey(stringValue: registration.kind.name)
            guard container.contains(operationKey), try !container.decodeNil(forKey: operationKey) else { continue }
            let spec = try registration.decode(container.superDecoder(forKey: operationKey))
            operations.append(ActionOperation(kind: registration.kind, spec: spec))
        }
        self.operations = operations
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONCodingKey.self)
        func key(_ name: String) -> JSONCodingKey { JSONCodingKey(stringValue: name) }
        try container.encode(name, forKey: key("name"))
        try container.encodeIfPresent(scope, forKey: key("scope"))
        try container.encodeIfPresent(timeout, forKey: key("timeout"))
        try container.encodeIfPresent(retries, forKey: key("retries"))
        for operation in operations {
            try operation.spec.encode(to: container.superEncoder(forKey: key(operation.kind.name)))
        }
        try container.encodeIfPresent(completionAnchor, forKey: key("completionAnchor"))
    }
}

/// An action's operation: its kind and its typed spec.
public struct ActionOperation: Sendable, Equatable {
    /// The operation's key.
    public var kind: ActionOperationKind
    /// The operation's configuration.
    public var spec: any ActionOperationSpec

    public init(kind: ActionOperationKind, spec: any ActionOperationSpec) {
        self.kind = kind
        self.spec = spec
    }

    public static func patch(_ spec: PatchAction) -> ActionOperation { ActionOperation(kind: .patch, spec: spec) }
    public static func http(_ spec: HTTPAction) -> ActionOperation { ActionOperation(kind: .http, spec: spec) }
    public static func wait(_ spec: WaitAction) -> ActionOperation { ActionOperation(kind: .wait, spec: spec) }
    public static func job(_ spec: JobAction) -> ActionOperation { ActionOperation(kind: .job, spec: spec) }
    public static func delete(_ spec: DeleteAction) -> ActionOperation { ActionOperation(kind: .delete, spec: spec) }
    public static func apply(_ spec: ApplyAction) -> ActionOperation { ActionOperation(kind: .apply, spec: spec) }

    public static func == (lhs: ActionOperation, rhs: ActionOperation) -> Bool {
        lhs.kind == rhs.kind && lhs.spec.isEqual(to: rhs.spec)
    }
}

/// The object witnessing a `scope: Lifetime` action's effect, in the StageSet's namespace.
public struct CompletionAnchor: Codable, Sendable, Hashable {
    /// API version of the witness object, e.g. `v1`.
    public var apiVersion: String
    /// Kind of the witness object, e.g. `PersistentVolumeClaim`.
    public var kind: String
    /// Name of the witness object.
    public var name: String

    public init(apiVersion: String, kind: String, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
    }
}

// MARK: - Built-in operations

/// Patches existing in-cluster objects under the stage's ServiceAccount.
public struct PatchAction: ActionOperationSpec, Hashable {
    public static let summary = "Patch modifies existing in-cluster objects: one named object or every object of a kind matching a label selector."
    /// Which object(s) to patch: exactly one of `name` or `selector`.
    public var target: PatchTarget
    /// Patch format: `merge` (strategic merge, default) or `json6902`.
    public var type: PatchType?
    /// The patch content.
    public var patch: String

    public init(target: PatchTarget, type: PatchType? = nil, patch: String) {
        self.target = target
        self.type = type
        self.patch = patch
    }

    public static let schemaDefaults: [String: JSONValue] = ["type": "merge"]

    public func defaulted() -> PatchAction {
        var copy = self
        copy.type = type ?? Self.schemaDefault("type")
        return copy
    }
}

/// The object(s) a patch action patches. Exactly one of `name` and `selector` is set.
public struct PatchTarget: Codable, Sendable, Hashable {
    /// API version of the object(s); empty uses the API server's preferred version.
    public var apiVersion: String?
    /// Kind of the object(s).
    public var kind: String
    /// Namespace of the object(s); defaults to the StageSet's namespace.
    public var namespace: String?
    /// Name of one object to patch; mutually exclusive with `selector`.
    public var name: String?
    /// Patches every object of `kind` whose labels match; must not be empty; mutually exclusive with `name`.
    public var selector: LabelSelectorSpec?

    public init(apiVersion: String? = nil, kind: String, namespace: String? = nil, name: String? = nil, selector: LabelSelectorSpec? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.selector = selector
    }
}

/// Calls an HTTP endpoint (gated by the controller's `--allowed-action-hosts`).
public struct HTTPAction: ActionOperationSpec, Hashable {
    public static let summary = "HTTP calls an endpoint allowed by the controller's --allowed-action-hosts."
    /// URL to call.
    public var url: String
    /// HTTP method: GET, POST (default), PUT, PATCH, DELETE or HEAD.
    public var method: HTTPMethod?
    /// Inline request body.
    public var body: String?
    /// Reads the request body from a Secret key.
    public var bodyFrom: SecretKeyReference?
    /// Reads headers from Secret keys; each key name is the header name.
    public var headersFrom: [SecretKeyReference]?
    /// Accepted status codes (100..599); default any 2xx.
    public var expectedStatus: [Int]?

    public init(url: String) {
        self.url = url
    }

    public static let schemaDefaults: [String: JSONValue] = ["method": "POST"]

    public func defaulted() -> HTTPAction {
        var copy = self
        copy.method = method ?? Self.schemaDefault("method")
        return copy
    }
}

/// Blocks for a fixed duration, or until a CEL expression over an object holds.
public struct WaitAction: ActionOperationSpec, Hashable {
    public static let summary = "Wait blocks for a fixed duration, or until a CEL expression over a target object holds (polled every 2s)."
    /// Fixed time to wait.
    public var duration: GoDuration?
    /// Object the expression reads; required with `expr`.
    public var target: NamespacedObjectKindReference?
    /// CEL expression over the target's apiVersion, kind, metadata, spec and status; the wait ends when it is true.
    public var expr: String?
    /// Bound of an expression wait; default 5m.
    public var timeout: GoDuration?

    public init(duration: GoDuration? = nil, target: NamespacedObjectKindReference? = nil, expr: String? = nil) {
        self.duration = duration
        self.target = target
        self.expr = expr
    }

    public static let schemaDefaults: [String: JSONValue] = ["timeout": "5m0s"]

    public func defaulted() -> WaitAction {
        var copy = self
        if expr != nil, timeout == nil { copy.timeout = Self.schemaDefault("timeout") }
        return copy
    }
}

/// Renders Jobs from an artifact, runs them with a revision-scoped name suffix, awaits completion and deletes them.
public struct JobAction: ActionOperationSpec, Hashable {
    public static let summary = "Job renders Jobs from a source artifact, creates them with a revision-scoped name, awaits Complete or Failed and deletes them afterwards."
    /// Source holding the Job manifests.
    public var sourceRef: SourceReference
    /// Directory inside the artifact; default `./`.
    public var path: String?

    public init(sourceRef: SourceReference, path: String? = nil) {
        self.sourceRef = sourceRef
        self.path = path
    }

    public static let schemaDefaults: [String: JSONValue] = ["path": "./"]

    public func defaulted() -> JobAction {
        var copy = self
        copy.sourceRef = sourceRef.defaulted()
        copy.path = path ?? Self.schemaDefault("path")
        return copy
    }
}

/// Deletes an in-cluster object; a missing object counts as success.
public struct DeleteAction: ActionOperationSpec, Hashable {
    public static let summary = "Delete removes an in-cluster object; a missing object is success."
    /// Object to delete.
    public var target: NamespacedObjectKindReference
    /// What happens to dependents: Background (default), Foreground or Orphan.
    public var cascade: DeletionCascade?

    public init(target: NamespacedObjectKindReference, cascade: DeletionCascade? = nil) {
        self.target = target
        self.cascade = cascade
    }

    public static let schemaDefaults: [String: JSONValue] = ["cascade": "Background"]

    public func defaulted() -> DeleteAction {
        var copy = self
        copy.cascade = cascade ?? Self.schemaDefault("cascade")
        return copy
    }
}

/// Applies manifests from an artifact as a transient step: not recorded in the inventory, never pruned.
public struct ApplyAction: ActionOperationSpec, Hashable {
    public static let summary = "Apply server-side-applies manifests from a source artifact as a transient step; they are not recorded in the inventory and never pruned."
    /// Source holding the manifests.
    public var sourceRef: SourceReference
    /// Directory inside the artifact; default `./`.
    public var path: String?
    /// Wait until the applied objects are ready (kstatus), bounded by the action timeout (default 5m).
    public var wait: Bool?

    public init(sourceRef: SourceReference, path: String? = nil, wait: Bool? = nil) {
        self.sourceRef = sourceRef
        self.path = path
        self.wait = wait
    }

    public static let schemaDefaults: [String: JSONValue] = ["path": "./"]

    public func defaulted() -> ApplyAction {
        var copy = self
        copy.sourceRef = sourceRef.defaulted()
        copy.path = path ?? Self.schemaDefault("path")
        return copy
    }
}
