public import KubeModel

/// YAML as kubectl reads and writes it: libyaml for syntax, go-yaml v2 (sigs.k8s.io/yaml) for meaning —
/// YAML 1.1 scalars (`yes`, `on`, `0x1F`, `017`), non-string keys stringified, merge keys, last duplicate
/// key wins, timestamps kept as strings, NaN and infinities rejected. Whole floats (`1e3`) come out as
/// integers and integers beyond `Int64` as doubles, which is what kubectl's JSON round trip makes of them.
///
/// Unlike kubectl, which splits streams on `---` lines before parsing, documents are separated by the
/// YAML parser itself, so `...` and directives behave as the YAML specification says.
public enum YAML {
    /// How plain scalars are typed.
    public enum Schema: Sendable, Hashable {
        /// YAML 1.1 as go-yaml v2 reads it (kubectl, Flux): `yes`, `on`, `y` are booleans.
        case yaml11
        /// YAML 1.2 booleans as go-yaml v3 reads them (sops): only `true`/`false` (`True`, `TRUE`, …) are
        /// booleans; `yes`, `on`, `y`, `no`, `off`, `n` stay strings. Everything else as ``yaml11``.
        case yaml12
    }

    /// Every document of a multi-document stream that is not empty or null, in order.
    public static func decodeAll(_ text: String, limits: Limits = .default) throws(YAMLError) -> [JSONValue] {
        try decode(text, limits: limits, maxDocuments: .max)
    }

    /// Every document of a multi-document stream given as UTF-8 (or BOM-marked UTF-16) bytes.
    public static func decodeAll(_ bytes: some Collection<UInt8>, limits: Limits = .default, schema: Schema = .yaml11)
        throws(YAMLError) -> [JSONValue]
    {
        let decoded = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(YAMLError) in
                var decoder = StreamDecoder(limits: limits, schema: schema)
                return try decoder.decode(buffer)
            }
        }
        if let decoded { return try decoded.get() }
        return try decodeAll(Array(bytes), limits: limits, schema: schema)
    }

    /// Exactly one document: an empty stream is `.null`; more than one non-empty document is an error.
    public static func decode(_ text: String, limits: Limits = .default) throws(YAMLError) -> JSONValue {
        try decode(text, limits: limits, maxDocuments: 1).first ?? .null
    }

    private static func decode(_ text: String, limits: Limits, maxDocuments: Int) throws(YAMLError) -> [JSONValue] {
        var text = text
        return try text.withUTF8 { utf8 in
            Result { () throws(YAMLError) in
                var decoder = StreamDecoder(limits: limits, maxDocuments: maxDocuments)
                return try decoder.decode(utf8)
            }
        }.get()
    }

    /// Block-style YAML (2-space indentation, sequences flush under their key, keys in the value's
    /// order) that kubectl reads back to the same object.
    public static func encode(_ value: JSONValue) -> String {
        LibYAMLEmitter().document(value)
    }

    /// The documents separated by `---\n`.
    public static func encodeAll(_ values: [JSONValue]) -> String {
        values.map(encode).joined(separator: "---\n")
    }
}
