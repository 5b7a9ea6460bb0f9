import Foundation
import KubeModel

/// A kustomize patch target: group, version, kind (exact), name and namespace (anchored regular
/// expressions), and label and annotation selectors.
struct Selector: @unchecked Sendable {
    var group: String?
    var version: String?
    var kind: String?
    var name: NSRegularExpression?
    var namespace: NSRegularExpression?
    var labelSelector: SelectorExpression?
    var annotationSelector: SelectorExpression?

    init(
        group: String?, version: String?, kind: String?, name: String?, namespace: String?,
        labelSelector: String?, annotationSelector: String?, field: String, file: String?
    ) throws(RenderError) {
        func nonEmpty(_ text: String?) -> String? { text.flatMap { $0.isEmpty ? nil : $0 } }
        self.group = nonEmpty(group)
        self.version = nonEmpty(version)
        self.kind = nonEmpty(kind)
        func regex(_ text: String?, _ key: String) throws(RenderError) -> NSRegularExpression? {
            guard let text = nonEmpty(text) else { return nil }
            do {
                return try NSRegularExpression(pattern: "^(?:\(text))$")
            } catch {
                throw RenderError(file: file, field: "\(field).\(key)", "invalid regular expression \(text)")
            }
        }
        self.name = try regex(name, "name")
        self.namespace = try regex(namespace, "namespace")
        if let text = nonEmpty(labelSelector) {
            self.labelSelector = try SelectorExpression(parsing: text, field: "\(field).labelSelector", file: file)
        }
        if let text = nonEmpty(annotationSelector) {
            self.annotationSelector = try SelectorExpression(parsing: text, field: "\(field).annotationSelector", file: file)
        }
    }

    /// Parses a `target:` mapping of a kustomization.
    init(_ value: JSONValue, field: String, file: String) throws(RenderError) {
        guard case .object(let object) = value else {
            throw RenderError(file: file, field: field, "must be a mapping")
        }
        let allowed: Set<String> = ["group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"]
        for key in object.keys where !allowed.contains(key) {
            throw RenderError(file: file, field: "\(field).\(key)", "unknown field")
        }
        func text(_ key: String) throws(RenderError) -> String? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let text = value.stringValue else {
                throw RenderError(file: file, field: "\(field).\(key)", "must be a string")
            }
            return text
        }
        try self.init(
            group: text("group"), version: text("version"), kind: text("kind"), name: text("name"),
            namespace: text("namespace"), labelSelector: text("labelSelector"),
            annotationSelector: text("annotationSelector"), field: field, file: file)
    }

    /// Whether `resource` is selected; names and namespaces match the original or the current value.
    func matches(_ resource: Resource) -> Bool {
        let gvk = resource.gvk
        if let group, group != gvk.group { return false }
        if let version, version != gvk.version { return false }
        if let kind, kind != gvk.kind { return false }
        if let namespace {
            let original = resource.originalNamespace.isEmpty ? "default" : resource.originalNamespace
            let current = resource.namespace.isEmpty ? "default" : resource.namespace
            if !Self.full(namespace, original) && !Self.full(namespace, current) { return false }
        }
        if let name {
            if !Self.full(name, resource.originalName) && !Self.full(name, resource.name) { return false }
        }
        if let labelSelector, !labelSelector.matches(resource.stringMap("labels")) { return false }
        if let annotationSelector, !annotationSelector.matches(resource.stringMap("annotations")) { return false }
        return true
    }

    private static func full(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// A label selector in its string form (`app=web,tier!=db,env in (a,b),!legacy,release`).
struct SelectorExpression: Sendable {
    enum Requirement: Sendable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case notExists(String)
    }

    var requirements: [Requirement]

    init(parsing text: String, field: String, file: String?) throws(RenderError) {
        func bad(_ why: String) -> RenderError {
            RenderError(file: file, field: field, "invalid selector \"\(text)\": \(why)")
        }
        var requirements: [Requirement] = []
        // Split on commas outside parentheses.
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == "," && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        for raw in parts {
            let part = raw.trimmingCharacters(in: .whitespaces)
            guard !part.isEmpty else { throw bad("empty requirement") }
            if part.hasPrefix("!") {
                let key = part.dropFirst().trimmingCharacters(in: .whitespaces)
                guard !key.isEmpty else { throw bad("missing key after !") }
                requirements.append(.notExists(key))
            } else if let range = part.range(of: "!=") {
                requirements.append(
                    .notEquals(
                        part[..<range.lowerBound].trimmingCharacters(in: .whitespaces),
                        part[range.upperBound...].trimmingCharacters(in: .whitespaces)))
            } else if let range = part.range(of: "==") ?? part.range(of: "=") {
                requirements.append(
                    .equals(
                        part[..<range.lowerBound].trimmingCharacters(in: .whitespaces),
                        part[range.upperBound...].trimmingCharacters(in: .whitespaces)))
            } else if let open = part.firstIndex(of: "("), part.hasSuffix(")") {
                let head = part[..<open].split(separator: " ", omittingEmptySubsequences: true)
                guard head.count == 2 else { throw bad("expected KEY in (…) or KEY notin (…)") }
                let values = Set(
                    part[part.index(after: open)..<part.index(before: part.endIndex)]
                        .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                switch head[1] {
                case "in": requirements.append(.isIn(String(head[0]), values))
                case "notin": requirements.append(.notIn(String(head[0]), values))
                default: throw bad("unknown operator \(head[1])")
                }
            } else if !part.contains(" ") {
                requirements.append(.exists(part))
            } else {
                throw bad("cannot parse \"\(part)\"")
            }
        }
        self.requirements = requirements
    }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .isIn(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): labels[key].map { !values.contains($0) } ?? true
            case .exists(let key): labels[key] != nil
            case .notExists(let key): labels[key] == nil
            }
        }
    }
}
