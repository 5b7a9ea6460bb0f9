public import KubeModel

/// A reference to an object in the same namespace (Flux `meta.LocalObjectReference`).
public struct LocalObjectReference: Codable, Sendable, Hashable {
    /// Name of the referent.
    public var name: String

    public init(name: String) {
        self.name = name
    }
}

/// A key of a Secret in the same namespace (Flux `meta.SecretKeyReference`).
public struct SecretKeyReference: Codable, Sendable, Hashable {
    /// Name of the Secret.
    public var name: String
    /// Key inside the Secret's data.
    public var key: String?

    public init(name: String, key: String? = nil) {
        self.name = name
        self.key = key
    }
}

/// Where the kubeconfig of a remote cluster lives (Flux `meta.KubeConfigReference`).
/// Exactly one of `secretRef` and `configMapRef` is set.
public struct KubeConfigReference: Codable, Sendable, Hashable, SchemaDescribed {
    /// Secret holding a kubeconfig under `key` (default `value`).
    public var secretRef: SecretKeyReference?
    /// ConfigMap describing the remote cluster for workload-identity authentication.
    public var configMapRef: LocalObjectReference?

    public init(secretRef: SecretKeyReference? = nil, configMapRef: LocalObjectReference? = nil) {
        self.secretRef = secretRef
        self.configMapRef = configMapRef
    }

    /// Default of `secretRef.key`.
    public static let schemaDefaults: [String: JSONValue] = ["secretRef.key": "value"]
}

/// An object of a kind, optionally in another namespace (Flux `meta.NamespacedObjectKindReference`).
public struct NamespacedObjectKindReference: Codable, Sendable, Hashable {
    /// API version of the referent; empty uses the API server's preferred version.
    public var apiVersion: String?
    /// Kind of the referent.
    public var kind: String
    /// Name of the referent.
    public var name: String
    /// Namespace of the referent; defaults to the StageSet's namespace (ignored for cluster-scoped kinds).
    public var namespace: String?

    public init(apiVersion: String? = nil, kind: String, name: String, namespace: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }
}

/// A Kustomize patch applied after the build (Flux `kustomize.Patch`).
public struct KustomizePatch: Codable, Sendable, Hashable {
    /// The patch: a strategic-merge patch or a JSON 6902 patch, as YAML or JSON.
    public var patch: String
    /// The objects to patch; omitted means the objects the patch itself names.
    public var target: PatchSelector?

    public init(patch: String, target: PatchSelector? = nil) {
        self.patch = patch
        self.target = target
    }
}

/// Selects the objects a Kustomize patch applies to (Flux `kustomize.Selector`).
public struct PatchSelector: Codable, Sendable, Hashable {
    /// API group of the objects.
    public var group: String?
    /// API version of the objects.
    public var version: String?
    /// Kind of the objects.
    public var kind: String?
    /// Name of the objects (a regular expression).
    public var name: String?
    /// Namespace of the objects (a regular expression).
    public var namespace: String?
    /// Annotation selector the objects must match.
    public var annotationSelector: String?
    /// Label selector the objects must match.
    public var labelSelector: String?

    public init() {}
}

/// A CEL readiness rule for one kind (Flux `CustomHealthCheck`, kustomize-controller `healthCheckExprs`).
public struct CustomHealthCheck: Codable, Sendable, Hashable {
    /// API version of the kind the rule applies to.
    public var apiVersion: String
    /// Kind the rule applies to.
    public var kind: String
    /// CEL expression true when the object is ready.
    public var current: String?
    /// CEL expression true while the object still converges; a verify timeout then holds instead of failing.
    public var inProgress: String?
    /// CEL expression true when the object has failed (terminal).
    public var failed: String?

    public init(apiVersion: String, kind: String) {
        self.apiVersion = apiVersion
        self.kind = kind
    }
}
