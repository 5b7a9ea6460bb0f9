public import KubeModel
public import Foundation
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

/// A point in time as Kubernetes writes it (`metav1.Time`): RFC 3339, encoded in UTC with
/// second precision (`2025-01-02T03:04:05Z`).
public struct KubeTime: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The instant.
    public var date: Date

    public init(_ date: Date) {
        self.date = date
    }

    /// Parses an RFC 3339 timestamp (`2025-01-02T03:04:05Z`, `…05.123+02:00`); `nil` if malformed.
    public init?(rfc3339 text: String) {
        guard let date = Self.parse(Array(text.utf8)) else { return nil }
        self.date = date
    }

    public static func < (lhs: KubeTime, rhs: KubeTime) -> Bool { lhs.date < rhs.date }

    /// The RFC 3339 rendering in UTC, second precision.
    public var description: String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay % 3600 / 60, 2)):\(pad(secondOfDay % 60, 2))Z"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = Self.parse(Array(text.utf8)) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Invalid value: \"\(text)\": must be an RFC 3339 timestamp")
        }
        self.date = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func parse(_ bytes: [UInt8]) -> Date? {
        var position = 0
        func number(_ width: Int) -> Int64? {
            guard position + width <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[position..<position + width] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            position += width
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard position < bytes.count, characters.utf8.contains(bytes[position]) else { return false }
            position += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
            expect("Tt"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction = 0.0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            var scale = 0.1
            let start = position
            while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 {
                fraction += Double(bytes[position] - 48) * scale
                scale /= 10
                position += 1
            }
            guard position > start else { return nil }
        }
        var offset: Int64 = 0
        guard position < bytes.count else { return nil }
        if expect("Zz") {
        } else {
            let sign: Int64
            if expect("+") { sign = 1 } else if expect("-") { sign = -1 } else { return nil }
            guard let offsetHour = number(2), expect(":"), let offsetMinute = number(2), offsetHour < 24, offsetMinute < 60
            else { return nil }
            offset = sign * (offsetHour * 3600 + offsetMinute * 60)
        }
        guard position == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil and its inverse.
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
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
    public var creationTimestamp: KubeTime?
    /// When deletion was requested.
    public var deletionTimestamp: KubeTime?
    /// Finalizers that must be removed before the object is deleted.
    public var finalizers: [String]?
    /// Objects this object depends on.
    public var ownerReferences: [OwnerReference]?

    public init(name: String? = nil, namespace: String? = nil) {
        self.name = name
        self.namespace = namespace
    }
}

/// A status condition (`metav1.Condition`).
public struct StatusCondition: Codable, Sendable, Hashable {
    /// Type of the condition, e.g. `Ready`.
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: ConditionStatus
    /// The generation the condition was set for.
    public var observedGeneration: Int64?
    /// When the status last changed.
    public var lastTransitionTime: KubeTime?
    /// A CamelCase reason for the last transition.
    public var reason: String?
    /// A human-readable explanation.
    public var message: String?

    public init(type: String, status: ConditionStatus) {
        self.type = type
        self.status = status
    }
}

/// A label query (`metav1.LabelSelector`): all of `matchLabels` and `matchExpressions` must hold.
public struct LabelSelector: Codable, Sendable, Hashable {
    /// Labels that must be present with exactly these values.
    public var matchLabels: StringMap?
    /// Set-based requirements.
    public var matchExpressions: [LabelSelectorRequirement]?

    public init(matchLabels: StringMap? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// True when the selector has no requirement (it would match everything).
    public var isEmpty: Bool { (matchLabels?.isEmpty ?? true) && (matchExpressions?.isEmpty ?? true) }
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
