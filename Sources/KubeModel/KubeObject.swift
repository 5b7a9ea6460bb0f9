// MARK: - Group, version, kind, resource

/// An API group and version, such as `apps/v1` or (core group) `v1`.
public struct GroupVersion: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String

    public init(group: String, version: String) {
        self.group = group
        self.version = version
    }

    /// Why an `apiVersion` text has more than one `/`.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// Parses an `apiVersion` as `schema.ParseGroupVersion` does: `""` and `"/"` are empty,
    /// no slash is a core-group version, one slash splits group and version, more is an error.
    public init(parsing text: String) throws(ParseError) {
        if text.isEmpty || text == "/" {
            self.init(group: "", version: "")
            return
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: self.init(group: "", version: text)
        case 2: self.init(group: String(parts[0]), version: String(parts[1]))
        default: throw ParseError(description: "unexpected GroupVersion string: \(text)")
        }
    }

    /// The `apiVersion` text: `group/version`, or just `version` for the core group.
    public var description: String { group.isEmpty ? version : "\(group)/\(version)" }
}

/// A kind within an API group, without version: the identity used for inventories and RBAC.
public struct GroupKind: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var kind: String

    public init(group: String, kind: String) {
        self.group = group
        self.kind = kind
    }

    /// `Kind.group`, or `Kind` for the core group (Go's `GroupKind.String()`).
    public var description: String { group.isEmpty ? kind : "\(kind).\(group)" }
}

/// The type of an object: group, version and kind.
public struct GroupVersionKind: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var kind: String

    public init(group: String, version: String, kind: String) {
        self.group = group
        self.version = version
        self.kind = kind
    }

    /// The type named by an object's `apiVersion` and `kind`. A malformed `apiVersion` (two or
    /// more slashes) yields an empty group and version, as Go's `FromAPIVersionAndKind` does.
    public init(apiVersion: String, kind: String) {
        let groupVersion = (try? GroupVersion(parsing: apiVersion)) ?? GroupVersion(group: "", version: "")
        self.init(group: groupVersion.group, version: groupVersion.version, kind: kind)
    }

    /// `group/version`, or `version` for the core group.
    public var apiVersion: String { groupVersion.description }
    public var groupVersion: GroupVersion { GroupVersion(group: group, version: version) }
    public var groupKind: GroupKind { GroupKind(group: group, kind: kind) }

    /// Go's `GroupVersionKind.String()`: `apps/v1, Kind=Deployment` (`/v1, Kind=Pod` for the core group).
    public var description: String { "\(group)/\(version), Kind=\(kind)" }
}

/// A REST resource: group, version and plural resource name, such as `apps/v1` `deployments`.
public struct GroupVersionResource: Hashable, Sendable, CustomStringConvertible {
    public var group: String
    public var version: String
    public var resource: String

    public init(group: String, version: String, resource: String) {
        self.group = group
        self.version = version
        self.resource = resource
    }

    public var groupVersion: GroupVersion { GroupVersion(group: group, version: version) }

    /// Go's `GroupVersionResource.String()`: `apps/v1, Resource=deployments`.
    public var description: String { "\(group)/\(version), Resource=\(resource)" }
}

// MARK: - Identities

/// An object's namespace and name (controller-runtime's `client.ObjectKey`).
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Empty for cluster-scoped objects.
    public var namespace: String
    public var name: String

    public init(namespace: String = "", name: String) {
        self.namespace = namespace
        self.name = name
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }

    /// `namespace/name`, or `name` when cluster-scoped.
    public var description: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }
}

/// The version-independent identity of an object, in the inventory text form
/// `<namespace>_<name>_<group>_<kind>` of cli-utils' `ObjMetadata` (used by Flux and StageInventory).
///
/// In the names of RBAC kinds (`Role`, `ClusterRole`, `RoleBinding`, `ClusterRoleBinding` in
/// `rbac.authorization.k8s.io`), which may contain `:`, each `:` is written as `__`.
public struct ObjectIdentity: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public var group: String
    public var kind: String

    public init(namespace: String, name: String, group: String, kind: String) {
        self.namespace = namespace
        self.name = name
        self.group = group
        self.kind = kind
    }

    public var groupKind: GroupKind { GroupKind(group: group, kind: kind) }

    /// The identity of an unstructured object: group from `apiVersion`, `kind`, `metadata.namespace`,
    /// `metadata.name` (empty strings where missing).
    public init(of object: JSONValue) {
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
        self.init(
            namespace: object[path: "metadata", "namespace"]?.stringValue ?? "",
            name: object[path: "metadata", "name"]?.stringValue ?? "",
            group: parts.count == 2 ? String(parts[0]) : "",
            kind: object["kind"]?.stringValue ?? "")
    }

    /// `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects, as Flux prints object references.
    public var reference: String {
        namespace.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(namespace)/\(name)"
    }

    /// Why an inventory entry cannot be parsed; the message is cli-utils'.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    private static let rbacKinds: Set<String> = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]

    private var isRBAC: Bool { group == "rbac.authorization.k8s.io" && Self.rbacKinds.contains(kind) }

    /// The inventory text form.
    public var description: String {
        let encodedName =
            isRBAC
            ? String(decoding: name.utf8.flatMap { $0 == UInt8(ascii: ":") ? [0x5F, 0x5F] : [$0] }, as: UTF8.self)
            : name
        return "\(namespace)_\(encodedName)_\(group)_\(kind)"
    }

    /// Parses the inventory text form as cli-utils' `ParseObjMetadata` does: the namespace ends at the
    /// first `_`, kind and group are the last two `_`-separated fields, `__` in the name decodes to `:`,
    /// and the name must be non-empty and contain no other `_`; fields are trimmed of spaces.
    public init(parsing text: String) throws(ParseError) {
        // Byte-level, as Go's strings functions are.
        let bytes = Array(text.utf8)
        let underscore = UInt8(ascii: "_")
        func string(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }
        func unparsable(_ rest: ArraySlice<UInt8>) -> ParseError {
            ParseError(description: "unable to parse stored object metadata: \(string(rest))")
        }
        guard let firstSeparator = bytes.firstIndex(of: underscore) else { throw unparsable(bytes[...]) }
        let namespace = bytes[..<firstSeparator]
        var rest = bytes[(firstSeparator + 1)...]
        guard let kindSeparator = rest.lastIndex(of: underscore) else { throw unparsable(rest) }
        let kind = rest[(kindSeparator + 1)...]
        rest = rest[..<kindSeparator]
        guard let groupSeparator = rest.lastIndex(of: underscore) else { throw unparsable(rest) }
        let group = rest[(groupSeparator + 1)...]
        // The name: `__` decodes to `:`, and no other `_` may remain.
        var name: [UInt8] = []
        var index = rest.startIndex
        while index < groupSeparator {
            if bytes[index] == underscore {
                guard index + 1 < groupSeparator, bytes[index + 1] == underscore else {
                    throw ParseError(description: "too many fields within: \(string(rest))")
                }
                name.append(UInt8(ascii: ":"))
                index += 2
            } else {
                name.append(bytes[index])
                index += 1
            }
        }
        let trimmedName = string(name[...]).trimmingSpaces()
        guard !trimmedName.isEmpty else { throw ParseError(description: "empty name for object") }
        let trimmedGroup = string(group).trimmingSpaces()
        let trimmedKind = string(kind).trimmingSpaces()
        guard !(trimmedGroup.isEmpty && trimmedKind.isEmpty) else {
            throw ParseError(description: "empty GroupKind for object")
        }
        self.init(namespace: string(namespace).trimmingSpaces(), name: trimmedName, group: trimmedGroup, kind: trimmedKind)
    }

    public static func < (lhs: ObjectIdentity, rhs: ObjectIdentity) -> Bool {
        lhs.description.utf8.lexicographicallyPrecedes(rhs.description.utf8)
    }
}

extension String {
    /// Trims what Go's `strings.TrimSpace` trims (ASCII and Unicode white space).
    fileprivate func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}

/// A `metav1.OwnerReference`.
public struct OwnerReference: Hashable, Sendable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    /// Whether the owner is the managing controller.
    public var controller: Bool?
    /// Whether the owner cannot be deleted before this object (foreground deletion).
    public var blockOwnerDeletion: Bool?

    public init(
        apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil,
        blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }

    /// An owner reference read from JSON, or `nil` unless `json` is an object; missing strings read as empty.
    public init?(json: JSONValue) {
        guard case .object = json else { return nil }
        apiVersion = json["apiVersion"]?.stringValue ?? ""
        kind = json["kind"]?.stringValue ?? ""
        name = json["name"]?.stringValue ?? ""
        uid = json["uid"]?.stringValue ?? ""
        controller = json["controller"]?.boolValue
        blockOwnerDeletion = json["blockOwnerDeletion"]?.boolValue
    }

    /// The JSON form, in Go's field order.
    public var json: JSONValue {
        var object: JSONObject = [
            "apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name), "uid": .string(uid),
        ]
        if let controller { object["controller"] = .bool(controller) }
        if let blockOwnerDeletion { object["blockOwnerDeletion"] = .bool(blockOwnerDeletion) }
        return .object(object)
    }
}

// MARK: - KubeObject

/// An unstructured Kubernetes object: a JSON object with typed accessors for the common fields.
///
/// Getters are lenient like Go's `unstructured.Unstructured`: a missing or mistyped field reads as
/// empty (`""`, `0`, `[]`, `nil`). Setters create `metadata` (or `status`) on demand and, like Go's,
/// remove the field when given the empty value. Label and annotation maps are written with sorted
/// keys. Equality and hashing ignore member order.
public struct KubeObject: Sendable, Hashable {
    /// The whole object.
    public var object: JSONObject

    public init(_ object: JSONObject) {
        self.object = object
    }

    /// The object held by `json`, or `nil` when `json` is not an object.
    public init?(json: JSONValue) {
        guard case .object(let object) = json else { return nil }
        self.object = object
    }

    /// A new object with `apiVersion`, `kind` and `metadata.name` (and `metadata.namespace` if not empty).
    public init(apiVersion: String, kind: String, namespace: String = "", name: String) {
        object = ["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": [:]]
        self.name = name
        self.namespace = namespace
    }

    /// The object as a JSON value.
    public var json: JSONValue { .object(object) }

    public static func == (lhs: KubeObject, rhs: KubeObject) -> Bool { lhs.json == rhs.json }
    public func hash(into hasher: inout Hasher) { hasher.combine(json) }

    // MARK: Type

    public var apiVersion: String {
        get { object["apiVersion"]?.stringValue ?? "" }
        set { object["apiVersion"] = .string(newValue) }
    }

    public var kind: String {
        get { object["kind"]?.stringValue ?? "" }
        set { object["kind"] = .string(newValue) }
    }

    public var gvk: GroupVersionKind {
        get { GroupVersionKind(apiVersion: apiVersion, kind: kind) }
        set {
            apiVersion = newValue.apiVersion
            kind = newValue.kind
        }
    }

    // MARK: Metadata

    public var name: String {
        get { metadataString("name") }
        set { setMetadata("name", newValue.isEmpty ? nil : .string(newValue)) }
    }

    /// Empty for cluster-scoped objects.
    public var namespace: String {
        get { metadataString("namespace") }
        set { setMetadata("namespace", newValue.isEmpty ? nil : .string(newValue)) }
    }

    public var generateName: String {
        get { metadataString("generateName") }
        set { setMetadata("generateName", newValue.isEmpty ? nil : .string(newValue)) }
    }

    public var uid: String {
        get { metadataString("uid") }
        set { setMetadata("uid", newValue.isEmpty ? nil : .string(newValue)) }
    }

    public var resourceVersion: String {
        get { metadataString("resourceVersion") }
        set { setMetadata("resourceVersion", newValue.isEmpty ? nil : .string(newValue)) }
    }

    public var generation: Int64 {
        get { object["metadata"]?["generation"]?.intValue ?? 0 }
        set { setMetadata("generation", newValue == 0 ? nil : .int(newValue)) }
    }

    public var labels: [String: String] {
        get { stringMap("labels") }
        set { setStringMap("labels", newValue) }
    }

    public var annotations: [String: String] {
        get { stringMap("annotations") }
        set { setStringMap("annotations", newValue) }
    }

    /// Sets one label, or removes it when `value` is `nil`; other labels keep their order.
    public mutating func setLabel(_ key: String, _ value: String?) {
        setMapEntry("labels", key, value)
    }

    /// Sets one annotation, or removes it when `value` is `nil`; other annotations keep their order.
    public mutating func setAnnotation(_ key: String, _ value: String?) {
        setMapEntry("annotations", key, value)
    }

    /// Entries that are not objects are skipped.
    public var ownerReferences: [OwnerReference] {
        get { object["metadata"]?["ownerReferences"]?.arrayValue?.compactMap(OwnerReference.init(json:)) ?? [] }
        set { setMetadata("ownerReferences", newValue.isEmpty ? nil : .array(newValue.map(\.json))) }
    }

    /// Entries that are not strings are skipped.
    public var finalizers: [String] {
        get { object["metadata"]?["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        set { setMetadata("finalizers", newValue.isEmpty ? nil : .array(newValue.map { .string($0) })) }
    }

    /// A missing or malformed timestamp reads as `nil`.
    public var creationTimestamp: Timestamp? {
        get { metadataTimestamp("creationTimestamp") }
        set { setMetadata("creationTimestamp", newValue.map { .string($0.rfc3339) }) }
    }

    /// A missing or malformed timestamp reads as `nil`.
    public var deletionTimestamp: Timestamp? {
        get { metadataTimestamp("deletionTimestamp") }
        set { setMetadata("deletionTimestamp", newValue.map { .string($0.rfc3339) }) }
    }

    /// The owner reference marked `controller: true`, if any (`metav1.GetControllerOf`).
    public var controllerReference: OwnerReference? {
        ownerReferences.first { $0.controller == true }
    }

    /// Whether deletion has been requested (a `deletionTimestamp` is set).
    public var isBeingDeleted: Bool {
        object["metadata"]?["deletionTimestamp"].map { !$0.isNull } ?? false
    }

    /// Whether `finalizer` is present (`controllerutil.ContainsFinalizer`).
    public func hasFinalizer(_ finalizer: String) -> Bool {
        finalizers.contains(finalizer)
    }

    /// Appends `finalizer` unless present; reports whether the object changed (`controllerutil.AddFinalizer`).
    @discardableResult
    public mutating func addFinalizer(_ finalizer: String) -> Bool {
        guard !hasFinalizer(finalizer) else { return false }
        finalizers.append(finalizer)
        return true
    }

    /// Removes every occurrence of `finalizer`; reports whether the object changed (`controllerutil.RemoveFinalizer`).
    @discardableResult
    public mutating func removeFinalizer(_ finalizer: String) -> Bool {
        let current = finalizers
        let remaining = current.filter { $0 != finalizer }
        guard remaining.count != current.count else { return false }
        finalizers = remaining
        return true
    }

    // MARK: Body

    public var spec: JSONValue? {
        get { object["spec"] }
        set { object.setValue(newValue, at: ["spec"]) }
    }

    public var status: JSONValue? {
        get { object["status"] }
        set { object.setValue(newValue, at: ["status"]) }
    }

    /// `status.conditions`; entries without a string `type` are skipped. Setting an empty list removes it.
    public var conditions: [Condition] {
        get { object["status"]?["conditions"]?.arrayValue?.compactMap(Condition.init(json:)) ?? [] }
        set { object.setValue(newValue.isEmpty ? nil : .array(newValue.map(\.json)), at: ["status", "conditions"]) }
    }

    /// The value at a path of object keys, or `nil` when any step is missing.
    public func value(at path: some Sequence<String>) -> JSONValue? {
        json.value(at: path)
    }

    /// Sets (or, with `nil`, removes) the value at a path of object keys, creating objects on the way.
    public mutating func setValue(_ value: JSONValue?, at path: [String]) {
        object.setValue(value, at: path[...])
    }

    // MARK: Identity

    /// Namespace and name.
    public var key: ObjectKey { ObjectKey(namespace: namespace, name: name) }

    /// Namespace, name, group and kind.
    public var identity: ObjectIdentity {
        ObjectIdentity(namespace: namespace, name: name, group: gvk.group, kind: kind)
    }

    /// The inventory entry text `<namespace>_<name>_<group>_<kind>`.
    public var id: String { identity.description }

    // MARK: Helpers

    private func metadataString(_ key: String) -> String {
        object["metadata"]?[key]?.stringValue ?? ""
    }

    private func metadataTimestamp(_ key: String) -> Timestamp? {
        object["metadata"]?[key]?.stringValue.flatMap { try? Timestamp(parsing: $0) }
    }

    private mutating func setMetadata(_ key: String, _ value: JSONValue?) {
        object.setValue(value, at: ["metadata", key])
    }

    private func stringMap(_ key: String) -> [String: String] {
        guard let map = object["metadata"]?[key]?.objectValue else { return [:] }
        var result: [String: String] = [:]
        for (k, v) in map {
            if let s = v.stringValue { result[k] = s }
        }
        return result
    }

    private mutating func setStringMap(_ key: String, _ map: [String: String]) {
        guard !map.isEmpty else {
            setMetadata(key, nil)
            return
        }
        var object = JSONObject()
        for k in map.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            object[k] = map[k].map { .string($0) }
        }
        setMetadata(key, .object(object))
    }

    private mutating func setMapEntry(_ mapKey: String, _ key: String, _ value: String?) {
        var map = object["metadata"]?[mapKey]?.objectValue ?? [:]
        map[key] = value.map { .string($0) }
        setMetadata(mapKey, map.isEmpty ? nil : .object(map))
    }
}

extension JSONObject {
    /// Sets or removes the value at `path`, creating intermediate objects (replacing non-objects)
    /// only when setting. The members on the way keep their positions.
    fileprivate mutating func setValue(_ value: JSONValue?, at path: ArraySlice<String>) {
        guard let key = path.first else { return }
        if path.count == 1 {
            if let value {
                self[key] = value
            } else {
                removeValue(forKey: key)
            }
            return
        }
        var child: JSONObject
        if case .object(let existing)? = self[key] {
            child = existing
        } else {
            guard value != nil else { return }
            child = [:]
        }
        self[key] = .null  // release the stored copy so `child` is mutated in place
        child.setValue(value, at: path.dropFirst())
        self[key] = .object(child)
    }
}
