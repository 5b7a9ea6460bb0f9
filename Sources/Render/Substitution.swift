public import KubeModel
public import StageSetAPI
import YAML

/// Where `postBuild.substituteFrom` values come from: the controller reads ConfigMaps and
/// Secrets as the tenant; tests and offline tools supply their own.
public protocol SubstitutionSource: Sendable {
    /// The data of the named ConfigMap or Secret (Secret values decoded). When the object does not
    /// exist and `optional` is true, return an empty map; otherwise throw.
    func values(kind: SubstituteKind, name: String, optional: Bool) async throws -> [String: String]
}

/// Flux's post-build variable substitution (kustomize-controller `postBuild`): bash-style
/// `${var}` expressions in every string of every object, with Flux's envsubst fork semantics.
///
/// - `${var}` is the value (empty when unset, an error in strict mode);
/// - `${var:=default}`, `${var:-default}`, `${var=default}` (and `:+`, `:?`) give `default` when
///   the value is empty or unset, and never fail in strict mode;
/// - `$$` is a literal `$`, so `$${var}` stays `${var}`;
/// - also `${#var}`, `${var^}`, `${var^^}`, `${var,}`, `${var,,}`, `${var:offset:length}`,
///   `${var/from/to}`, `${var//from/to}`, `${var#glob}`, `${var%glob}` and their `##`/`%%` forms;
/// - objects labelled or annotated `kustomize.toolkit.fluxcd.io/substitute: disabled` are skipped.
///
/// Flux substitutes the YAML text, so a plain (unquoted) scalar that becomes `3` or `true` is read
/// back as a number or boolean; quoted scalars stay strings. The same happens here for strings
/// that appeared as plain scalars in the input files.
public enum Substitution {
    /// The label or annotation that turns substitution off for one object.
    public static let disableKey = "kustomize.toolkit.fluxcd.io/substitute"

    /// Variable names must match `^[_[:alpha:]][_[:alpha:][:digit:]]*$` (ASCII).
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isAlpha(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isAlpha($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    private static func isAlpha(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }

    /// The variables of `postBuild`: `substituteFrom` in order (later wins), then `substitute` over
    /// them; newlines are removed from values, as Flux does.
    public static func variables(for postBuild: PostBuild?, source: (any SubstitutionSource)?) async throws -> [String: String] {
        guard let postBuild else { return [:] }
        var variables: [String: String] = [:]
        for (index, reference) in (postBuild.substituteFrom ?? []).enumerated() {
            let optional = reference.optional ?? false
            guard let source else {
                if optional { continue }
                throw RenderError(
                    field: "postBuild.substituteFrom[\(index)]",
                    "substitute from '\(reference.kind.rawValue)/\(reference.name)' needs the cluster; it is not available offline")
            }
            let values: [String: String]
            do {
                values = try await source.values(kind: reference.kind, name: reference.name, optional: optional)
            } catch {
                throw RenderError(
                    field: "postBuild.substituteFrom[\(index)]",
                    "substitute from '\(reference.kind.rawValue)/\(reference.name)' error: \(error)")
            }
            for (key, value) in values { variables[key] = value.replacingOccurrences(of: "\n", with: "") }
        }
        for (key, value) in postBuild.substitute ?? [:] {
            variables[key] = value.replacingOccurrences(of: "\n", with: "")
        }
        return variables
    }

    /// Substitutes `variables` into every object not marked disabled. Nothing happens when
    /// `variables` is empty (as in Flux). `plainTemplates` are texts that were plain YAML scalars.
    public static func apply(
        to objects: [JSONValue], variables: [String: String], strict: Bool = false, plainTemplates: Set<String> = []
    ) throws(RenderError) -> [JSONValue] {
        guard !variables.isEmpty else { return objects }
        for name in variables.keys.sorted() where !isValidName(name) {
            throw RenderError(
                field: "postBuild", "'\(name)' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'")
        }
        let expander = Expander(variables: variables, strict: strict)
        var result: [JSONValue] = []
        result.reserveCapacity(objects.count)
        for object in objects {
            let metadata = object["metadata"]
            if metadata?["labels"]?[disableKey]?.stringValue == "disabled"
                || metadata?["annotations"]?[disableKey]?.stringValue == "disabled"
            {
                result.append(object)
                continue
            }
            do {
                result.append(try substitute(object, expander, plainTemplates))
            } catch let error {
                let kind = object["kind"]?.stringValue ?? "object"
                let name = metadata?["name"]?.stringValue ?? ""
                throw RenderError(field: "postBuild", "variable substitution failed in \(kind) \(name): \(error.message)")
            }
        }
        return result
    }

    private static func substitute(_ value: JSONValue, _ expander: Expander, _ plain: Set<String>) throws(RenderError) -> JSONValue {
        switch value {
        case .string(let text):
            guard text.utf8.contains(UInt8(ascii: "$")) else { return value }
            let expanded = try expander.expand(text)
            if expanded == text { return value }
            if plain.contains(text) { return retype(expanded) }
            return .string(expanded)
        case .array(let items):
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try substitute(item, expander, plain)) }
            return .array(out)
        case .object(let object):
            var out = JSONObject()
            out.reserveCapacity(object.count)
            for (key, member) in object {
                let newKey = key.utf8.contains(UInt8(ascii: "$")) ? try expander.expand(key) : key
                out[newKey] = try substitute(member, expander, plain)
            }
            return .object(out)
        default:
            return value
        }
    }

    /// What YAML makes of `text` as a plain scalar: numbers, booleans and null are re-typed.
    static func retype(_ text: String) -> JSONValue {
        if text.isEmpty { return .null }
        guard !text.contains("\n"), let value = try? YAML.decode(text) else { return .string(text) }
        switch value {
        case .int, .double, .bool, .null: return value
        default: return .string(text)
        }
    }
}

/// The `${…}` expression language of Flux's envsubst fork.
struct Expander {
    let variables: [String: String]
    let strict: Bool

    func expand(_ text: String) throws(RenderError) -> String {
        var parser = Parser(scalars: Array(text.unicodeScalars), expander: self)
        return try parser.top()
    }

    func lookup(_ name: String, op: String) throws(RenderError) -> String {
        if let value = variables[name] { return value }
        let defaultOps: Set<String> = ["-", "+", "=", "?", ":-", ":+", ":=", ":?"]
        if strict && !defaultOps.contains(op) {
            throw RenderError("variable not set (strict mode): \"\(name)\"")
        }
        return ""
    }

    struct Parser {
        var scalars: [Unicode.Scalar]
        var position = 0
        var depth = 0
        let expander: Expander

        init(scalars: [Unicode.Scalar], expander: Expander) {
            self.scalars = scalars
            self.expander = expander
        }

        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            position + offset < scalars.count ? scalars[position + offset] : nil
        }

        static func isIdent(_ scalar: Unicode.Scalar) -> Bool {
            scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
        }

        mutating func top() throws(RenderError) -> String {
            var out = String.UnicodeScalarView()
            while let scalar = peek() {
                if scalar == "$" && peek(1) == "{" {
                    position += 2
                    out.append(contentsOf: try function().unicodeScalars)
                } else if scalar == "$" && peek(1) == "$" {
                    out.append("$")
                    position += 2
                } else {
                    out.append(scalar)
                    position += 1
                }
            }
            return String(out)
        }

        /// Text up to (not including) a `}` or the start of a nested `${`, stopping also at `stop`.
        mutating func argument(stop: Set<Unicode.Scalar> = []) throws(RenderError) -> String {
            var out = String.UnicodeScalarView()
            while let scalar = peek(), scalar != "}", !stop.contains(scalar) {
                if scalar == "$" && peek(1) == "{" {
                    position += 2
                    out.append(contentsOf: try function().unicodeScalars)
                    continue
                }
                out.append(scalar)
                position += 1
            }
            return String(out)
        }

        mutating func close() throws(RenderError) {
            guard peek() == "}" else { throw RenderError("bad substitution") }
            position += 1
        }

        mutating func function() throws(RenderError) -> String {
            depth += 1
            defer { depth -= 1 }
            guard depth <= 64 else { throw RenderError("substitutions nested more than 64 deep") }
            if peek() == "#" {
                position += 1
                let name = identifier()
                guard !name.isEmpty else { throw RenderError("bad substitution") }
                try close()
                return String(try expander.lookup(name, op: "#").utf8.count)
            }
            let name = identifier()
            guard !name.isEmpty else { throw RenderError("unable to parse variable name") }
            switch peek() {
            case "}":
                position += 1
                return try expander.lookup(name, op: "")
            case ":":
                if let next = peek(1), "=-?+".unicodeScalars.contains(next) {
                    position += 2
                    return try defaulted(name, op: ":" + String(next))
                }
                position += 1
                let offset = try argument(stop: [":"])
                var length: String?
                if peek() == ":" {
                    position += 1
                    length = try argument()
                }
                try close()
                return Self.substring(try expander.lookup(name, op: ":"), offset, length)
            case "=":
                position += 1
                return try defaulted(name, op: "=")
            case ",", "^":
                var op = ""
                while let scalar = peek(), scalar == "," || scalar == "^", op.unicodeScalars.count < 2 {
                    op.unicodeScalars.append(scalar)
                    position += 1
                }
                try close()
                let value = try expander.lookup(name, op: op)
                switch op {
                case ",": return value.prefix(1).lowercased() + value.dropFirst()
                case ",,": return value.lowercased()
                case "^": return value.prefix(1).uppercased() + value.dropFirst()
                case "^^": return value.uppercased()
                default: throw RenderError("bad substitution")
                }
            case "/":
                position += 1
                var mode = "/"
                if let next = peek(), next == "/" || next == "#" || next == "%" {
                    mode += String(next)
                    position += 1
                }
                let pattern = try argument(stop: ["/"])
                var replacement = ""
                if peek() == "/" {
                    position += 1
                    replacement = try argument()
                }
                try close()
                let value = try expander.lookup(name, op: mode)
                switch mode {
                case "//": return pattern.isEmpty ? value : value.replacingOccurrences(of: pattern, with: replacement)
                case "/#": return value.hasPrefix(pattern) ? replacement + value.dropFirst(pattern.count) : value
                case "/%": return value.hasSuffix(pattern) ? value.dropLast(pattern.count) + replacement : value
                default:
                    guard !pattern.isEmpty, let range = value.range(of: pattern) else { return value }
                    return value.replacingCharacters(in: range, with: replacement)
                }
            case "#", "%":
                let symbol = peek() ?? "#"
                var op = ""
                while peek() == symbol, op.unicodeScalars.count < 2 {
                    op.unicodeScalars.append(symbol)
                    position += 1
                }
                let pattern = try argument()
                try close()
                return Self.trim(try expander.lookup(name, op: op), pattern: pattern, op: op)
            default:
                throw RenderError("missing closing brace")
            }
        }

        mutating func identifier() -> String {
            var name = String.UnicodeScalarView()
            while let scalar = peek(), Self.isIdent(scalar) {
                name.append(scalar)
                position += 1
            }
            return String(name)
        }

        mutating func defaulted(_ name: String, op: String) throws(RenderError) -> String {
            var parts = ""
            while peek() != nil && peek() != "}" {
                parts += try argument()
            }
            try close()
            let value = try expander.lookup(name, op: op)
            return value.isEmpty ? parts : value
        }

        static func substring(_ value: String, _ offsetText: String, _ lengthText: String?) -> String {
            let bytes = Array(value.utf8)
            guard var start = Int(offsetText.trimmingPrefixSpaces()) else { return value }
            if start < 0 { start = max(0, bytes.count + start) }
            guard let lengthText else {
                return start < bytes.count ? String(decoding: bytes[start...], as: UTF8.self) : ""
            }
            guard let length = Int(lengthText) else { return value }
            if length < 0 {
                let end = bytes.count + length
                guard end >= start, start <= bytes.count else { return "" }
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
            if start + length >= bytes.count {
                return start < bytes.count ? String(decoding: bytes[start...], as: UTF8.self) : ""
            }
            return String(decoding: bytes[start..<(start + length)], as: UTF8.self)
        }

        static func trim(_ value: String, pattern: String, op: String) -> String {
            let characters = Array(value)
            let count = characters.count
            switch op {
            case "#", "##":
                let lengths = op == "#" ? Array(0...count) : Array((0...count).reversed())
                for length in lengths where length > 0 && glob(pattern, String(characters[0..<length])) {
                    return String(characters[length...])
                }
            case "%", "%%":
                let starts = op == "%" ? Array((0...count).reversed()) : Array(0...count)
                for start in starts where start < count && glob(pattern, String(characters[start...])) {
                    return String(characters[..<start])
                }
            default: break
            }
            return value
        }

        /// Shell glob with `*` and `?`.
        static func glob(_ pattern: String, _ text: String) -> Bool {
            let p = Array(pattern)
            let t = Array(text)
            var memo: [Int: Bool] = [:]
            func match(_ i: Int, _ j: Int) -> Bool {
                let key = i * (t.count + 1) + j
                if let known = memo[key] { return known }
                let result: Bool
                if i == p.count {
                    result = j == t.count
                } else if p[i] == "*" {
                    result = match(i + 1, j) || (j < t.count && match(i, j + 1))
                } else if j < t.count && (p[i] == "?" || p[i] == t[j]) {
                    result = match(i + 1, j + 1)
                } else {
                    result = false
                }
                memo[key] = result
                return result
            }
            return match(0, 0)
        }
    }
}

extension String {
    fileprivate func trimmingPrefixSpaces() -> String { String(drop(while: { $0 == " " })) }
}

/// Collects the texts of plain (unquoted, single-line) YAML scalars holding `${`, so substitution
/// can re-type them as Flux's text substitution does.
enum PlainTemplates {
    static func collect(from text: String, into set: inout Set<String>) {
        collect(from: Array(text.utf8), into: &set)
    }

    static func collect(from bytes: [UInt8], into set: inout Set<String>) {
        guard hasTemplate(bytes) else { return }
        for rawLine in bytes.split(separator: UInt8(ascii: "\n")) where hasTemplate(rawLine) {
            var line = String(decoding: rawLine, as: UTF8.self)[...]
            line = line.drop(while: { $0 == " " || $0 == "\t" })
            while line.hasPrefix("- ") { line = line.dropFirst(2).drop(while: { $0 == " " }) }
            if let colon = line.range(of: ": ") {
                line = line[colon.upperBound...].drop(while: { $0 == " " })
            }
            guard let first = line.first, !"\"'|>{[&*!".contains(first) else { continue }
            if let comment = line.range(of: " #") { line = line[..<comment.lowerBound] }
            var value = String(line)
            while value.hasSuffix(" ") || value.hasSuffix("\r") || value.hasSuffix("\t") { value.removeLast() }
            if hasTemplate(value.utf8) { set.insert(value) }
        }
    }

    /// Whether the bytes contain `${`.
    static func hasTemplate(_ bytes: some Collection<UInt8>) -> Bool {
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == UInt8(ascii: "{") && previous == UInt8(ascii: "$") { return true }
            previous = byte
        }
        return false
    }
}
