// Codable bridge between Swift types and `JSONValue`, without a round trip through text.

// MARK: - Public API

/// Decodes `Decodable` types straight from a ``JSONValue``.
///
/// Numbers follow the API server: an integer field accepts an integer or an integral
/// number (`3.0`), a floating-point field accepts either; strings are never coerced.
/// Every `DecodingError` carries the precise coding path, so
/// `FieldPath(codingPath:)` renders it as a Kubernetes field path.
public struct JSONValueDecoder {
    /// Values handed to the types being decoded through `Decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: Any] = [:]

    public init() {}

    /// Decodes `type` from `value`; unknown object members are ignored.
    public func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try ValueDecoder(value: value, codingPath: [], userInfo: userInfo, tracker: nil, collector: nil).unbox(value, as: type)
    }

    /// Decodes `type` from `value` and also returns the path of every object member that
    /// no decoded type read (what the API server's strict field validation calls an unknown
    /// field), sorted by path. Types conforming to ``IgnoresUnknownFields`` are exempt,
    /// with everything below them.
    public func decodeReportingUnknownFields<T: Decodable>(
        _ type: T.Type, from value: JSONValue
    ) throws -> (value: T, unknownFields: [FieldPath]) {
        let tracker = UnknownFieldTracker()
        let decoded = try ValueDecoder(value: value, codingPath: [], userInfo: userInfo, tracker: tracker, collector: nil)
            .unbox(value, as: type)
        return (decoded, tracker.unknownFields())
    }

    /// Decodes `type` from `value`, continuing past errors where it can: a failure inside an
    /// optional member (wrong type, bad enum spelling, malformed duration, …) is recorded and
    /// the member left `nil`. Returns the value (`nil` when a required member failed, which
    /// ends decoding), every recorded error in document order, and the unknown fields as
    /// ``decodeReportingUnknownFields(_:from:)`` reports them.
    public func decodeCollectingErrors<T: Decodable>(
        _ type: T.Type, from value: JSONValue
    ) -> (value: T?, errors: [DecodingError], unknownFields: [FieldPath]) {
        let tracker = UnknownFieldTracker()
        let collector = DecodingErrorCollector()
        let decoder = ValueDecoder(value: value, codingPath: [], userInfo: userInfo, tracker: tracker, collector: collector)
        do {
            let decoded = try decoder.unbox(value, as: type)
            return (decoded, collector.errors, tracker.unknownFields())
        } catch let error as DecodingError {
            return (nil, collector.errors + [error], tracker.unknownFields())
        } catch {
            let context = DecodingError.Context(codingPath: [], debugDescription: "\(error)", underlyingError: error)
            return (nil, collector.errors + [.dataCorrupted(context)], tracker.unknownFields())
        }
    }
}

/// Encodes `Encodable` types straight into a ``JSONValue``.
///
/// Object members appear in the order the type encodes them (a `[String: V]` dictionary's
/// keys sorted, as Go's encoding/json does); `nil` optionals encoded with `encodeIfPresent`
/// (what synthesized conformances do) are omitted.
public struct JSONValueEncoder {
    /// Values handed to the types being encoded through `Encoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: Any] = [:]

    public init() {}

    /// Encodes `value`.
    public func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try ValueEncoder(codingPath: [], userInfo: userInfo).box(value).finalize()
    }
}

/// Marks a type whose JSON object may carry members it does not model (for example
/// `metadata`, which the API server fills with fields a client need not read); the
/// unknown-field report of ``JSONValueDecoder/decodeReportingUnknownFields(_:from:)`` skips it.
public protocol IgnoresUnknownFields {}

/// A coding key for arbitrary object members and array positions.
public struct JSONCodingKey: CodingKey, Hashable, Sendable {
    public let stringValue: String
    public let intValue: Int?

    public init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }

    public init(intValue: Int) {
        self.stringValue = "Index \(intValue)"
        self.intValue = intValue
    }

    /// The key of array element `index`.
    public static func index(_ index: Int) -> JSONCodingKey { JSONCodingKey(intValue: index) }
}

// MARK: - JSONValue: Codable

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if let decoder = decoder as? ValueDecoder {
            self = decoder.value
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !array.isAtEnd { elements.append(try array.decode(JSONValue.self)) }
            self = .array(elements)
            return
        }
        if let object = try? decoder.container(keyedBy: JSONCodingKey.self) {
            var members = JSONObject()
            for key in object.allKeys { members[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int64.self) {
            self = .int(value)
        } else if let value = try? single.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        if let encoder = encoder as? ValueEncoder {
            encoder.node = .value(self)
            return
        }
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .int(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .double(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .string(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .array(let elements):
            var array = encoder.unkeyedContainer()
            for element in elements { try array.encode(element) }
        case .object(let members):
            var object = encoder.container(keyedBy: JSONCodingKey.self)
            for (key, member) in members { try object.encode(member, forKey: JSONCodingKey(stringValue: key)) }
        }
    }
}

// MARK: - Unknown-field tracking

/// Collects, per decoded object, which members were read.
final class UnknownFieldTracker {
    private struct Entry {
        var keys: [String]
        var used: Set<String>
    }

    private var entries: [FieldPath: Entry] = [:]
    private var order: [FieldPath] = []

    func register(path: FieldPath, keys: [String]) {
        if entries[path] == nil {
            entries[path] = Entry(keys: keys, used: [])
            order.append(path)
        }
    }

    func markUsed(path: FieldPath, key: String) {
        entries[path]?.used.insert(key)
    }

    /// Forgets `path` and everything below it.
    func discard(below path: FieldPath) {
        let prefix = path.components
        for key in Array(entries.keys) where key.components.starts(with: prefix) {
            entries[key] = nil
        }
    }

    func unknownFields() -> [FieldPath] {
        var result: [FieldPath] = []
        for path in order {
            guard let entry = entries[path] else { continue }
            for key in entry.keys where !entry.used.contains(key) {
                result.append(path.child(key))
            }
        }
        return result.sorted()
    }
}

/// Collects the errors of optional members when decoding continues past them.
final class DecodingErrorCollector {
    var errors: [DecodingError] = []
}

// MARK: - Decoder

final class ValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any]
    let tracker: UnknownFieldTracker?
    let collector: DecodingErrorCollector?

    init(
        value: JSONValue, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: Any],
        tracker: UnknownFieldTracker?, collector: DecodingErrorCollector?
    ) {
        self.value = value
        self.codingPath = codingPath
        self.userInfo = userInfo
        self.tracker = tracker
        self.collector = collector
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch value {
        case .object(let object):
            return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, object: object))
        case .null:
            throw DecodingError.valueNotFound(
                JSONObject.self, .init(codingPath: codingPath, debugDescription: "expected object, got null"))
        default:
            throw DecodingError.typeMismatch(
                JSONObject.self, .init(codingPath: codingPath, debugDescription: "expected object, got \(value.typeName)"))
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let array):
            return UnkeyedContainer(decoder: self, array: array)
        case .null:
            throw DecodingError.valueNotFound(
                [JSONValue].self, .init(codingPath: codingPath, debugDescription: "expected array, got null"))
        default:
            throw DecodingError.typeMismatch(
                [JSONValue].self, .init(codingPath: codingPath, debugDescription: "expected array, got \(value.typeName)"))
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(decoder: self)
    }

    // MARK: Unboxing

    func unbox<T: Decodable>(_ value: JSONValue, as type: T.Type) throws -> T {
        try unbox(value, as: type, codingPath: codingPath)
    }

    func unbox<T: Decodable>(_ value: JSONValue, as type: T.Type, codingPath: [any CodingKey]) throws -> T {
        if T.self == JSONValue.self, let result = value as? T { return result }
        if T.self == String.self, let result = try unboxString(value, codingPath: codingPath) as? T { return result }
        if T.self == Bool.self, let result = try unboxBool(value, codingPath: codingPath) as? T { return result }
        if let integerType = T.self as? any FixedWidthInteger.Type,
            let result = try unboxInteger(value, as: integerType, codingPath: codingPath) as? T
        {
            return result
        }
        if T.self == Double.self, let result = try unboxDouble(value, codingPath: codingPath) as? T { return result }
        if T.self == Float.self, let result = Float(try unboxDouble(value, codingPath: codingPath)) as? T {
            return result
        }
        let tracks = tracker != nil && !(T.self is any IgnoresUnknownFields.Type)
        let decoder = ValueDecoder(
            value: value, codingPath: codingPath, userInfo: userInfo, tracker: tracks ? tracker : nil, collector: collector)
        do {
            return try T(from: decoder)
        } catch {
            // A value whose decoding failed was read only partly: its unread members are not unknown.
            tracker?.discard(below: FieldPath(codingPath: codingPath))
            throw error
        }
    }

    func unboxString(_ value: JSONValue, codingPath: [any CodingKey]) throws -> String {
        if case .string(let string) = value { return string }
        throw mismatch(String.self, expected: "string", got: value, codingPath: codingPath)
    }

    func unboxBool(_ value: JSONValue, codingPath: [any CodingKey]) throws -> Bool {
        if case .bool(let bool) = value { return bool }
        throw mismatch(Bool.self, expected: "boolean", got: value, codingPath: codingPath)
    }

    func unboxInteger<I: FixedWidthInteger>(_ value: JSONValue, as type: I.Type, codingPath: [any CodingKey]) throws -> I {
        switch value {
        case .int(let int):
            if let exact = I(exactly: int) { return exact }
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: "integer \(int) is out of range"))
        case .double(let double):
            guard double.isFinite, double.rounded() == double else {
                throw mismatch(I.self, expected: "integer", got: value, codingPath: codingPath)
            }
            if let exact = I(exactly: double) { return exact }
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: "integer \(double) is out of range"))
        default:
            throw mismatch(I.self, expected: "integer", got: value, codingPath: codingPath)
        }
    }

    func unboxDouble(_ value: JSONValue, codingPath: [any CodingKey]) throws -> Double {
        switch value {
        case .int(let int): return Double(int)
        case .double(let double): return double
        default: throw mismatch(Double.self, expected: "number", got: value, codingPath: codingPath)
        }
    }

    func mismatch(_ type: Any.Type, expected: String, got value: JSONValue, codingPath: [any CodingKey]) -> DecodingError {
        if case .null = value {
            return .valueNotFound(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), got null"))
        }
        return .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), got \(value.typeName)"))
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: ValueDecoder
    let object: JSONObject
    let path: FieldPath?

    init(decoder: ValueDecoder, object: JSONObject) {
        self.decoder = decoder
        self.object = object
        if let tracker = decoder.tracker {
            let path = FieldPath(codingPath: decoder.codingPath)
            tracker.register(path: path, keys: Array(object.keys))
            self.path = path
        } else {
            self.path = nil
        }
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONValue {
        guard let value = object[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "required member \"\(key.stringValue)\" is missing"))
        }
        if let path { decoder.tracker?.markUsed(path: path, key: key.stringValue) }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let value = object[key.stringValue] else { return true }
        if let path { decoder.tracker?.markUsed(path: path, key: key.stringValue) }
        return value.isNull
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try decoder.unbox(member(key), as: type, codingPath: codingPath + [key])
    }

    // The concrete overloads' default implementations would bypass error collection.
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try optional(type, forKey: key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try optional(type, forKey: key) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try optional(type, forKey: key)
    }

    private func optional<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let value = object[key.stringValue] else { return nil }
        if let path { decoder.tracker?.markUsed(path: path, key: key.stringValue) }
        if value.isNull { return nil }
        do {
            return try decoder.unbox(value, as: type, codingPath: codingPath + [key])
        } catch let error as DecodingError {
            guard let collector = decoder.collector else { throw error }
            collector.errors.append(error)
            return nil
        }
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try subDecoder(member(key), key: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try subDecoder(member(key), key: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: .object(object), codingPath: codingPath, userInfo: decoder.userInfo, tracker: decoder.tracker, collector: decoder.collector)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        if let path { decoder.tracker?.markUsed(path: path, key: key.stringValue) }
        return subDecoder(object[key.stringValue] ?? .null, key: key)
    }

    private func subDecoder(_ value: JSONValue, key: Key) -> ValueDecoder {
        ValueDecoder(value: value, codingPath: codingPath + [key], userInfo: decoder.userInfo, tracker: decoder.tracker, collector: decoder.collector)
    }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: ValueDecoder
    let array: [JSONValue]
    var currentIndex = 0

    init(decoder: ValueDecoder, array: [JSONValue]) {
        self.decoder = decoder
        self.array = array
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { array.count }
    var isAtEnd: Bool { currentIndex >= array.count }

    private mutating func next(_ type: Any.Type) throws -> (JSONValue, [any CodingKey]) {
        guard currentIndex < array.count else {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: codingPath + [JSONCodingKey.index(currentIndex)], debugDescription: "array is at its end"))
        }
        let element = array[currentIndex]
        let path = codingPath + [JSONCodingKey.index(currentIndex)]
        currentIndex += 1
        return (element, path)
    }

    mutating func decodeNil() throws -> Bool {
        guard currentIndex < array.count else { return true }
        if array[currentIndex].isNull {
            currentIndex += 1
            return true
        }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let (element, path) = try next(type)
        return try decoder.unbox(element, as: type, codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let (element, path) = try next(JSONObject.self)
        return try ValueDecoder(value: element, codingPath: path, userInfo: decoder.userInfo, tracker: decoder.tracker, collector: decoder.collector)
            .container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (element, path) = try next([JSONValue].self)
        return try ValueDecoder(value: element, codingPath: path, userInfo: decoder.userInfo, tracker: decoder.tracker, collector: decoder.collector)
            .unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (element, path) = try next(JSONValue.self)
        return ValueDecoder(value: element, codingPath: path, userInfo: decoder.userInfo, tracker: decoder.tracker, collector: decoder.collector)
    }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let decoder: ValueDecoder

    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value.isNull }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try decoder.unbox(decoder.value, as: type)
    }
}

// MARK: - Encoder

/// A value under construction; containers share boxes so nested writes land in place.
enum EncodedNode {
    case value(JSONValue)
    case object(ObjectBox)
    case array(ArrayBox)
    case deferred(ValueEncoder)

    func finalize() -> JSONValue {
        switch self {
        case .value(let value): return value
        case .object(let box):
            var object = JSONObject()
            object.reserveCapacity(box.members.count)
            for (key, node) in box.members { object[key] = node.finalize() }
            return .object(object)
        case .array(let box): return .array(box.elements.map { $0.finalize() })
        case .deferred(let encoder): return encoder.node?.finalize() ?? .object([:])
        }
    }
}

final class ObjectBox {
    var members: [(String, EncodedNode)] = []
    var index: [String: Int] = [:]

    func set(_ key: String, _ node: EncodedNode) {
        if let position = index[key] {
            members[position].1 = node
        } else {
            index[key] = members.count
            members.append((key, node))
        }
    }
}

/// `[String: V]`, whose encoded members are sorted by key.
protocol StringKeyedDictionary {}
extension Dictionary: StringKeyedDictionary where Key == String {}

extension ObjectBox {
    func sortByKey() {
        members.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        index = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1.0, $0) })
    }
}

final class ArrayBox {
    var elements: [EncodedNode] = []
}

final class ValueEncoder: Encoder {
    let codingPath: [any CodingKey]
    let userInfo: [CodingUserInfoKey: Any]
    var node: EncodedNode?

    init(codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: Any]) {
        self.codingPath = codingPath
        self.userInfo = userInfo
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: ObjectBox
        if case .object(let existing) = node {
            box = existing
        } else {
            box = ObjectBox()
            node = .object(box)
        }
        return KeyedEncodingContainer(KeyedEncoder<Key>(encoder: self, box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: ArrayBox
        if case .array(let existing) = node {
            box = existing
        } else {
            box = ArrayBox()
            node = .array(box)
        }
        return UnkeyedEncoder(encoder: self, box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleEncoder(encoder: self)
    }

    func box<T: Encodable>(_ value: T) throws -> EncodedNode {
        try box(value, codingPath: codingPath)
    }

    func box<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws -> EncodedNode {
        switch value {
        case let value as JSONValue: return .value(value)
        case let value as String: return .value(.string(value))
        case let value as Bool: return .value(.bool(value))
        case let value as Double: return .value(.double(value))
        case let value as Float: return .value(.double(Double(value)))
        case let value as any BinaryInteger:
            if let exact = Int64(exactly: value) { return .value(.int(exact)) }
            return .value(.double(Double(value)))
        default:
            let encoder = ValueEncoder(codingPath: codingPath, userInfo: userInfo)
            try value.encode(to: encoder)
            // Dictionaries have no order; sort their keys as Go's encoding/json does, for stable output.
            if value is any StringKeyedDictionary, case .object(let box) = encoder.node { box.sortByKey() }
            return encoder.node ?? .value(.object([:]))
        }
    }
}

private struct KeyedEncoder<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: ValueEncoder
    let box: ObjectBox
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        box.set(key.stringValue, .value(.null))
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.set(key.stringValue, try encoder.box(value, codingPath: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = ObjectBox()
        box.set(key.stringValue, .object(nested))
        return KeyedEncodingContainer(KeyedEncoder<NestedKey>(encoder: encoder, box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = ArrayBox()
        box.set(key.stringValue, .array(nested))
        return UnkeyedEncoder(encoder: encoder, box: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let sub = ValueEncoder(codingPath: codingPath + [JSONCodingKey(stringValue: "super")], userInfo: encoder.userInfo)
        box.set("super", .deferred(sub))
        return sub
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let sub = ValueEncoder(codingPath: codingPath + [key], userInfo: encoder.userInfo)
        box.set(key.stringValue, .deferred(sub))
        return sub
    }
}

private struct UnkeyedEncoder: UnkeyedEncodingContainer {
    let encoder: ValueEncoder
    let box: ArrayBox
    let codingPath: [any CodingKey]

    var count: Int { box.elements.count }

    private var nextPath: [any CodingKey] { codingPath + [JSONCodingKey.index(box.elements.count)] }

    mutating func encodeNil() throws {
        box.elements.append(.value(.null))
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        box.elements.append(try encoder.box(value, codingPath: nextPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = nextPath
        let nested = ObjectBox()
        box.elements.append(.object(nested))
        return KeyedEncodingContainer(KeyedEncoder<NestedKey>(encoder: encoder, box: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextPath
        let nested = ArrayBox()
        box.elements.append(.array(nested))
        return UnkeyedEncoder(encoder: encoder, box: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let sub = ValueEncoder(codingPath: nextPath, userInfo: encoder.userInfo)
        box.elements.append(.deferred(sub))
        return sub
    }
}

private struct SingleEncoder: SingleValueEncodingContainer {
    let encoder: ValueEncoder

    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws {
        encoder.node = .value(.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.node = try encoder.box(value)
    }
}
