import KubeModel

/// One object in a build, with the names and namespaces it had before transformers renamed it
/// (kustomize's original and previous ids), which patches and name references match against.
struct Resource {
    var object: JSONValue
    /// Every name the object has had, oldest first; the last is the current one.
    var nameHistory: [String]
    /// Every namespace the object has had, oldest first.
    var namespaceHistory: [String]
    /// Name prefixes and suffixes applied, innermost first (to tell apart same-named referents).
    var renames: [String] = []
    /// A generated ConfigMap/Secret whose name gets the content-hash suffix at the end.
    var needsHash = false
    /// The file it came from, relative to the artifact root.
    var file: String

    init(object: JSONValue, file: String) {
        self.object = object
        self.file = file
        let metadata = object["metadata"]
        nameHistory = [metadata?["name"]?.stringValue ?? ""]
        namespaceHistory = [metadata?["namespace"]?.stringValue ?? ""]
    }

    var apiVersion: String { object["apiVersion"]?.stringValue ?? "" }
    var kind: String { object["kind"]?.stringValue ?? "" }
    var gvk: GroupVersionKind { GroupVersionKind(apiVersion: apiVersion, kind: kind) }
    var name: String { object["metadata"]?["name"]?.stringValue ?? "" }
    var namespace: String { object["metadata"]?["namespace"]?.stringValue ?? "" }
    var originalName: String { nameHistory.first ?? "" }
    var originalNamespace: String { namespaceHistory.first ?? "" }

    /// Whether the kind is cluster-scoped (known built-in kinds only; unknown kinds are namespaced).
    var isClusterScoped: Bool { Resource.clusterScopedKinds.contains(kind) }

    mutating func setName(_ newName: String) {
        setMetadata("name", .string(newName))
        nameHistory.append(newName)
    }

    mutating func setNamespace(_ newNamespace: String) {
        setMetadata("namespace", .string(newNamespace))
        namespaceHistory.append(newNamespace)
    }

    mutating func setMetadata(_ key: String, _ value: JSONValue) {
        guard case .object(var root) = object else { return }
        object = .null
        var metadata = root["metadata"]?.objectValue ?? [:]
        root["metadata"] = .null
        metadata[key] = value
        root["metadata"] = .object(metadata)
        object = .object(root)
    }

    /// A string map under `metadata` (`labels`, `annotations`), non-strings skipped.
    func stringMap(_ key: String) -> [String: String] {
        guard let map = object["metadata"]?[key]?.objectValue else { return [:] }
        var result: [String: String] = [:]
        for (name, value) in map {
            if let text = value.stringValue { result[name] = text }
        }
        return result
    }

    /// The same name in any of its versions, and a namespace compatible with `namespace`.
    func wasNamed(_ candidate: String) -> Bool { nameHistory.contains(candidate) }

    static let clusterScopedKinds: Set<String> = [
        "Namespace", "Node", "PersistentVolume", "ComponentStatus", "ClusterRole", "ClusterRoleBinding",
        "CustomResourceDefinition", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding", "StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "PriorityClass",
        "RuntimeClass", "PodSecurityPolicy", "CertificateSigningRequest", "IngressClass", "FlowSchema",
        "PriorityLevelConfiguration", "TokenReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview",
        "SubjectAccessReview", "ClusterTrustBundle", "VolumeAttributesClass", "DeviceClass",
    ]
}

/// Treats `""` and `"default"` as the same namespace, as kustomize does.
func sameNamespace(_ a: String, _ b: String) -> Bool {
    (a.isEmpty ? "default" : a) == (b.isEmpty ? "default" : b)
}

// MARK: - Field specs

/// A field path applied to objects of some kinds, as in kustomize's transformer configurations.
struct FieldSpec {
    var group: String?
    var version: String?
    var kind: String?
    var path: [String]
    var create: Bool

    init(_ path: String, kind: String? = nil, group: String? = nil, version: String? = nil, create: Bool = false) {
        self.path = path.split(separator: "/").map { String($0.hasSuffix("[]") ? $0.dropLast(2) : $0) }
        self.kind = kind
        self.group = group
        self.version = version
        self.create = create
    }

    func applies(to gvk: GroupVersionKind) -> Bool {
        if let kind, kind != gvk.kind { return false }
        if let group, group != gvk.group { return false }
        if let version, version != gvk.version { return false }
        return true
    }

    /// Calls `body` with the value at the path (or `nil` when missing and created) for every
    /// match, descending into lists along the way.
    func visit(_ value: inout JSONValue, _ body: (inout JSONValue?) -> Void) {
        FieldSpec.visit(&value, path[...], create: create, body)
    }

    static func visit(_ value: inout JSONValue, _ path: ArraySlice<String>, create: Bool, _ body: (inout JSONValue?) -> Void) {
        switch value {
        case .array(var items):
            value = .null
            for index in items.indices {
                visit(&items[index], path, create: create, body)
            }
            value = .array(items)
        case .object(var object):
            guard let key = path.first else { return }
            let rest = path.dropFirst()
            if rest.isEmpty {
                var member = object[key]
                if member == nil && !create { return }
                if member?.isNull == true && !create { return }
                value = .null
                body(&member)
                object[key] = member
                value = .object(object)
                return
            }
            var child: JSONValue
            if let existing = object[key], !existing.isNull {
                child = existing
            } else {
                guard create else { return }
                child = .object([:])
            }
            value = .null
            object[key] = .null
            visit(&child, rest, create: create, body)
            object[key] = child
            value = .object(object)
        default:
            return
        }
    }
}
