import Foundation
import KubeModel

/// `configMapGenerator` / `secretGenerator`: builds the object and computes kustomize's
/// content-hash suffix.
enum Generators {
    /// The generated object for `generator`, read relative to `directory`.
    static func make(
        _ generator: Kustomization.Generator, global: Kustomization.GeneratorOptions?, directory: String,
        file: String, fs: ArtifactFileSystem
    ) throws(RenderError) -> (object: JSONValue, needsHash: Bool) {
        func fail(_ field: String, _ message: String) -> RenderError {
            RenderError(file: file, field: "\(generator.field).\(field)", message)
        }
        var data = JSONObject()
        var binaryData = JSONObject()
        func add(_ key: String, _ value: String, _ field: String) throws(RenderError) {
            guard isValidKey(key) else { throw fail(field, "invalid key \"\(key)\"") }
            guard data[key] == nil && binaryData[key] == nil else {
                throw fail(field, "duplicate key \"\(key)\"")
            }
            data[key] = .string(value)
        }
        for (index, env) in generator.envs.enumerated() {
            let path = try located(fs.join(directory, env), file: file, field: "\(generator.field).envs[\(index)]")
            let bytes = try located(fs.read(path), file: file, field: "\(generator.field).envs[\(index)]")
            let text = String(decoding: bytes, as: UTF8.self)
            var first = true
            for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
                var line = Substring(rawLine)
                if first, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
                first = false
                if line.hasSuffix("\r") { line = line.dropLast() }
                let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                guard let equals = trimmed.firstIndex(of: "=") else {
                    throw fail("envs[\(index)]", "line \"\(trimmed)\" has no = (reading the environment is not supported)")
                }
                try add(String(trimmed[..<equals]), String(trimmed[trimmed.index(after: equals)...]), "envs[\(index)]")
            }
        }
        for (index, literal) in generator.literals.enumerated() {
            guard let equals = literal.firstIndex(of: "=") else {
                throw fail("literals[\(index)]", "a literal must be KEY=VALUE")
            }
            try add(String(literal[..<equals]), removeQuotes(String(literal[literal.index(after: equals)...])), "literals[\(index)]")
        }
        for (index, entry) in generator.files.enumerated() {
            let field = "files[\(index)]"
            var key: String
            var path: String
            if let equals = entry.firstIndex(of: "=") {
                key = String(entry[..<equals])
                path = String(entry[entry.index(after: equals)...])
                guard !key.isEmpty, !path.isEmpty else { throw fail(field, "expected KEY=PATH") }
            } else {
                path = entry
                key = String(entry.split(separator: "/").last ?? "")
            }
            let resolved = try located(fs.join(directory, path), file: file, field: "\(generator.field).\(field)")
            let bytes = try located(fs.read(resolved), file: file, field: "\(generator.field).\(field)")
            if let text = String(validatingUTF8Bytes: bytes) {
                try add(key, text, field)
            } else if generator.kind == "ConfigMap" {
                guard isValidKey(key), data[key] == nil, binaryData[key] == nil else { throw fail(field, "invalid or duplicate key \"\(key)\"") }
                binaryData[key] = .string(Data(bytes).base64EncodedString())
            } else {
                try add(key, String(decoding: bytes, as: UTF8.self), field)
            }
        }

        var labels = JSONObject()
        var annotations = JSONObject()
        var disableHash = false
        var immutable = false
        for options in [global, generator.options].compactMap({ $0 }) {
            for (key, value) in options.labels { labels[key] = .string(value) }
            for (key, value) in options.annotations { annotations[key] = .string(value) }
            if let flag = options.disableNameSuffixHash { disableHash = flag }
            if let flag = options.immutable { immutable = flag }
        }
        var metadata: JSONObject = ["name": .string(generator.name)]
        if let namespace = generator.namespace, !namespace.isEmpty { metadata["namespace"] = .string(namespace) }
        if !labels.isEmpty { metadata["labels"] = .object(labels) }
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations) }
        var object: JSONObject = ["apiVersion": "v1", "kind": .string(generator.kind), "metadata": .object(metadata)]
        if generator.kind == "Secret" {
            var encoded = JSONObject()
            for (key, value) in data {
                encoded[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
            }
            if !encoded.isEmpty { object["data"] = .object(encoded) }
            object["type"] = .string(generator.type.flatMap { $0.isEmpty ? nil : $0 } ?? "Opaque")
        } else {
            if !data.isEmpty { object["data"] = .object(data) }
            if !binaryData.isEmpty { object["binaryData"] = .object(binaryData) }
        }
        if immutable { object["immutable"] = true }
        return (.object(object), !disableHash)
    }

    private static func located<T>(_ body: @autoclosure () throws(RenderError) -> T, file: String, field: String) throws(RenderError) -> T {
        do {
            return try body()
        } catch let error {
            throw RenderError(file: file, field: field, error.message)
        }
    }

    /// ConfigMap keys: alphanumerics, `-`, `_` and `.`.
    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 253
            && key.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x5F || byte == 0x2E
            }
    }

    /// Strips one pair of matching surrounding quotes, as kustomize does for literals.
    static func removeQuotes(_ text: String) -> String {
        guard text.count >= 2, let first = text.first, first == text.last, first == "\"" || first == "'" else { return text }
        return String(text.dropFirst().dropLast())
    }

    // MARK: Content hash

    /// kustomize's name suffix for a ConfigMap or Secret: SHA-256 over a JSON encoding of kind,
    /// an (always empty) name, type and data, as kustomize v5 computes it, then the first ten hex
    /// digits with `0 1 3 a e` mapped to `g h k m t`.
    static func contentHash(_ object: JSONValue) -> String {
        let kind = object["kind"]?.stringValue ?? ""
        var members: [(String, String)] = []
        func encodedField(_ key: String) -> String {
            guard let value = object[key], !value.isNull else { return "\"\"" }
            if case .object(let map) = value {
                let entries = map.map { ($0.key, $0.value) }
                    .sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
                    .map { "\(goString($0.0)):\(goString(scalar($0.1)))" }
                return "{" + entries.joined(separator: ",") + "}"
            }
            return goString(scalar(value))
        }
        members.append(("data", encodedField("data")))
        members.append(("kind", goString(kind)))
        members.append(("name", "\"\""))
        if kind == "ConfigMap" {
            if case .object(let binary)? = object["binaryData"], !binary.isEmpty {
                members.append(("binaryData", encodedField("binaryData")))
            }
        } else {
            members.append(("type", encodedField("type")))
        }
        members.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        let json = "{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        let hex = SHA256.hex(Array(json.utf8))
        var suffix = ""
        for character in hex.prefix(10) {
            switch character {
            case "0": suffix.append("g")
            case "1": suffix.append("h")
            case "3": suffix.append("k")
            case "a": suffix.append("m")
            case "e": suffix.append("t")
            default: suffix.append(character)
            }
        }
        return suffix
    }

    private static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .int(let number): String(number)
        case .double(let number): String(number)
        default: ""
        }
    }

    /// A JSON string as Go's `encoding/json` writes it (HTML-safe escapes included).
    static func goString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    /// The text of `bytes` when they are valid UTF-8, else nil.
    init?(validatingUTF8Bytes bytes: [UInt8]) {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var text = ""
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): text.unicodeScalars.append(scalar)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        self = text
    }
}
