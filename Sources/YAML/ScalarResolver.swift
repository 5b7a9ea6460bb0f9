/// YAML 1.1 scalar resolution as go-yaml v2 does it (the library under kubectl's sigs.k8s.io/yaml).
///
/// Works on the raw UTF-8 bytes libyaml hands over, so numbers, booleans and nulls never become a `String`.

/// The tag a scalar carries, reduced to what resolution cares about.
enum ScalarTag: Equatable {
    /// No tag: a plain scalar is resolved, a quoted one is a string.
    case none
    case string, int, float, bool, null, timestamp, binary, merge
    /// Any other tag, including the non-specific `!`: the scalar is a string.
    case other

    init(_ tag: UnsafeBufferPointer<UInt8>) {
        let prefix = "tag:yaml.org,2002:".utf8
        guard tag.count > prefix.count, tag.starts(with: prefix) else {
            self = .other
            return
        }
        switch String(decoding: UnsafeBufferPointer(rebasing: tag[prefix.count...]), as: UTF8.self) {
        case "str": self = .string
        case "int": self = .int
        case "float": self = .float
        case "bool": self = .bool
        case "null": self = .null
        case "timestamp": self = .timestamp
        case "binary": self = .binary
        case "merge": self = .merge
        default: self = .other
        }
    }

    /// The short form used in messages, as go-yaml prints it.
    var shortName: String {
        switch self {
        case .none, .other, .string: "!!str"
        case .int: "!!int"
        case .float: "!!float"
        case .bool: "!!bool"
        case .null: "!!null"
        case .timestamp: "!!timestamp"
        case .binary: "!!binary"
        case .merge: "!!merge"
        }
    }
}

/// The outcome of resolving one scalar, before it becomes a JSON value or a map key.
enum ResolvedScalar: Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    /// Integers above `Int64.max` that fit `UInt64` (go-yaml returns a `uint64`).
    case uint(UInt64)
    case double(Double)
    /// The scalar's own text.
    case string
    /// A timestamp; kept as its text, as go-yaml does when decoding into `interface{}`.
    case timestamp

    var tag: ScalarTag {
        switch self {
        case .null: .null
        case .bool: .bool
        case .int, .uint: .int
        case .double: .float
        case .string: .string
        case .timestamp: .timestamp
        }
    }
}

enum ScalarResolver {
    /// Resolves a scalar carrying `tag`; throws a message when the tag and the text disagree
    /// (`!!int yes`), worded like go-yaml.
    static func resolve(_ text: UnsafeBufferPointer<UInt8>, tag: ScalarTag, schema: YAML.Schema = .yaml11)
        throws(ResolveFailure) -> ResolvedScalar
    {
        switch tag {
        case .none: return resolvePlain(text, schema: schema)
        case .string, .other, .binary, .merge: return .string
        case .int, .float, .bool, .null, .timestamp: break
        }
        var resolved = resolvePlain(text, schema: schema)
        if tag == .timestamp, Timestamp.isValid(text) { resolved = .timestamp }
        if resolved.tag == tag { return resolved }
        if tag == .float, case .int(let value) = resolved { return .double(Double(value)) }
        throw ResolveFailure(
            message: "cannot decode \(resolved.tag.shortName) `\(String(decoding: text, as: UTF8.self))` as a \(tag.shortName)"
        )
    }

    /// Resolves an untagged plain scalar.
    static func resolvePlain(_ text: UnsafeBufferPointer<UInt8>, schema: YAML.Schema = .yaml11) -> ResolvedScalar {
        let resolved = resolvePlain11(text)
        // YAML 1.2 (go-yaml v3): of the 1.1 boolean words only the true/false spellings remain booleans.
        if schema == .yaml12, case .bool = resolved,
           !["true", "True", "TRUE", "false", "False", "FALSE"].contains(where: { $0.utf8.elementsEqual(text) })
        {
            return .string
        }
        return resolved
    }

    /// Resolves an untagged plain scalar with go-yaml v2's YAML 1.1 rules.
    private static func resolvePlain11(_ text: UnsafeBufferPointer<UInt8>) -> ResolvedScalar {
        guard let first = text.first else { return .null }
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return resolveNumber(text)
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            if let special = lookup(text) { return special }
            return resolveNumber(text)
        case UInt8(ascii: "."):
            if let special = lookup(text) { return special }
            // Go's ParseFloat on the raw text: `.5`, `.5e3`, `.5_0` (underscores between digits).
            guard goUnderscoresOK(text) else { return .string }
            if text.contains(UInt8(ascii: "_")) {
                let stripped = text.filter { $0 != UInt8(ascii: "_") }
                return stripped.withUnsafeBufferPointer { isDotFloat($0) ? finiteDouble($0) : .string }
            }
            return isDotFloat(text) ? finiteDouble(text) : .string
        case UInt8(ascii: "y"), UInt8(ascii: "Y"), UInt8(ascii: "n"), UInt8(ascii: "N"),
            UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"),
            UInt8(ascii: "o"), UInt8(ascii: "O"), UInt8(ascii: "~"):
            return lookup(text) ?? .string
        default:
            return .string
        }
    }

    /// go-yaml's table of fixed words (YAML 1.1 booleans, nulls and special floats), by length.
    private static let words: [[(word: [UInt8], value: ResolvedScalar)]] = {
        var table: [[(word: [UInt8], value: ResolvedScalar)]] = Array(repeating: [], count: 6)
        func add(_ value: ResolvedScalar, _ words: String...) {
            for word in words { table[word.utf8.count].append((Array(word.utf8), value)) }
        }
        add(.bool(true), "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")
        add(.bool(false), "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")
        add(.null, "~", "null", "Null", "NULL")
        add(.double(.nan), ".nan", ".NaN", ".NAN")
        add(.double(.infinity), ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF")
        add(.double(-.infinity), "-.inf", "-.Inf", "-.INF")
        return table
    }()

    private static func lookup(_ text: UnsafeBufferPointer<UInt8>) -> ResolvedScalar? {
        guard text.count < words.count else { return nil }
        for entry in words[text.count] where entry.word.elementsEqual(text) {
            return entry.value
        }
        return nil
    }

    /// Integers (Go's `ParseInt(s, 0, 64)`, then `ParseUint`) and YAML-style floats, after dropping `_`.
    private static func resolveNumber(_ text: UnsafeBufferPointer<UInt8>) -> ResolvedScalar {
        if text.contains(UInt8(ascii: "_")) {
            let stripped = text.filter { $0 != UInt8(ascii: "_") }
            return stripped.withUnsafeBufferPointer { resolveDigits($0) }
        }
        return resolveDigits(text)
    }

    private static func resolveDigits(_ text: UnsafeBufferPointer<UInt8>) -> ResolvedScalar {
        if let integer = parseGoInteger(text) {
            switch integer {
            case .negative(let magnitude):
                if magnitude <= UInt64(Int64.max) + 1 { return .int(Int64(truncatingIfNeeded: 0 &- magnitude)) }
            case .positive(let magnitude, let signed):
                if magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
                if !signed { return .uint(magnitude) }
            }
        }
        return isYAMLStyleFloat(text) ? finiteDouble(text) : .string
    }

    private enum GoInteger {
        case negative(UInt64)
        case positive(UInt64, signed: Bool)
    }

    /// Go's `strconv.ParseUint(s, 0, 64)` behind an optional sign; `nil` on syntax error or overflow.
    private static func parseGoInteger(_ text: UnsafeBufferPointer<UInt8>) -> GoInteger? {
        var index = 0
        var negative = false
        var signed = false
        if let first = text.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            signed = true
            index = 1
        }
        let rest = text.count - index
        guard rest > 0 else { return nil }
        var base: UInt64 = 10
        if text[index] == UInt8(ascii: "0") {
            let marker = rest >= 3 ? text[index + 1] | 0x20 : 0
            switch marker {
            case UInt8(ascii: "b"): base = 2; index += 2
            case UInt8(ascii: "o"): base = 8; index += 2
            case UInt8(ascii: "x"): base = 16; index += 2
            default: base = 8; index += 1
            }
        }
        var value: UInt64 = 0
        while index < text.count {
            let byte = text[index]
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte &- UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte &- UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte &- UInt8(ascii: "A")) + 10
            default: return nil
            }
            guard digit < base else { return nil }
            let (product, overflow1) = value.multipliedReportingOverflow(by: base)
            let (sum, overflow2) = product.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            index += 1
        }
        return negative ? .negative(value) : .positive(value, signed: signed)
    }

    /// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
    static func isYAMLStyleFloat(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = text.count
        func digits() -> Int {
            let start = index
            while index < count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") { index += 1 }
            return index - start
        }
        if index < count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
        if index < count, text[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return false }
        } else {
            guard digits() > 0 else { return false }
            if index < count, text[index] == UInt8(ascii: ".") {
                index += 1
                _ = digits()
            }
        }
        return exponentThenEnd(text, &index)
    }

    /// Go's `underscoreOK` for a decimal literal: every `_` sits between two digits.
    private static func goUnderscoresOK(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var previous: UInt8 = 0  // "0" digit, "_" underscore, "!" anything else
        for byte in text {
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                previous = UInt8(ascii: "0")
            } else if byte == UInt8(ascii: "_") {
                guard previous == UInt8(ascii: "0") else { return false }
                previous = byte
            } else {
                guard previous != UInt8(ascii: "_") else { return false }
                previous = UInt8(ascii: "!")
            }
        }
        return previous != UInt8(ascii: "_")
    }

    /// `\.[0-9]+([eE][-+]?[0-9]+)?` — what Go's ParseFloat accepts of a scalar starting with `.`.
    private static func isDotFloat(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 1
        let start = index
        while index < text.count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") { index += 1 }
        guard index > start else { return false }
        return exponentThenEnd(text, &index)
    }

    private static func exponentThenEnd(_ text: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Bool {
        let count = text.count
        if index < count, text[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
            let start = index
            while index < count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") { index += 1 }
            guard index > start else { return false }
        }
        return index == count
    }

    /// Parses validated float text; out-of-range values stay strings, as Go's ParseFloat reports a range error.
    private static func finiteDouble(_ text: UnsafeBufferPointer<UInt8>) -> ResolvedScalar {
        guard let value = Double(String(decoding: text, as: UTF8.self)), value.isFinite else { return .string }
        return .double(value)
    }
}

/// A resolution failure, positioned by the caller.
struct ResolveFailure: Error {
    let message: String
}

/// Go's `time.Parse` over go-yaml v2's timestamp layouts, for scalars tagged `!!timestamp`:
/// `2006-1-2`, `2006-1-2 15:4:5.999999999`, `2006-1-2T15:4:5.999999999Z07:00` (also lower-case `t`).
enum Timestamp {
    static func isValid(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = text.count
        func number(min: Int, max: Int) -> Int? {
            var value = 0
            let start = index
            while index < count, index - start < max, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") {
                value = value * 10 + Int(text[index] - UInt8(ascii: "0"))
                index += 1
            }
            return index - start >= min ? value : nil
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < count, text[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(min: 4, max: 4), expect(UInt8(ascii: "-")),
            let month = number(min: 1, max: 2), (1...12).contains(month), expect(UInt8(ascii: "-")),
            let day = number(min: 1, max: 2), day >= 1, day <= daysIn(month: month, year: year)
        else { return false }
        if index == count { return true }
        let separator = text[index]
        let zoned = separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t")
        guard zoned || separator == UInt8(ascii: " ") else { return false }
        index += 1
        guard let hour = number(min: 1, max: 2), hour < 24, expect(UInt8(ascii: ":")),
            let minute = number(min: 1, max: 2), minute < 60, expect(UInt8(ascii: ":")),
            let second = number(min: 1, max: 2), second < 60
        else { return false }
        if index < count, text[index] == UInt8(ascii: ".") {
            index += 1
            guard number(min: 1, max: Int.max) != nil else { return false }
        }
        if !zoned { return index == count }
        if expect(UInt8(ascii: "Z")) { return index == count }
        guard index < count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") else { return false }
        index += 1
        guard let zoneHour = number(min: 2, max: 2), zoneHour < 24, expect(UInt8(ascii: ":")),
            let zoneMinute = number(min: 2, max: 2), zoneMinute < 60
        else { return false }
        return index == count
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Whether a string starts like a timestamp (four digits and `-`); such strings are quoted on output.
    static func looksLikeDate(_ text: some Collection<UInt8>) -> Bool {
        var digits = 0
        for byte in text {
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits += 1
                continue
            }
            return digits == 4 && byte == UInt8(ascii: "-")
        }
        return false
    }
}
