/// What a strategic merge patch needs to know about object types: per field, whether a list
/// merges (and by which key) or is replaced, and which nested type a field holds.
///
/// This mirrors the `patchStrategy` / `patchMergeKey` struct tags of the Kubernetes API types.
/// Fields the schema does not describe behave like JSON merge patch: objects merge, lists are
/// replaced. ``builtIn`` covers the built-in kinds people patch; register more with
/// ``register(group:kind:_:)``.
public struct PatchSchema: Sendable {
    /// An API group and kind, without version: patch metadata does not change between versions.
    public struct GroupKind: Hashable, Sendable, CustomStringConvertible {
        /// The API group; empty for the core group.
        public var group: String
        public var kind: String

        public init(group: String, kind: String) {
            self.group = group
            self.kind = kind
        }

        /// The group and kind of an object with `apiVersion` (`group/version` or `version` for core).
        public init(apiVersion: String, kind: String) {
            if let slash = apiVersion.firstIndex(of: "/") {
                group = String(apiVersion[..<slash])
            } else {
                group = ""
            }
            self.kind = kind
        }

        public var description: String { group.isEmpty ? kind : "\(kind).\(group)" }
    }

    /// How a field's value is combined with the original.
    public enum Strategy: Sendable, Hashable {
        /// Objects merge member by member; lists are replaced.
        case `default`
        /// Lists merge: objects by ``Field/mergeKey``, primitives as a set.
        case merge
        /// The patch value replaces the original wholesale, objects included.
        case replace
    }

    /// Patch metadata of one field.
    public struct Field: Sendable {
        /// How the value combines with the original.
        public var strategy: Strategy
        /// For merging lists of objects: the member identifying an element.
        public var mergeKey: String?
        /// The `retainKeys` strategy. It shapes patches a diff would create; applying a patch
        /// honours a `$retainKeys` directive whether or not the field declares it.
        public var retainKeys: Bool
        /// The type of the value (for an object) or of the elements (for a list), if it has
        /// fields with patch metadata of their own.
        public var type: ObjectType?

        public init(strategy: Strategy = .default, mergeKey: String? = nil, retainKeys: Bool = false, type: ObjectType? = nil) {
            self.strategy = strategy
            self.mergeKey = mergeKey
            self.retainKeys = retainKeys
            self.type = type
        }

        /// A list merged by `key` (or, without a key, a list of primitives merged as a set).
        public static func merge(key: String? = nil, retainKeys: Bool = false, _ type: ObjectType? = nil) -> Field {
            Field(strategy: .merge, mergeKey: key, retainKeys: retainKeys, type: type)
        }

        /// A nested object (or list element) of `type`, with the default strategy.
        public static func nested(_ type: ObjectType, retainKeys: Bool = false) -> Field {
            Field(retainKeys: retainKeys, type: type)
        }
    }

    /// The fields of an object type that carry patch metadata.
    public struct ObjectType: Sendable {
        /// Patch metadata by JSON field name; fields not listed use the default strategy.
        public var fields: [String: Field]

        public init(_ fields: [String: Field] = [:]) {
            self.fields = fields
        }

        /// The patch metadata of `field`, if any.
        public subscript(field: String) -> Field? {
            get { fields[field] }
            set { fields[field] = newValue }
        }
    }

    /// The root type of each known kind.
    public var kinds: [GroupKind: ObjectType]

    public init(kinds: [GroupKind: ObjectType] = [:]) {
        self.kinds = kinds
    }

    /// A schema that knows no kind: every object is patched with JSON merge patch semantics
    /// (plus the strategic merge patch directives).
    public static var empty: PatchSchema { PatchSchema() }

    /// Adds or replaces the root type of `group`/`kind`.
    public mutating func register(group: String, kind: String, _ type: ObjectType) {
        kinds[GroupKind(group: group, kind: kind)] = type
    }

    /// The root type of objects with this `apiVersion` and `kind`, or `nil` when unknown.
    public func type(apiVersion: String, kind: String) -> ObjectType? {
        kinds[GroupKind(apiVersion: apiVersion, kind: kind)]
    }
}
