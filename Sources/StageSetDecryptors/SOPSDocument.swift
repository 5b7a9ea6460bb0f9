import KubeModel
import StageSetCore
import YAML

/// A parsed sops document: the value trees (without metadata) and the metadata.
struct SOPSDocument {
    let format: SOPSFormat
    let documents: [JSONValue]
    let metadata: SOPSMetadata

    init(bytes: [UInt8], format: SOPSFormat) throws(DecryptionError) {
        self.format = format
        switch format {
        case .yaml:
            let values: [JSONValue]
            do {
                values = try YAML.decodeAll(bytes, schema: .yaml12)
            } catch {
                throw DecryptionError("not a sops YAML document: \(error)")
            }
            guard let first = values.first?.objectValue, let sops = first["sops"]?.objectValue else {
                throw DecryptionError("not a sops document: no top-level sops metadata")
            }
            var trees: [JSONValue] = []
            for value in values {
                guard var object = value.objectValue else {
                    throw DecryptionError("sops YAML documents must be maps, found a \(value.typeName)")
                }
                object.removeValue(forKey: "sops")
                trees.append(.object(object))
            }
            documents = trees
            metadata = try SOPSMetadata(sops)
        case .json, .binary:
            let value: JSONValue
            do {
                value = try JSON.decode(bytes)
            } catch {
                throw DecryptionError("not a sops \(format == .json ? "JSON" : "binary") document: \(error)")
            }
            guard var object = value.objectValue, let sops = object["sops"]?.objectValue else {
                throw DecryptionError("not a sops document: no top-level sops metadata")
            }
            object.removeValue(forKey: "sops")
            if format == .binary {
                guard object.count == 1, case .string = object["data"] else {
                    throw DecryptionError("a sops binary document holds exactly one string value, data")
                }
            }
            documents = [.object(object)]
            metadata = try SOPSMetadata(sops)
        case .dotenv:
            var tree = JSONObject()
            var flat = JSONObject()
            for rawLine in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
                let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
                if line.isEmpty || line.hasPrefix("#") { continue }
                guard let eq = line.firstIndex(of: "=") else {
                    throw DecryptionError("invalid dotenv line: missing \"=\"")
                }
                let key = String(line[..<eq])
                let value = String(line[line.index(after: eq)...]).replacingOccurrences(of: "\\n", with: "\n")
                if key.hasPrefix("sops_") {
                    flat[String(key.dropFirst(5))] = .string(value)
                } else {
                    tree[key] = .string(value)
                }
            }
            guard !flat.isEmpty else { throw DecryptionError("not a sops document: no sops_ metadata entries") }
            documents = [.object(tree)]
            metadata = try SOPSMetadata(Flattening.unflatten(flat))
        case .ini:
            let sections = try INI.parse(String(decoding: bytes, as: UTF8.self))
            var tree = JSONObject()
            var sopsSection: JSONObject?
            for (name, entries) in sections {
                if name == "sops" {
                    sopsSection = entries
                } else if !(name == "DEFAULT" && entries.isEmpty) {
                    tree[name] = .object(entries)
                }
            }
            guard let sopsSection else { throw DecryptionError("not a sops document: no [sops] section") }
            documents = [.object(tree)]
            metadata = try SOPSMetadata(Flattening.unflatten(sopsSection))
        }
    }

    /// The plaintext trees written back in the document's format.
    func serialize(_ trees: [JSONValue]) -> [UInt8] {
        switch format {
        case .yaml:
            return Array(YAML.encodeAll(trees).utf8)
        case .json:
            var bytes = JSON.encodeToBytes(trees.first ?? .null, pretty: true)
            bytes.append(UInt8(ascii: "\n"))
            return bytes
        case .binary:
            return Array((trees.first?["data"]?.stringValue ?? "").utf8)
        case .dotenv:
            var out = ""
            for (key, value) in trees.first?.objectValue ?? [:] {
                out += key + "=" + Self.text(value).replacingOccurrences(of: "\n", with: "\\n") + "\n"
            }
            return Array(out.utf8)
        case .ini:
            var out = ""
            for (section, value) in trees.first?.objectValue ?? [:] {
                if !out.isEmpty { out += "\n" }
                out += "[\(section)]\n"
                for (key, entry) in value.objectValue ?? [:] {
                    let text = Self.text(entry)
                    out += text.contains("\n") ? "\(key) = \"\"\"\(text)\"\"\"\n" : "\(key) = \(text)\n"
                }
            }
            return Array(out.utf8)
        }
    }

    private static func text(_ value: JSONValue) -> String {
        value.stringValue ?? String(decoding: ValueBytes.of(value), as: UTF8.self)
    }
}

/// The sops metadata that decryption needs.
struct SOPSMetadata {
    /// Encryption rule: which leaves hold encrypted values.
    struct Rule {
        /// Whether a leaf is encrypted when some key of its path matches (`encrypted_*`) or when none does
        /// (`unencrypted_*`); nil for the comment-regex rules (see ``SOPS``).
        let encryptWhenSomeKeyMatches: Bool?
        /// The per-key test (suffix or regex).
        let keyMatches: (String) -> Bool

        static var byComments: Rule { Rule(encryptWhenSomeKeyMatches: nil, keyMatches: { _ in false }) }
    }

    var keyGroups: [[MasterKeyStanza]]
    var shamirThreshold: Int
    var lastModified: String
    var mac: String
    var macOnlyEncrypted: Bool
    var rule: Rule

    static let listTypes: [(field: String, type: KeyType)] = [
        ("age", .age), ("pgp", .pgp), ("kms", .awsKMS), ("gcp_kms", .gcpKMS), ("azure_kv", .azureKeyVault),
        ("hc_vault", .hashiCorpVault), ("hckms", .huaweiCloudKMS),
    ]

    init(_ sops: JSONObject) throws(DecryptionError) {
        func group(_ object: JSONObject) throws(DecryptionError) -> [MasterKeyStanza] {
            var stanzas: [MasterKeyStanza] = []
            for (field, type) in Self.listTypes {
                guard let list = object[field], !list.isNull else { continue }
                guard let items = list.arrayValue else { throw DecryptionError("sops.\(field) is not a list") }
                for item in items {
                    guard let fields = item.objectValue else { throw DecryptionError("sops.\(field) entries must be maps") }
                    stanzas.append(MasterKeyStanza(type: type, fields: fields))
                }
            }
            return stanzas
        }
        if let groups = sops["key_groups"], !groups.isNull {
            guard let items = groups.arrayValue else { throw DecryptionError("sops.key_groups is not a list") }
            var result: [[MasterKeyStanza]] = []
            for item in items {
                guard let object = item.objectValue else { throw DecryptionError("sops.key_groups entries must be maps") }
                result.append(try group(object))
            }
            keyGroups = result
        } else {
            keyGroups = [try group(sops)]
        }
        let threshold: Int
        switch sops["shamir_threshold"] {
        case nil, .null?: threshold = keyGroups.count
        case .int(let n)?: threshold = Int(clamping: n)
        case .string(let s)?: threshold = Int(s) ?? -1
        default: threshold = -1
        }
        guard threshold >= 1, threshold <= max(keyGroups.count, 1) else {
            throw DecryptionError("sops.shamir_threshold must be between 1 and the number of key groups (\(keyGroups.count))")
        }
        shamirThreshold = threshold
        guard let lastModified = sops["lastmodified"]?.stringValue else {
            throw DecryptionError("sops.lastmodified is missing")
        }
        self.lastModified = lastModified
        mac = sops["mac"]?.stringValue ?? ""
        switch sops["mac_only_encrypted"] {
        case .bool(let b)?: macOnlyEncrypted = b
        case .string(let s)?: macOnlyEncrypted = s == "true" || s == "True"
        default: macOnlyEncrypted = false
        }
        rule = try Self.rule(sops)
    }

    private static func rule(_ sops: JSONObject) throws(DecryptionError) -> Rule {
        func field(_ name: String) -> String? {
            guard let value = sops[name]?.stringValue, !value.isEmpty else { return nil }
            return value
        }
        let names = ["unencrypted_suffix", "encrypted_suffix", "unencrypted_regex", "encrypted_regex",
                     "unencrypted_comment_regex", "encrypted_comment_regex"]
        let present = names.filter { field($0) != nil }
        guard present.count <= 1 else {
            throw DecryptionError("sops metadata sets more than one encryption rule: \(present.joined(separator: ", "))")
        }
        switch present.first {
        case nil:
            return Rule(encryptWhenSomeKeyMatches: false, keyMatches: { $0.hasSuffix("_unencrypted") })
        case "unencrypted_suffix"?:
            let suffix = field("unencrypted_suffix") ?? ""
            return Rule(encryptWhenSomeKeyMatches: false, keyMatches: { $0.hasSuffix(suffix) })
        case "encrypted_suffix"?:
            let suffix = field("encrypted_suffix") ?? ""
            return Rule(encryptWhenSomeKeyMatches: true, keyMatches: { $0.hasSuffix(suffix) })
        case "unencrypted_regex"?, "encrypted_regex"?:
            let name = present[0]
            let pattern = field(name) ?? ""
            let wanted = name == "encrypted_regex"
            if let names = literalAlternation(pattern) {
                // `^(data|stringData)$` and the like: set membership, without compiling a regex per file.
                let set = Set(names)
                return Rule(encryptWhenSomeKeyMatches: wanted, keyMatches: { set.contains($0) })
            }
            let regex: Regex<AnyRegexOutput>
            do {
                regex = try Regex(pattern)
            } catch {
                throw DecryptionError("sops.\(name) is not a valid regular expression")
            }
            return Rule(encryptWhenSomeKeyMatches: wanted, keyMatches: { (try? regex.firstMatch(in: $0)) != nil })
        default:
            return .byComments
        }
    }

    /// The names a pattern of the form `^name$`, `^(a|b|…)$` or `^(?:a|b|…)$` matches exactly, when every
    /// name consists of ASCII letters, digits, `_` and `-` (no regex meaning); nil for any other pattern.
    /// Go's `$` without flags matches only at the end of the text, so a match is string equality.
    static func literalAlternation(_ pattern: String) -> [String]? {
        guard pattern.hasPrefix("^"), pattern.hasSuffix("$"), pattern.count >= 3 else { return nil }
        var body = pattern.dropFirst().dropLast()
        var grouped = true
        if body.hasPrefix("(?:"), body.hasSuffix(")") {
            body = body.dropFirst(3).dropLast()
        } else if body.hasPrefix("("), body.hasSuffix(")") {
            body = body.dropFirst().dropLast()
        } else {
            grouped = false
        }
        let names = body.split(separator: "|", omittingEmptySubsequences: false)
        // `^a|b$` is `(^a)|(b$)`: alternation only inside the group.
        guard grouped || names.count == 1 else { return nil }
        for name in names {
            guard !name.isEmpty,
                name.utf8.allSatisfy({ byte in
                    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                })
            else { return nil }
        }
        return names.map(String.init)
    }
}

/// sops' flattening of metadata for dotenv and INI (`pgp__list_0__map_fp`).
enum Flattening {
    static func unflatten(_ flat: JSONObject) throws(DecryptionError) -> JSONObject {
        var root = JSONValue.object([:])
        for key in flat.keys.sorted() {
            guard let value = flat[key] else { continue }
            var components: [PathComponent] = []
            var rest = Substring(key)
            guard let first = rest.range(of: "__") else {
                root[key] = value
                continue
            }
            components.append(.key(String(rest[..<first.lowerBound])))
            rest = rest[first.lowerBound...]
            while !rest.isEmpty {
                if rest.hasPrefix("__list_") {
                    rest = rest.dropFirst(7)
                    let digits = rest.prefix { $0.isASCII && $0.isNumber }
                    guard let index = Int(digits), index < 10_000 else {
                        throw DecryptionError("invalid flattened sops metadata key \"\(key)\"")
                    }
                    components.append(.index(index))
                    rest = rest.dropFirst(digits.count)
                } else if rest.hasPrefix("__map_") {
                    rest = rest.dropFirst(6)
                    let end = rest.range(of: "__")?.lowerBound ?? rest.endIndex
                    components.append(.key(String(rest[..<end])))
                    rest = rest[end...]
                } else {
                    throw DecryptionError("invalid flattened sops metadata key \"\(key)\"")
                }
            }
            try set(&root, components[...], value, key: key)
        }
        return root.objectValue ?? [:]
    }

    enum PathComponent {
        case key(String)
        case index(Int)
    }

    private static func set(
        _ node: inout JSONValue, _ path: ArraySlice<PathComponent>, _ value: JSONValue, key: String
    ) throws(DecryptionError) {
        guard let head = path.first else {
            node = value
            return
        }
        switch head {
        case .key(let name):
            if node.isNull { node = .object([:]) }
            guard case .object(var object) = node else { throw DecryptionError("conflicting flattened sops metadata key \"\(key)\"") }
            var child = object[name] ?? .null
            try set(&child, path.dropFirst(), value, key: key)
            object[name] = child
            node = .object(object)
        case .index(let index):
            if node.isNull { node = .array([]) }
            guard case .array(var items) = node else { throw DecryptionError("conflicting flattened sops metadata key \"\(key)\"") }
            while items.count <= index { items.append(.null) }
            var child = items[index]
            try set(&child, path.dropFirst(), value, key: key)
            items[index] = child
            node = .array(items)
        }
    }
}

/// The INI subset go-ini writes for sops: `[section]`, `key = value`, `;`/`#` comments, `"""` multi-line values.
enum INI {
    static func parse(_ text: String) throws(DecryptionError) -> [(String, JSONObject)] {
        var sections: [(String, JSONObject)] = [("DEFAULT", [:])]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        var index = 0
        while index < lines.count {
            let line = lines[index].trimmingCharacters(in: .whitespaces)
            index += 1
            if line.isEmpty || line.hasPrefix(";") || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw DecryptionError("invalid INI section header") }
                let name = String(line.dropFirst().dropLast())
                if sections.contains(where: { $0.0 == name }), name != "DEFAULT" {
                    throw DecryptionError("duplicate INI section [\(name)]")
                } else if name != "DEFAULT" {
                    sections.append((name, [:]))
                }
                continue
            }
            guard let eq = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw DecryptionError("invalid INI line: missing \"=\"")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\"\"\"") {
                value.removeFirst(3)
                var collected = value
                while !collected.hasSuffix("\"\"\"") {
                    guard index < lines.count else { throw DecryptionError("unterminated INI \"\"\" value") }
                    collected += "\n" + lines[index]
                    index += 1
                }
                value = String(collected.dropLast(3))
            } else if value.count >= 2, let quote = value.first, quote == "\"" || quote == "`", value.last == quote {
                value = String(value.dropFirst().dropLast())
            }
            let unescaped = value.replacingOccurrences(of: "\\n", with: "\n")
            sections[sections.count - 1].1[key] = .string(unescaped)
        }
        return sections
    }
}

extension KeyType {
    /// `age` X25519 recipients.
    public static let age: KeyType = "age"
    /// OpenPGP keys (sops `pgp`; the decryptor is in `StageSetDecryptorPGP`).
    public static let pgp: KeyType = "pgp"
    /// AWS KMS keys (sops `kms`).
    public static let awsKMS: KeyType = "aws_kms"
    /// Google Cloud KMS keys (sops `gcp_kms`).
    public static let gcpKMS: KeyType = "gcp_kms"
    /// Azure Key Vault keys (sops `azure_kv`).
    public static let azureKeyVault: KeyType = "azure_kv"
    /// HashiCorp Vault transit keys (sops `hc_vault`).
    public static let hashiCorpVault: KeyType = "hc_vault"
    /// HuaweiCloud KMS keys (sops `hckms`).
    public static let huaweiCloudKMS: KeyType = "hckms"
}
