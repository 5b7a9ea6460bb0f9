public import KubeModel
public import OrderedCollections

/// A string-to-string map that keeps its key order, so encoded output is stable.
/// Encodes as a JSON object.
public struct StringMap: Codable, Sendable, Hashable, ExpressibleByDictionaryLiteral, Sequence {
    /// The entries in order.
    public var entries: OrderedDictionary<String, String>

    public init(_ entries: OrderedDictionary<String, String> = [:]) {
        self.entries = entries
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.entries = OrderedDictionary(elements, uniquingKeysWith: { _, last in last })
    }

    /// The value of `key`.
    public subscript(key: String) -> String? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    public func makeIterator() -> OrderedDictionary<String, String>.Iterator { entries.makeIterator() }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: JSONCodingKey.self)
        var entries = OrderedDictionary<String, String>()
        for key in container.allKeys {
            entries[key.stringValue] = try container.decode(String.self, forKey: key)
        }
        self.entries = entries
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: JSONCodingKey.self)
        for (key, value) in entries {
            try container.encode(value, forKey: JSONCodingKey(stringValue: key))
        }
    }
}

/// A reference from an object to its owner (`metav1.OwnerReference`).
public struct OwnerReference: Codable, Sendable, Hashable {
    /// API version of the owner.
    public var apiVersion: String
    /// Kind of the owner.
    public var kind: String
    /// Name of the owner.
    public var name: String
    /// UID of the owner.
    public var uid: String
    /// True when the owner is the managing controller.
    public var controller: Bool?
    /// True when the owner cannot be deleted before this object (foreground deletion).
    public var blockOwnerDeletion: Bool?

    public init(apiVersion: String, kind: String, name: String, uid: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
    }
}

/// The object metadata this project reads and writes (`metav1.ObjectMeta`, partially).
/// Other members of `metadata` (managedFields, …) are ignored when decoding and not re-encoded.
public struct ObjectMeta: Codable, Sendable, Hashable, IgnoresUnknownFields {
    /// Name of the object, unique within its namespace.
    public var name: String?
    /// Prefix the API server uses to generate a name when `name` is empty.
    public var generateName: String?
    /// Namespace of the object.
    public var namespace: String?
    /// Labels of the object.
    public var labels: StringMap?
    /// Annotations of the object.
    public var annotations: StringMap?
    /// Unique identifier assigned by the API server.
    public var uid: String?
    /// Opaque version for optimistic concurrency.
    public var resourceVersion: String?
    /// Sequence number of the desired state, bumped on each spec change.
    public var generation: Int64?
    /// When the object was created.
    public var creationTimestamp: Timestamp?
    /// When deletion was requested.
    public var deletionTimestamp: Timestamp?
    /// Finalizers that must be removed before the object is deleted.
    public var finalizers: [String]?
    /// Objects this object depends on.
    public var ownerReferences: [OwnerReference]?

    public init(name: String? = nil, namespace: String? = nil) {
        self.name = name
        self.namespace = namespace
    }
}

/// Transitional name of `Timestamp` (KubeModel), still used by the CRD generator.
public typealias KubeTime = Timestamp

/// Transitional name of `Condition` (KubeModel), still used by the CRD generator.
public typealias StatusCondition = Condition
