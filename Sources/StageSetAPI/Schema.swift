public import KubeModel

/// Schema facts a type declares once, for ``StageSet/defaulted()`` and for the CRD generator.
///
/// `schemaDefaults` maps a JSON field name to the value an unset field takes. The defaulting
/// step reads the same table, so a default is written in exactly one place. Fields listed in
/// `apiServerDefaultedFields` are emitted as `default:` in the CRD (the API server stamps
/// them); the others are applied by the controller and only documented in the description,
/// so an authored value stays distinguishable from a defaulted one where that matters.
public protocol SchemaDescribed {
    /// Default value per JSON field name, for fields whose default does not depend on context.
    static var schemaDefaults: [String: JSONValue] { get }
    /// JSON field names whose default the CRD declares, so the API server applies it.
    static var apiServerDefaultedFields: Set<String> { get }
    /// Extra OpenAPI keywords per JSON field name (`pattern`, `minimum`, `maxItems`, …) that the CRD
    /// declares so the API server rejects what admission would reject anyway.
    static var schemaConstraints: [String: JSONValue] { get }
}

extension SchemaDescribed {
    public static var schemaDefaults: [String: JSONValue] { [:] }
    public static var apiServerDefaultedFields: Set<String> { [] }
    public static var schemaConstraints: [String: JSONValue] { [:] }

    /// The declared default of `field`, decoded as `T`; `nil` when none is declared.
    static func schemaDefault<T: Decodable>(_ field: String, as type: T.Type = T.self) -> T? {
        guard let value = schemaDefaults[field] else { return nil }
        return try? JSONValueDecoder().decode(type, from: value)
    }
}

/// A string-backed enumeration whose raw values are the exact wire spellings.
///
/// Decoding an unknown spelling fails with the API server's wording:
/// `Unsupported value: "X": supported values: "A", "B"`.
public protocol WireEnum: RawRepresentable, Codable, CaseIterable, Sendable, Hashable where RawValue == String {}

extension WireEnum {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: Self.unsupportedValueMessage(raw))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The allowed spellings, quoted and comma-separated.
    public static var supportedValuesList: String {
        allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
    }

    /// The API server's message for a value outside the enumeration.
    static func unsupportedValueMessage(_ raw: String) -> String {
        "Unsupported value: \"\(raw)\": supported values: \(supportedValuesList)"
    }
}
