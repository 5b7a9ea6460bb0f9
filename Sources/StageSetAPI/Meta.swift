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

/// The wire form of a label query in StageSet specs (`metav1.LabelSelector`): all of
/// `matchLabels` and `matchExpressions` must hold. Decoding is strict (operators are an
/// enumeration, `key` and `operator` are required), unlike KubeModel's lenient
/// `LabelSelector`, which ``labelSelector`` converts to for matching and validation.
public struct LabelSelectorSpec: Codable, Sendable, Hashable {
    /// Labels that must be present with exactly these values.
    public var matchLabels: StringMap?
    /// Set-based requirements.
    public var matchExpressions: [LabelSelectorRequirement]?

    public init(matchLabels: StringMap? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// True when the selector has no requirement (it would match every object).
    public var isEmpty: Bool { (matchLabels?.isEmpty ?? true) && (matchExpressions?.isEmpty ?? true) }

    /// The selector as KubeModel's `LabelSelector`, for matching and apimachinery validation.
    public var labelSelector: LabelSelector {
        var labels: [String: String] = [:]
        for (key, value) in matchLabels ?? [:] { labels[key] = value }
        let requirements = (matchExpressions ?? []).map { requirement in
            LabelSelector.Requirement(
                key: requirement.key, operator: LabelSelector.Operator(rawValue: requirement.operator.rawValue),
                values: requirement.values ?? [])
        }
        return LabelSelector(matchLabels: labels, matchExpressions: requirements)
    }
}

/// One set-based requirement of a ``LabelSelector``.
public struct LabelSelectorRequirement: Codable, Sendable, Hashable {
    /// The label key.
    public var key: String
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    public var `operator`: LabelSelectorOperator
    /// The values for `In`/`NotIn` (must be non-empty) — empty for `Exists`/`DoesNotExist`.
    public var values: [String]?

    public init(key: String, operator: LabelSelectorOperator, values: [String]? = nil) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }
}

/// The operator of a label selector requirement.
public enum LabelSelectorOperator: String, WireEnum {
    case `in` = "In"
    case notIn = "NotIn"
    case exists = "Exists"
    case doesNotExist = "DoesNotExist"
}
