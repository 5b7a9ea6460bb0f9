/// Why a selector or label is invalid; the message is apimachinery's.
public struct SelectorError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

// MARK: - metav1.LabelSelector

/// A `metav1.LabelSelector`, the JSON shape used in specs:
/// `{"matchLabels": {...}, "matchExpressions": [{"key", "operator", "values"}]}`.
///
/// An empty selector selects everything; a missing (`nil`) one selects nothing — see
/// ``Labels/Selector/init(_:)``. Conversion validates as `metav1.LabelSelectorAsSelector` does.
public struct LabelSelector: Hashable, Sendable, Codable {
    public var matchLabels: [String: String]
    public var matchExpressions: [Requirement]

    public init(matchLabels: [String: String] = [:], matchExpressions: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// A `metav1.LabelSelectorRequirement`.
    public struct Requirement: Hashable, Sendable, Codable {
        public var key: String
        public var `operator`: Operator
        public var values: [String]

        public init(key: String, operator: Operator, values: [String] = []) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }

        private enum CodingKeys: String, CodingKey { case key, `operator`, values }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            key = try container.decodeIfPresent(String.self, forKey: .key) ?? ""
            `operator` = try container.decodeIfPresent(Operator.self, forKey: .operator) ?? Operator(rawValue: "")
            values = try container.decodeIfPresent([String].self, forKey: .values) ?? []
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key, forKey: .key)
            try container.encode(`operator`, forKey: .operator)
            if !values.isEmpty { try container.encode(values, forKey: .values) }
        }
    }

    /// A `metav1.LabelSelectorOperator`. Any string decodes; only the four named ones are valid.
    public struct Operator: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
        public static let `in` = Operator(rawValue: "In")
        public static let notIn = Operator(rawValue: "NotIn")
        public static let exists = Operator(rawValue: "Exists")
        public static let doesNotExist = Operator(rawValue: "DoesNotExist")
        public var description: String { rawValue }
    }

    private enum CodingKeys: String, CodingKey { case matchLabels, matchExpressions }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        matchLabels = try container.decodeIfPresent([String: String].self, forKey: .matchLabels) ?? [:]
        matchExpressions = try container.decodeIfPresent([Requirement].self, forKey: .matchExpressions) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !matchLabels.isEmpty { try container.encode(matchLabels, forKey: .matchLabels) }
        if !matchExpressions.isEmpty { try container.encode(matchExpressions, forKey: .matchExpressions) }
    }

    /// A selector read from its JSON form, or `nil` when `json` is not an object.
    /// Non-string label values and malformed expressions are skipped.
    public init?(json: JSONValue) {
        guard case .object(let object) = json else { return nil }
        var labels: [String: String] = [:]
        for (key, value) in object["matchLabels"]?.objectValue ?? [:] {
            if let text = value.stringValue { labels[key] = text }
        }
        var expressions: [Requirement] = []
        for entry in object["matchExpressions"]?.arrayValue ?? [] {
            guard case .object = entry else { continue }
            expressions.append(
                Requirement(
                    key: entry["key"]?.stringValue ?? "",
                    operator: Operator(rawValue: entry["operator"]?.stringValue ?? ""),
                    values: entry["values"]?.arrayValue?.compactMap(\.stringValue) ?? []))
        }
        self.init(matchLabels: labels, matchExpressions: expressions)
    }

    /// The JSON form (empty fields omitted, label keys sorted).
    public var json: JSONValue {
        var object = JSONObject()
        if !matchLabels.isEmpty {
            var labels = JSONObject()
            for key in matchLabels.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                labels[key] = matchLabels[key].map { .string($0) }
            }
            object["matchLabels"] = .object(labels)
        }
        if !matchExpressions.isEmpty {
            object["matchExpressions"] = .array(
                matchExpressions.map { requirement in
                    var entry: JSONObject = [
                        "key": .string(requirement.key), "operator": .string(requirement.operator.rawValue),
                    ]
                    if !requirement.values.isEmpty { entry["values"] = .array(requirement.values.map { .string($0) }) }
                    return .object(entry)
                })
        }
        return .object(object)
    }

    /// The validated selector (`metav1.LabelSelectorAsSelector`).
    public func selector() throws(SelectorError) -> Labels.Selector {
        try Labels.Selector(self)
    }

    /// Whether `labels` satisfy this selector; throws when the selector is invalid.
    public func matches(_ labels: [String: String]) throws(SelectorError) -> Bool {
        try selector().matches(labels)
    }
}

// MARK: - labels.Selector

/// apimachinery's `labels` package: parsed label selectors, requirements, and label validation.
public enum Labels {
    /// A requirement operator (`selection.Operator`), with its raw text as apimachinery spells it.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case `in` = "in"
        case notIn = "notin"
        case equals = "="
        case doubleEquals = "=="
        case notEquals = "!="
        case exists = "exists"
        case doesNotExist = "!"
        case greaterThan = "gt"
        case lessThan = "lt"
    }

    /// One `key operator values` term (apimachinery's `labels.Requirement`).
    public struct Requirement: Hashable, Sendable, CustomStringConvertible {
        public let key: String
        public let `operator`: Operator
        /// The values in the order given (parsed selectors hold them sorted and unique).
        public let values: [String]

        /// A validated requirement, with the checks and messages of `labels.NewRequirement`.
        public init(key: String, operator op: Operator, values: [String] = []) throws(SelectorError) {
            try self.init(key: key, operator: op, values: values, path: nil)
        }

        init(key: String, operator op: Operator, values: [String], path: String?) throws(SelectorError) {
            func child(_ name: String) -> String { path.map { "\($0).\(name)" } ?? name }
            var errors: [String] = []
            let keyMessages = Labels.validateQualifiedName(key)
            if !keyMessages.isEmpty {
                errors.append(Labels.invalid(child("key"), goQuote(key), keyMessages.joined(separator: "; ")))
            }
            let valuesPath = child("values")
            switch op {
            case .in, .notIn:
                if values.isEmpty {
                    errors.append(
                        Labels.invalid(
                            valuesPath, Labels.goStringSlice(values), "for 'in', 'notin' operators, values set can't be empty"))
                }
            case .equals, .doubleEquals, .notEquals:
                if values.count != 1 {
                    errors.append(
                        Labels.invalid(
                            valuesPath, Labels.goStringSlice(values), "exact-match compatibility requires one single value"))
                }
            case .exists, .doesNotExist:
                if !values.isEmpty {
                    errors.append(
                        Labels.invalid(
                            valuesPath, Labels.goStringSlice(values), "values set must be empty for exists and does not exist"))
                }
            case .greaterThan, .lessThan:
                if values.count != 1 {
                    errors.append(
                        Labels.invalid(
                            valuesPath, Labels.goStringSlice(values), "for 'Gt', 'Lt' operators, exactly one value is required"))
                }
                for (i, value) in values.enumerated() where Labels.parseInt64(value) == nil {
                    errors.append(
                        Labels.invalid(
                            "\(valuesPath)[\(i)]", goQuote(value), "for 'Gt', 'Lt' operators, the value must be an integer"))
                }
            }
            for (i, value) in values.enumerated() {
                let messages = Labels.validateLabelValue(value)
                if !messages.isEmpty {
                    errors.append(
                        Labels.invalid("\(valuesPath)[\(i)][\(key)]", goQuote(value), messages.joined(separator: "; ")))
                }
            }
            if let error = Labels.aggregate(errors) { throw error }
            self.key = key
            self.operator = op
            self.values = values
        }

        /// Whether `labels` satisfy the requirement (`Requirement.Matches`).
        public func matches(_ labels: [String: String]) -> Bool {
            switch `operator` {
            case .in, .equals, .doubleEquals:
                guard let value = labels[key] else { return false }
                return values.contains(value)
            case .notIn, .notEquals:
                guard let value = labels[key] else { return true }
                return !values.contains(value)
            case .exists:
                return labels[key] != nil
            case .doesNotExist:
                return labels[key] == nil
            case .greaterThan, .lessThan:
                guard let text = labels[key], let actual = Labels.parseInt64(text), values.count == 1,
                    let bound = Labels.parseInt64(values[0])
                else { return false }
                return `operator` == .greaterThan ? actual > bound : actual < bound
            }
        }

        /// The selector text of the requirement (`Requirement.String`); several values are printed sorted.
        public var description: String {
            var text = `operator` == .doesNotExist ? "!" + key : key
            switch `operator` {
            case .exists, .doesNotExist: return text
            case .equals: text += "="
            case .doubleEquals: text += "=="
            case .notEquals: text += "!="
            case .in: text += " in ("
            case .notIn: text += " notin ("
            case .greaterThan: text += ">"
            case .lessThan: text += "<"
            }
            text += values.count == 1 ? values[0] : Labels.sortedBytewise(values).joined(separator: ",")
            if `operator` == .in || `operator` == .notIn { text += ")" }
            return text
        }
    }

    /// A parsed, validated label selector (apimachinery's `labels.Selector`): requirements sorted by key,
    /// all of which must match. ``everything`` matches all label sets, ``nothing`` none.
    public struct Selector: Hashable, Sendable, CustomStringConvertible {
        /// The requirements, stably sorted by key.
        public let requirements: [Requirement]
        private let selectsNothing: Bool

        /// The selector that matches every label set (the empty selector).
        public static let everything = Selector(requirements: [], selectsNothing: false)
        /// The selector that matches no label set (what a missing `LabelSelector` converts to).
        public static let nothing = Selector(requirements: [], selectsNothing: true)

        private init(requirements: [Requirement], selectsNothing: Bool) {
            self.requirements = requirements
            self.selectsNothing = selectsNothing
        }

        /// A selector of the given requirements, sorted by key.
        public init(_ requirements: [Requirement]) {
            self.init(requirements: Labels.sortedByKey(requirements), selectsNothing: false)
        }

        /// A selector matching exactly `set`, without validation (`labels.SelectorFromSet`).
        public init(matching set: [String: String]) {
            let requirements = set.map { Requirement(unchecked: $0.key, .equals, [$0.value]) }
            self.init(requirements)
        }

        /// A selector matching exactly `set`, validating keys and values (`labels.ValidatedSelectorFromSet`).
        public init(validating set: [String: String]) throws(SelectorError) {
            var requirements: [Requirement] = []
            for key in set.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                requirements.append(try Requirement(key: key, operator: .equals, values: [set[key] ?? ""]))
            }
            self.init(requirements)
        }

        /// Converts a `metav1.LabelSelector` as `metav1.LabelSelectorAsSelector` does: `nil` selects
        /// nothing, an empty selector everything, otherwise its validated requirements.
        public init(_ labelSelector: LabelSelector?) throws(SelectorError) {
            guard let labelSelector else {
                self = .nothing
                return
            }
            if labelSelector.matchLabels.isEmpty && labelSelector.matchExpressions.isEmpty {
                self = .everything
                return
            }
            var requirements: [Requirement] = []
            for key in labelSelector.matchLabels.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                requirements.append(
                    try Requirement(key: key, operator: .equals, values: [labelSelector.matchLabels[key] ?? ""]))
            }
            for expression in labelSelector.matchExpressions {
                let op: Operator
                switch expression.operator {
                case .in: op = .in
                case .notIn: op = .notIn
                case .exists: op = .exists
                case .doesNotExist: op = .doesNotExist
                default:
                    throw SelectorError(
                        description: "\(goQuote(expression.operator.rawValue)) is not a valid label selector operator")
                }
                requirements.append(try Requirement(key: expression.key, operator: op, values: expression.values))
            }
            self.init(requirements)
        }

        /// Parses the selector text syntax as `labels.Parse` does, for example
        /// `env in (prod,stage),tier!=db,!canary,release,replicas>2`.
        public init(parsing text: String) throws(SelectorError) {
            var parser = SelectorParser(text)
            self.init(try parser.parse())
        }

        /// A copy with more requirements (`Selector.Add`).
        public func adding(_ more: Requirement...) -> Selector {
            selectsNothing ? self : Selector(requirements + more)
        }

        /// Whether all requirements match `labels`.
        public func matches(_ labels: [String: String]) -> Bool {
            !selectsNothing && requirements.allSatisfy { $0.matches(labels) }
        }

        /// Whether the selector places no restriction (Go's `Empty()`; ``nothing`` is not empty).
        public var isEmpty: Bool { !selectsNothing && requirements.isEmpty }

        /// The value `label` must have when the selector demands one exactly (`RequiresExactMatch`).
        public func requiredValue(for label: String) -> String? {
            guard let requirement = requirements.first(where: { $0.key == label }) else { return nil }
            switch requirement.operator {
            case .equals, .doubleEquals, .in:
                return requirement.values.count == 1 ? requirement.values[0] : nil
            default:
                return nil
            }
        }

        /// The selector text, requirements joined by `,` (empty for ``everything`` and ``nothing``).
        public var description: String {
            requirements.map(\.description).joined(separator: ",")
        }
    }

    // MARK: Validation

    /// The messages of `validation.IsQualifiedName` for a label key (empty when valid): an optional
    /// DNS-1123 subdomain prefix of at most 253 characters and `/`, then a name of at most 63 characters.
    public static func validateQualifiedName(_ value: String) -> [String] {
        let nameRegex = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
        let nameMessage =
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        var errors: [String] = []
        let name: Substring
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = parts[0]
            name = parts[1]
            if prefix.isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors += validateDNS1123Subdomain(String(prefix)).map { "prefix part " + $0 }
            }
        default:
            return [
                "a qualified name "
                    + regexError(nameMessage, nameRegex, examples: ["MyName", "my.name", "123-abc"])
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else if name.utf8.count > 63 {
            errors.append("name part must be no more than 63 characters")
        }
        if !isQualifiedNamePart(name.utf8) {
            errors.append("name part " + regexError(nameMessage, nameRegex, examples: ["MyName", "my.name", "123-abc"]))
        }
        return errors
    }

    /// The messages of `validation.IsValidLabelValue` (empty when valid): at most 63 characters,
    /// empty or alphanumeric at both ends with `-`, `_`, `.` between.
    public static func validateLabelValue(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 63 { errors.append("must be no more than 63 characters") }
        if !value.isEmpty && !isQualifiedNamePart(value.utf8) {
            errors.append(
                regexError(
                    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                    "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?", examples: ["MyValue", "my_value", "12345"]))
        }
        return errors
    }

    /// The messages of `validation.IsDNS1123Subdomain` (empty when valid).
    public static func validateDNS1123Subdomain(_ value: String) -> [String] {
        var errors: [String] = []
        if value.utf8.count > 253 { errors.append("must be no more than 253 characters") }
        let labels = value.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let valid = labels.allSatisfy { label in
            guard let first = label.first, let last = label.last, isLowerAlnum(first), isLowerAlnum(last) else {
                return false
            }
            return label.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
        }
        if !valid {
            errors.append(
                regexError(
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", examples: ["example.com"]))
        }
        return errors
    }

    private static func isAlnum(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    private static func isLowerAlnum(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    private static func isQualifiedNamePart(_ bytes: some Collection<UInt8>) -> Bool {
        guard let first = bytes.first, isAlnum(first) else { return false }
        var last = first
        for c in bytes {
            guard isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") else {
                return false
            }
            last = c
        }
        return isAlnum(last)
    }

    private static func regexError(_ message: String, _ regex: String, examples: [String]) -> String {
        let quoted = examples.map { "'\($0)', " }.joined(separator: " or ")
        return message + " (e.g. " + quoted + "regex used for validation is '" + regex + "')"
    }

    // MARK: Go-compatible helpers

    /// `field.Invalid(path, value, detail).Error()`; a missing path prints as Go's nil path, `<nil>`.
    fileprivate static func invalid(_ path: String?, _ quotedValue: String, _ detail: String) -> String {
        "\(path ?? "<nil>"): Invalid value: \(quotedValue): \(detail)"
    }

    /// `utilerrors.NewAggregate(...).Error()`: one message alone, several deduplicated in brackets.
    fileprivate static func aggregate(_ messages: [String]) -> SelectorError? {
        var seen = Set<String>()
        let unique = messages.filter { seen.insert($0).inserted }
        switch unique.count {
        case 0: return nil
        case 1: return SelectorError(description: unique[0])
        default: return SelectorError(description: "[" + unique.joined(separator: ", ") + "]")
        }
    }

    /// Go's `%#v` of a `[]string`.
    fileprivate static func goStringSlice(_ values: [String]) -> String {
        "[]string{" + values.map(goQuote).joined(separator: ", ") + "}"
    }

    /// `strconv.ParseInt(text, 10, 64)`: optional sign, decimal digits, no overflow.
    static func parseInt64(_ text: String) -> Int64? {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty else { return nil }
        var value: Int64 = 0
        for c in bytes {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(c - UInt8(ascii: "0"))
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = next
        }
        return value
    }

    static func sortedBytewise(_ values: [String]) -> [String] {
        values.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// A stable sort by key, bytewise (Go sorts few requirements with a stable insertion sort).
    fileprivate static func sortedByKey(_ requirements: [Requirement]) -> [Requirement] {
        requirements.enumerated().sorted { a, b in
            if a.element.key == b.element.key { return a.offset < b.offset }
            return a.element.key.utf8.lexicographicallyPrecedes(b.element.key.utf8)
        }.map(\.element)
    }
}

extension Labels.Requirement {
    /// An unvalidated requirement, for selectors built from label sets.
    fileprivate init(unchecked key: String, _ op: Labels.Operator, _ values: [String]) {
        self.key = key
        self.operator = op
        self.values = values
    }
}

// MARK: - Selector text parser

/// The lexer and recursive-descent parser of apimachinery's `labels.Parse`, token for token.
private struct SelectorParser {
    enum Token: Equatable {
        case error, end, closeParen, comma, doesNotExist, doubleEquals, equals, greaterThan, identifier, `in`,
            lessThan, notEquals, notIn, openParen
    }

    private static let keywords: [String: Token] = [
        ")": .closeParen, ",": .comma, "!": .doesNotExist, "==": .doubleEquals, "=": .equals, ">": .greaterThan,
        "in": .in, "<": .lessThan, "!=": .notEquals, "notin": .notIn, "(": .openParen,
    ]

    private var items: [(token: Token, literal: String)] = []
    private var position = 0

    init(_ text: String) {
        items = Self.scan(Array(text.utf8))
    }

    // MARK: Lexer

    private static func isWhitespace(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n")
    }

    private static func isSpecial(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","),
            UInt8(ascii: ">"), UInt8(ascii: "<"):
            return true
        default: return false
        }
    }

    private static func scan(_ bytes: [UInt8]) -> [(token: Token, literal: String)] {
        var pos = 0
        // Like Go, a NUL byte reads as the end of input.
        func read() -> UInt8 {
            guard pos < bytes.count else { return 0 }
            defer { pos += 1 }
            return bytes[pos]
        }
        var result: [(token: Token, literal: String)] = []
        while true {
            var c = read()
            while isWhitespace(c) { c = read() }
            if c == 0 {
                result.append((.end, ""))
                return result
            }
            pos -= 1
            if isSpecial(c) {
                var buffer: [UInt8] = []
                var last: (token: Token, literal: String)? = nil
                while true {
                    let ch = read()
                    if ch == 0 { break }
                    guard isSpecial(ch) else {
                        pos -= 1
                        break
                    }
                    buffer.append(ch)
                    let text = String(decoding: buffer, as: UTF8.self)
                    if let token = keywords[text] {
                        last = (token, text)
                    } else if last != nil {
                        pos -= 1
                        break
                    }
                }
                if let last {
                    result.append(last)
                } else {
                    result.append((.error, "error expected: keyword found '\(String(decoding: buffer, as: UTF8.self))'"))
                }
            } else {
                var buffer: [UInt8] = []
                while true {
                    let ch = read()
                    if ch == 0 { break }
                    if isSpecial(ch) || isWhitespace(ch) {
                        pos -= 1
                        break
                    }
                    buffer.append(ch)
                }
                let text = String(decoding: buffer, as: UTF8.self)
                result.append((keywords[text] ?? .identifier, text))
            }
        }
    }

    // MARK: Parser

    private enum Context { case keyAndOperator, values }

    private func lookahead(_ context: Context) -> (token: Token, literal: String) {
        guard position < items.count else { return (.end, "") }
        var item = items[position]
        if context == .values && (item.token == .in || item.token == .notIn) { item.token = .identifier }
        return item
    }

    private mutating func consume(_ context: Context) -> (token: Token, literal: String) {
        let item = lookahead(context)
        position += 1
        return item
    }

    private func failure(_ message: String) -> SelectorError {
        SelectorError(description: message)
    }

    mutating func parse() throws(SelectorError) -> [Labels.Requirement] {
        var requirements: [Labels.Requirement] = []
        while true {
            let (token, literal) = lookahead(.values)
            switch token {
            case .identifier, .doesNotExist:
                do throws(SelectorError) {
                    requirements.append(try parseRequirement())
                } catch {
                    throw failure("unable to parse requirement: \(error.description)")
                }
                let (next, nextLiteral) = consume(.values)
                switch next {
                case .end:
                    return requirements
                case .comma:
                    let (after, afterLiteral) = lookahead(.values)
                    if after != .identifier && after != .doesNotExist {
                        throw failure("found '\(afterLiteral)', expected: identifier after ','")
                    }
                default:
                    throw failure("found '\(nextLiteral)', expected: ',' or 'end of string'")
                }
            case .end:
                return requirements
            default:
                throw failure("found '\(literal)', expected: !, identifier, or 'end of string'")
            }
        }
    }

    private mutating func parseRequirement() throws(SelectorError) -> Labels.Requirement {
        var (token, literal) = consume(.values)
        let negated = token == .doesNotExist
        if negated { (token, literal) = consume(.values) }
        guard token == .identifier else { throw failure("found '\(literal)', expected: identifier") }
        let key = literal
        let keyMessages = Labels.validateQualifiedName(key)
        if !keyMessages.isEmpty {
            throw failure(Labels.invalid(nil, goQuote(key), keyMessages.joined(separator: "; ")))
        }
        // `!key` takes no operator; whatever follows must be a separator (checked by the caller).
        if negated {
            return try Labels.Requirement(key: key, operator: .doesNotExist, values: [])
        }
        let next = lookahead(.values).token
        if next == .end || next == .comma {
            return try Labels.Requirement(key: key, operator: .exists, values: [])
        }
        let op = try parseOperator()
        let values: [String]
        switch op {
        case .in, .notIn: values = try parseValues()
        default: values = try parseExactValue()
        }
        return try Labels.Requirement(key: key, operator: op, values: values)
    }

    private mutating func parseOperator() throws(SelectorError) -> Labels.Operator {
        let (token, literal) = consume(.keyAndOperator)
        switch token {
        case .in: return .in
        case .equals: return .equals
        case .doubleEquals: return .doubleEquals
        case .greaterThan: return .greaterThan
        case .lessThan: return .lessThan
        case .notIn: return .notIn
        case .notEquals: return .notEquals
        default: throw failure("found '\(literal)', expected: in, notin, =, ==, !=, gt, lt")
        }
    }

    /// `(a,b,c)`: returns the set's members sorted and unique, as Go's `sets.String.List()`.
    private mutating func parseValues() throws(SelectorError) -> [String] {
        let (open, openLiteral) = consume(.values)
        guard open == .openParen else { throw failure("found '\(openLiteral)' expected: '('") }
        let (token, literal) = lookahead(.values)
        switch token {
        case .identifier, .comma:
            let values = try parseIdentifierList()
            let (close, _) = consume(.values)
            guard close == .closeParen else { throw failure("found '\(literal)', expected: ')'") }
            return values
        case .closeParen:
            _ = consume(.values)
            return [""]
        default:
            throw failure("found '\(literal)', expected: ',', ')' or identifier")
        }
    }

    private mutating func parseIdentifierList() throws(SelectorError) -> [String] {
        var set = Set<String>()
        func result() -> [String] { Labels.sortedBytewise(Array(set)) }
        while true {
            let (token, literal) = consume(.values)
            switch token {
            case .identifier:
                set.insert(literal)
                let (next, nextLiteral) = lookahead(.values)
                switch next {
                case .comma: continue
                case .closeParen: return result()
                default: throw failure("found '\(nextLiteral)', expected: ',' or ')'")
                }
            case .comma:
                if set.isEmpty { set.insert("") }
                let next = lookahead(.values).token
                if next == .closeParen {
                    set.insert("")
                    return result()
                }
                if next == .comma {
                    _ = consume(.values)
                    set.insert("")
                }
            default:
                throw failure("found '\(literal)', expected: ',', or identifier")
            }
        }
    }

    private mutating func parseExactValue() throws(SelectorError) -> [String] {
        let next = lookahead(.values).token
        if next == .end || next == .comma { return [""] }
        let (token, literal) = consume(.values)
        guard token == .identifier else { throw failure("found '\(literal)', expected: identifier") }
        return [literal]
    }
}

// MARK: - Field selectors

/// apimachinery's `fields` package: the `field=value`, `field==value`, `field!=value` selector syntax.
public enum Fields {
    /// One field term.
    public struct Requirement: Hashable, Sendable, CustomStringConvertible {
        public let field: String
        /// `true` for `!=`.
        public let negated: Bool
        /// The unescaped value.
        public let value: String

        public init(field: String, value: String, negated: Bool = false) {
            self.field = field
            self.value = value
            self.negated = negated
        }

        /// Whether the field's value (`""` when missing) satisfies the term.
        public func matches(_ fields: (String) -> String) -> Bool {
            (fields(field) == value) != negated
        }

        /// `field=value` or `field!=value`, with `\`, `,` and `=` in the value escaped.
        public var description: String {
            field + (negated ? "!=" : "=") + Fields.escape(value)
        }
    }

    /// A parsed field selector: all terms must match. Empty matches everything.
    public struct Selector: Hashable, Sendable, CustomStringConvertible {
        /// The terms, in the order of their sorted source text (as Go sorts them).
        public let requirements: [Requirement]

        public static let everything = Selector(requirements: [])

        public init(requirements: [Requirement]) {
            self.requirements = requirements
        }

        /// Parses as `fields.ParseSelector` does: terms split at unescaped `,`, empty terms skipped,
        /// each term split at its first `!=`, `==` or `=`, values unescaped (`\\`, `\,`, `\=`).
        public init(parsing text: String) throws(SelectorError) {
            var requirements: [Requirement] = []
            for term in Fields.splitTerms(text).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                if term.isEmpty { continue }
                guard let (field, op, rawValue) = Fields.splitTerm(term) else {
                    throw SelectorError(description: "invalid selector: '\(text)'; can't understand '\(term)'")
                }
                let value = try Fields.unescape(rawValue)
                requirements.append(Requirement(field: field, value: value, negated: op == "!="))
            }
            self.init(requirements: requirements)
        }

        public var isEmpty: Bool { requirements.isEmpty }

        /// Whether every term matches, reading field values through `fields` (`""` when missing).
        public func matches(_ fields: (String) -> String) -> Bool {
            requirements.allSatisfy { $0.matches(fields) }
        }

        /// Whether every term matches `object`, reading each field as a dotted path into it
        /// (`metadata.name`, `spec.nodeName`, `status.phase`); numbers and booleans compare as text.
        public func matches(_ object: KubeObject) -> Bool {
            matches { Fields.fieldValue(object, $0) }
        }

        /// The terms joined by `,`.
        public var description: String {
            requirements.map(\.description).joined(separator: ",")
        }
    }

    /// The text of the field at a dotted path, `""` when missing or not a scalar.
    public static func fieldValue(_ object: KubeObject, _ path: String) -> String {
        guard let value = object.value(at: path.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
        else { return "" }
        switch value {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .double(let number): return GoFloat.format(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return ""
        }
    }

    /// Escapes `\`, `,` and `=` with a backslash (`fields.EscapeValue`).
    public static func escape(_ value: String) -> String {
        var result = ""
        for c in value {
            if c == "\\" || c == "," || c == "=" { result.append("\\") }
            result.append(c)
        }
        return result
    }

    /// Reverses ``escape(_:)``; unknown escapes and bare `,`/`=` are errors (`fields.UnescapeValue`).
    public static func unescape(_ value: String) throws(SelectorError) -> String {
        var result = ""
        var inSlash = false
        for c in value.unicodeScalars {
            if inSlash {
                guard c == "\\" || c == "," || c == "=" else {
                    throw SelectorError(description: "invalid field selector: invalid escape sequence: \\\(c)")
                }
                result.unicodeScalars.append(c)
                inSlash = false
                continue
            }
            switch c {
            case "\\": inSlash = true
            case ",", "=": throw SelectorError(description: "invalid field selector: unescaped character in value: \(c)")
            default: result.unicodeScalars.append(c)
            }
        }
        if inSlash { throw SelectorError(description: "invalid field selector: invalid escape sequence: \\") }
        return result
    }

    private static func splitTerms(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var terms: [String] = []
        var current = ""
        var inSlash = false
        for c in text.unicodeScalars {
            if inSlash {
                inSlash = false
            } else if c == "\\" {
                inSlash = true
            } else if c == "," {
                terms.append(current)
                current = ""
                continue
            }
            current.unicodeScalars.append(c)
        }
        terms.append(current)
        return terms
    }

    private static func splitTerm(_ term: String) -> (String, String, String)? {
        let utf8 = term.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            for op in ["!=", "==", "="] where utf8[index...].starts(with: op.utf8) {
                let end = utf8.index(index, offsetBy: op.utf8.count)
                return (String(term[..<index]), op, String(term[end...]))
            }
            index = utf8.index(after: index)
        }
        return nil
    }
}
