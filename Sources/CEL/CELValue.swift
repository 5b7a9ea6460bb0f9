/// A CEL runtime value.
public enum CELValue: Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([CELValue])
    case map(CELMap)
    case timestamp(CELTimestamp)
    /// A duration in nanoseconds (the range cel-go supports).
    case duration(Int64)
    case type(CELType)
    /// A Kubernetes resource quantity (from the `quantity()` function).
    case quantity(CELQuantity)
    /// An optional value (`optional.of(x)`, `optional.none()`, results of `.?field` and `[?key]`).
    indirect case optional(CELValue?)
    /// An IP address (from `ip()`).
    case ip(CELIPAddress)
    /// A CIDR block (from `cidr()`).
    case cidr(CELCIDR)
}

extension CELValue {
    /// The value of a `bool`, or nil.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The value of a `string`, or nil.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value of an `int`, or nil.
    public var intValue: Int64? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// Whether the value is its type's zero value (`0`, `''`, `[]`, `{}`, `false`, `null`, ...).
    var isZeroValue: Bool {
        switch self {
        case .null: true
        case .bool(let b): !b
        case .int(let i): i == 0
        case .uint(let u): u == 0
        case .double(let d): d == 0
        case .string(let s): s.isEmpty
        case .bytes(let b): b.isEmpty
        case .list(let l): l.isEmpty
        case .map(let m): m.count == 0
        case .timestamp(let t): t.seconds == 0 && t.nanos == 0
        case .duration(let d): d == 0
        case .type: false
        case .quantity(let q): q.nanos == 0
        case .optional(let o): o == nil
        case .ip, .cidr: false
        }
    }
}

/// A CEL type value, such as `int` or `google.protobuf.Timestamp`.
public struct CELType: Sendable, Hashable, CustomStringConvertible {
    /// The type's name as CEL spells it.
    public let name: String
    public init(name: String) { self.name = name }
    public var description: String { name }

    public static let null = CELType(name: "null_type")
    public static let bool = CELType(name: "bool")
    public static let int = CELType(name: "int")
    public static let uint = CELType(name: "uint")
    public static let double = CELType(name: "double")
    public static let string = CELType(name: "string")
    public static let bytes = CELType(name: "bytes")
    public static let list = CELType(name: "list")
    public static let map = CELType(name: "map")
    public static let timestamp = CELType(name: "google.protobuf.Timestamp")
    public static let duration = CELType(name: "google.protobuf.Duration")
    public static let type = CELType(name: "type")
    public static let quantity = CELType(name: "kubernetes.Quantity")
    public static let optional = CELType(name: "optional_type")
    public static let ip = CELType(name: "net.IP")
    public static let cidr = CELType(name: "net.CIDR")
}

extension CELValue {
    /// The runtime type of the value, as `type(x)` returns it.
    public var celType: CELType {
        switch self {
        case .null: .null
        case .bool: .bool
        case .int: .int
        case .uint: .uint
        case .double: .double
        case .string: .string
        case .bytes: .bytes
        case .list: .list
        case .map: .map
        case .timestamp: .timestamp
        case .duration: .duration
        case .type: .type
        case .quantity: .quantity
        case .optional: .optional
        case .ip: .ip
        case .cidr: .cidr
        }
    }
}

/// A CEL map: keys are bool, int, uint or string; insertion order is kept for iteration.
///
/// Numeric keys compare by value across int and uint (and an integral double finds them).
public struct CELMap: Sendable {
    /// Entries in insertion order.
    public private(set) var entries: [(key: CELValue, value: CELValue)] = []
    private var positions: [MapKey: Int] = [:]

    public init() {}

    /// Builds a map; fails on an unsupported key type or a repeated key.
    public init(_ pairs: [(CELValue, CELValue)]) throws(CELMapError) {
        for (key, value) in pairs { try insert(key, value) }
    }

    /// The number of entries.
    public var count: Int { entries.count }

    /// Inserts a new key; fails on an unsupported key type or a repeated key.
    public mutating func insert(_ key: CELValue, _ value: CELValue) throws(CELMapError) {
        guard let normalized = MapKey(key) else { throw .unsupportedKeyType(key.celType) }
        guard positions[normalized] == nil else { throw .repeatedKey }
        positions[normalized] = entries.count
        entries.append((key, value))
    }

    /// The value for `key`, or nil when absent (doubles find integral int/uint keys).
    public subscript(key: CELValue) -> CELValue? {
        guard let normalized = MapKey(lookup: key), let position = positions[normalized] else { return nil }
        return entries[position].value
    }

    /// The value for a string key.
    public subscript(key: String) -> CELValue? {
        guard let position = positions[.string(ScalarString(key))] else { return nil }
        return entries[position].value
    }
}

/// Why a ``CELMap`` could not be built.
public enum CELMapError: Error, Sendable, Hashable {
    /// Keys must be `bool`, `int`, `uint` or `string`.
    case unsupportedKeyType(CELType)
    /// The key (or an equal number of another numeric type) is already present.
    case repeatedKey
}

/// A normalized map key: ints and uints that are equal share a key; strings are keyed by code points.
enum MapKey: Hashable, Sendable {
    case bool(Bool)
    case int(Int64)
    case largeUint(UInt64)
    case string(ScalarString)

    init?(_ value: CELValue) {
        switch value {
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .uint(let u): self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .largeUint(u)
        case .string(let s): self = .string(ScalarString(s))
        default: return nil
        }
    }

    /// Like `init(_:)`, but also accepts an integral double for lookups.
    init?(lookup value: CELValue) {
        if case .double(let d) = value {
            guard d.rounded() == d else { return nil }
            if let i = Int64(exactly: d) {
                self = .int(i)
            } else if let u = UInt64(exactly: d) {
                self = .largeUint(u)
            } else {
                return nil
            }
            return
        }
        self.init(value)
    }
}

/// A string that compares and hashes by its Unicode scalars.
///
/// CEL strings are sequences of code points, so `'\u00e9'` and `'e\u0301'` are different values and map
/// keys; Swift's `String` equality and hashing follow canonical equivalence and would merge them.
struct ScalarString: Hashable, Sendable {
    let value: String

    init(_ value: String) { self.value = value }

    static func == (lhs: ScalarString, rhs: ScalarString) -> Bool {
        let (a, b) = (lhs.value.utf8, rhs.value.utf8)
        guard a.count == b.count else { return false }
        let fast = a.withContiguousStorageIfAvailable { x in b.withContiguousStorageIfAvailable { y in x.elementsEqual(y) } }
        if let fast, let equal = fast { return equal }
        return a.elementsEqual(b)
    }

    func hash(into hasher: inout Hasher) {
        // Both paths feed the same bytes in one call, so equal strings hash alike whatever their storage.
        let hashed: Void? = value.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if hashed == nil { Array(value.utf8).withUnsafeBytes { hasher.combine(bytes: $0) } }
    }
}

/// A point in time with nanosecond precision, in the range years 0001 to 9999 UTC.
public struct CELTimestamp: Sendable, Hashable, Comparable {
    /// Seconds since the Unix epoch.
    public let seconds: Int64
    /// Nanoseconds within the second, 0 ..< 1e9.
    public let nanos: Int32

    /// Seconds of 0001-01-01T00:00:00Z since the epoch.
    static let minSeconds: Int64 = -62_135_596_800
    /// Seconds of 9999-12-31T23:59:59Z since the epoch.
    static let maxSeconds: Int64 = 253_402_300_799

    /// A timestamp, or nil when outside years 0001...9999.
    public init?(seconds: Int64, nanos: Int32 = 0) {
        guard (0..<1_000_000_000).contains(nanos),
            (CELTimestamp.minSeconds...CELTimestamp.maxSeconds).contains(seconds)
        else { return nil }
        self.seconds = seconds
        self.nanos = nanos
    }

    public static func < (lhs: CELTimestamp, rhs: CELTimestamp) -> Bool {
        (lhs.seconds, lhs.nanos) < (rhs.seconds, rhs.nanos)
    }
}
