import KubeModel
import StageSetAPI

/// Recognises the container and scalar types a schema is built from.
enum SchemaTypes {
    /// The raw values of a string enumeration, in declaration order.
    static func enumValues(_ type: any Decodable.Type) -> [String]? {
        guard let wire = type as? any WireEnum.Type else { return nil }
        return values(of: wire)
    }

    private static func values<E: WireEnum>(of type: E.Type) -> [String] {
        E.allCases.map(\.rawValue)
    }
}

/// Marks `[Element]` so the builder can reach the element type.
protocol ArraySchemaShape {
    static var elementType: any Decodable.Type { get }
}

extension Array: ArraySchemaShape where Element: Decodable {
    static var elementType: any Decodable.Type { Element.self }
}

/// Marks `[String: Value]` so the builder can reach the value type.
protocol MapSchemaShape {
    static var valueType: any Decodable.Type { get }
}

extension Dictionary: MapSchemaShape where Key == String, Value: Decodable {
    static var valueType: any Decodable.Type { Value.self }
}

/// Marks `Optional<Wrapped>`.
protocol OptionalSchemaShape {
    static var wrappedType: any Decodable.Type { get }
}

extension Optional: OptionalSchemaShape where Wrapped: Decodable {
    static var wrappedType: any Decodable.Type { Wrapped.self }
}

/// Derives structural OpenAPI v3 schemas (as `JSONValue`) from `Decodable` Swift types.
///
/// Objects come from a ``SchemaProbe`` walk of the type's initializer: decoded keys become
/// properties (in decoding order), keys decoded with `decode` become `required`. Enums
/// (``WireEnum``) become `enum`, declared defaults (``SchemaDescribed``) become `default`,
/// doc comments become `description`. Leaf types with a textual wire form (durations,
/// timestamps, free-form JSON) are described by ``leafSchemas``.
struct SchemaBuilder {
    /// Fixed schemas for types whose wire form is not their Swift structure, with the string a
    /// placeholder of that type is decoded from.
    var leafSchemas: [ObjectIdentifier: (schema: JSONValue, placeholder: String?)] = [:]
    /// Post-processing of object schemas, per type (for example an action's operation keys).
    var customizers: [ObjectIdentifier: @Sendable (inout JSONObject) throws -> Void] = [:]
    /// Doc comments of the Swift declarations.
    var docs: DocCommentIndex

    /// Why a schema could not be derived.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    init(docs: DocCommentIndex) {
        self.docs = docs
    }

    mutating func describe(_ type: any Decodable.Type, as schema: JSONValue, placeholder: String? = nil) {
        leafSchemas[ObjectIdentifier(type)] = (schema, placeholder)
    }

    private var placeholders: PlaceholderTable {
        var table = PlaceholderTable()
        for (id, leaf) in leafSchemas {
            if let placeholder = leaf.placeholder { table.strings[id] = placeholder }
        }
        return table
    }

    /// The schema of `type`.
    func schema(for type: any Decodable.Type) throws -> JSONValue {
        var visiting: Set<ObjectIdentifier> = []
        return try schema(for: type, visiting: &visiting)
    }

    private func schema(for type: any Decodable.Type, visiting: inout Set<ObjectIdentifier>) throws -> JSONValue {
        let id = ObjectIdentifier(type)
        if let leaf = leafSchemas[id] { return leaf.schema }
        if let optional = type as? any OptionalSchemaShape.Type {
            return try schema(for: optional.wrappedType, visiting: &visiting)
        }
        if let array = type as? any ArraySchemaShape.Type {
            return ["type": "array", "items": try schema(for: array.elementType, visiting: &visiting)]
        }
        if let map = type as? any MapSchemaShape.Type {
            return ["type": "object", "additionalProperties": try schema(for: map.valueType, visiting: &visiting)]
        }
        switch id {
        case ObjectIdentifier(String.self): return ["type": "string"]
        case ObjectIdentifier(Bool.self): return ["type": "boolean"]
        case ObjectIdentifier(Int.self), ObjectIdentifier(Int64.self): return ["type": "integer", "format": "int64"]
        case ObjectIdentifier(Int32.self): return ["type": "integer", "format": "int32"]
        case ObjectIdentifier(Double.self), ObjectIdentifier(Float.self): return ["type": "number"]
        default: break
        }
        if let values = SchemaTypes.enumValues(type) {
            return ["type": "string", "enum": .array(values.map { .string($0) })]
        }
        guard visiting.insert(id).inserted else {
            throw Failure(description: "\(Self.typeName(type)) is recursive; describe it with a leaf schema")
        }
        defer { visiting.remove(id) }
        return try objectSchema(for: type, visiting: &visiting)
    }

    private func objectSchema(for type: any Decodable.Type, visiting: inout Set<ObjectIdentifier>) throws -> JSONValue {
        let probe = SchemaProbe(placeholders: placeholders, recording: true)
        do {
            _ = try type.init(from: probe)
        } catch {
            throw Failure(description: "cannot walk \(Self.typeName(type)): \(error)")
        }
        let name = Self.typeName(type)
        let described = type as? any SchemaDescribed.Type
        var properties = JSONObject()
        var required: [JSONValue] = []
        for field in probe.fields {
            var property = try schema(for: field.type, visiting: &visiting)
            if let text = docs.description(of: name, member: field.key) {
                property = Self.withDescription(property, text)
            }
            if let described, described.apiServerDefaultedFields.contains(field.key),
                let value = described.schemaDefaults[field.key]
            {
                property["default"] = value
            }
            if let constraints = described?.schemaConstraints[field.key]?.objectValue {
                for (key, value) in constraints { property[key] = value }
            }
            properties[field.key] = property
            if field.required { required.append(.string(field.key)) }
        }
        var object: JSONObject = [:]
        if let text = docs.description(of: name) { object["description"] = .string(text) }
        object["type"] = "object"
        object["properties"] = .object(properties)
        if !required.isEmpty { object["required"] = .array(required) }
        if let customize = customizers[ObjectIdentifier(type)] { try customize(&object) }
        if properties.isEmpty && object["properties"]?.objectValue?.isEmpty != false {
            object["properties"] = nil
        }
        return .object(object)
    }

    /// Puts `description` first, the way controller-gen orders it.
    static func withDescription(_ schema: JSONValue, _ text: String) -> JSONValue {
        guard case .object(let object) = schema else { return schema }
        var result: JSONObject = ["description": .string(text)]
        for (key, value) in object where key != "description" { result[key] = value }
        return .object(result)
    }

    /// The declaration name without the module: `Promotion.Analysis`.
    static func typeName(_ type: any Any.Type) -> String {
        let full = String(reflecting: type)
        guard let dot = full.firstIndex(of: ".") else { return full }
        return String(full[full.index(after: dot)...])
    }
}
