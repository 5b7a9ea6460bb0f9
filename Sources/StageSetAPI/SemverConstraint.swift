import Foundation
public import Version

// Semantic versions and version constraints with the syntax of Masterminds/semver v3, which
// the reference implementation uses for `spec.version`, `migrations[].to`/`from` and
// `dependsOn[].minVersion`.

extension Version {
    /// Parses a semantic version the way the reference does (Masterminds `NewVersion`):
    /// surrounding whitespace is trimmed, one leading `v` is accepted, and a missing minor or
    /// patch is zero (`v1.2` is `1.2.0`). Pre-release and build identifiers must be
    /// non-empty runs of `[0-9A-Za-z-]`. Returns `nil` for anything else.
    public init?(semver text: String) {
        guard let parsed = SemverText.parse(text, allowWildcards: false), parsed.wildcard == .none else { return nil }
        self = parsed.version
    }
}

/// A version constraint such as `>=1.2.0 <2.0.0`, `^1.2`, `~1.2.3`, `1.x` or `1.0 - 1.4 || >=2`.
///
/// Syntax (Masterminds/semver v3): alternatives separated by `||`; inside one, comparators
/// separated by commas or whitespace, all of which must hold. Operators `=`, `!=`, `>`, `<`,
/// `>=` (`=>`), `<=` (`=<`), `~` (`~>`), `^`; none means `=`; `x`, `X` and `*` (or a missing
/// component) are wildcards; `a - b` is an inclusive hyphen range. A version with a
/// pre-release satisfies a comparator only when that comparator names a pre-release too.
public struct SemverConstraint: Sendable, Hashable, CustomStringConvertible {
    /// Why a constraint did not parse.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// The text the constraint was parsed from.
    public let description: String
    private let alternatives: [[Comparator]]

    /// Parses `text`.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw ParseError(description: "empty constraint") }
        var alternatives: [[Comparator]] = []
        for group in trimmed.components(separatedBy: "||") {
            alternatives.append(try Self.parseGroup(group, whole: trimmed))
        }
        self.description = text
        self.alternatives = alternatives
    }

    /// True when the whole constraint is a single bare version (`1.2.3`, `v1.2`), which
    /// `migrations[].from` rejects because it looks like, but is not, a range.
    public static func isBareVersion(_ text: String) -> Bool {
        Version(semver: text) != nil
    }

    /// True when `version` satisfies the constraint.
    public func isSatisfied(by version: Version) -> Bool {
        alternatives.contains { group in group.allSatisfy { $0.matches(version) } }
    }

    private static func parseGroup(_ group: String, whole: String) throws(ParseError) -> [Comparator] {
        let tokens = group.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init)
        guard !tokens.isEmpty else { throw ParseError(description: "improper constraint: \(whole)") }
        var comparators: [Comparator] = []
        var index = 0
        while index < tokens.count {
            var token = tokens[index]
            index += 1
            if Comparator.Operator.allCases.contains(where: { $0.spellings.contains(token) }) {
                guard index < tokens.count else { throw ParseError(description: "improper constraint: \(whole)") }
                token += tokens[index]
                index += 1
            }
            if index + 1 < tokens.count, tokens[index] == "-" {
                let lower = try Comparator(parsing: token, whole: whole)
                let upper = try Comparator(parsing: tokens[index + 1], whole: whole)
                guard lower.operator == .equal, upper.operator == .equal else {
                    throw ParseError(description: "improper constraint: \(whole)")
                }
                comparators.append(Comparator(operator: .greaterOrEqual, bound: lower.bound))
                comparators.append(Comparator(operator: .lessOrEqual, bound: upper.bound))
                index += 2
                continue
            }
            comparators.append(try Comparator(parsing: token, whole: whole))
        }
        return comparators
    }
}

/// One comparator of a constraint.
private struct Comparator: Sendable, Hashable {
    enum Operator: CaseIterable {
        case equal, notEqual, greater, less, greaterOrEqual, lessOrEqual, tilde, caret

        var spellings: [String] {
            switch self {
            case .equal: ["="]
            case .notEqual: ["!="]
            case .greater: [">"]
            case .less: ["<"]
            case .greaterOrEqual: [">=", "=>"]
            case .lessOrEqual: ["<=", "=<"]
            case .tilde: ["~", "~>"]
            case .caret: ["^"]
            }
        }
    }

    let `operator`: Operator
    let bound: SemverText.Parsed

    init(operator: Operator, bound: SemverText.Parsed) {
        self.operator = `operator`
        self.bound = bound
    }

    init(parsing token: String, whole: String) throws(SemverConstraint.ParseError) {
        // Longest spelling first so ">=" wins over ">".
        let spellings = Operator.allCases.flatMap { op in op.spellings.map { (op, $0) } }
            .sorted { $0.1.count > $1.1.count }
        var op = Operator.equal
        var rest = Substring(token)
        for (candidate, spelling) in spellings where rest.hasPrefix(spelling) {
            op = candidate
            rest = rest.dropFirst(spelling.count)
            break
        }
        guard let parsed = SemverText.parse(String(rest), allowWildcards: true) else {
            throw SemverConstraint.ParseError(description: "improper constraint: \(whole)")
        }
        self.operator = op
        self.bound = parsed
    }

    /// The bound with wildcards as zero.
    private var floor: Version { bound.version }

    /// The first version above the wildcard range (`1.2.x` → `1.3.0`); `nil` for `*`.
    private var ceiling: Version? {
        let v = bound.version
        switch bound.wildcard {
        case .none: return nil
        case .major: return nil
        case .minor: return Version(v.major + 1, 0, 0)
        case .patch: return Version(v.major, v.minor + 1, 0)
        }
    }

    func matches(_ version: Version) -> Bool {
        if !version.prereleaseIdentifiers.isEmpty && bound.version.prereleaseIdentifiers.isEmpty {
            return false
        }
        let wild = bound.wildcard != .none
        switch self.operator {
        case .equal:
            return wild ? inWildcardRange(version) : version == floor
        case .notEqual:
            return wild ? !inWildcardRange(version) : version != floor
        case .greater:
            if !wild { return version > floor }
            guard let ceiling else { return false }
            return version >= ceiling
        case .less:
            return version < floor
        case .greaterOrEqual:
            return version >= floor
        case .lessOrEqual:
            if !wild { return version <= floor }
            guard let ceiling else { return true }
            return version < ceiling
        case .tilde:
            guard version >= floor else { return false }
            if bound.wildcard == .major { return true }
            let upper = bound.wildcard == .minor
                ? Version(floor.major + 1, 0, 0) : Version(floor.major, floor.minor + 1, 0)
            return version < upper
        case .caret:
            guard version >= floor else { return false }
            let upper: Version
            switch bound.wildcard {
            case .major: return true
            case .minor: upper = Version(floor.major + 1, 0, 0)
            case .patch: upper = floor.major > 0 ? Version(floor.major + 1, 0, 0) : Version(0, floor.minor + 1, 0)
            case .none:
                if floor.major > 0 {
                    upper = Version(floor.major + 1, 0, 0)
                } else if floor.minor > 0 {
                    upper = Version(0, floor.minor + 1, 0)
                } else {
                    upper = Version(0, 0, floor.patch + 1)
                }
            }
            return version < upper
        }
    }

    private func inWildcardRange(_ version: Version) -> Bool {
        guard version >= floor else { return false }
        guard let ceiling else { return true }
        return version < ceiling
    }
}

/// The version grammar shared by versions and constraint bounds.
enum SemverText {
    /// The first wildcard (or missing) component of a bound.
    enum Wildcard: Hashable {
        case none, major, minor, patch
    }

    struct Parsed: Hashable {
        let version: Version
        let wildcard: Wildcard
    }

    static func parse(_ text: String, allowWildcards: Bool) -> Parsed? {
        var rest = Substring(text.trimmingSpaces)
        if rest.first == "v" { rest = rest.dropFirst() }
        guard !rest.isEmpty else { return nil }
        var build: [String] = []
        if let plus = rest.firstIndex(of: "+") {
            guard let identifiers = identifiers(rest[rest.index(after: plus)...]) else { return nil }
            build = identifiers
            rest = rest[..<plus]
        }
        var prerelease: [String] = []
        if let dash = rest.firstIndex(of: "-") {
            guard let identifiers = identifiers(rest[rest.index(after: dash)...]) else { return nil }
            prerelease = identifiers
            rest = rest[..<dash]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        var numbers: [Int] = []
        var wildcard = Wildcard.none
        let levels: [Wildcard] = [.major, .minor, .patch]
        for (position, part) in parts.enumerated() {
            if part == "x" || part == "X" || part == "*" {
                guard allowWildcards else { return nil }
                if wildcard == .none { wildcard = levels[position] }
                numbers.append(0)
                continue
            }
            guard wildcard == .none || allowWildcards, !part.isEmpty, part.allSatisfy(\.isASCIIDigit),
                let number = Int(part)
            else { return nil }
            // After a wildcard every later number is ignored, as in `1.x.3`.
            numbers.append(wildcard == .none ? number : 0)
        }
        if parts.count < 3, wildcard == .none, allowWildcards {
            wildcard = levels[parts.count]
        }
        while numbers.count < 3 { numbers.append(0) }
        if wildcard != .none, !prerelease.isEmpty { return nil }
        return Parsed(
            version: Version(numbers[0], numbers[1], numbers[2], pre: prerelease, build: build), wildcard: wildcard)
    }

    private static func identifiers(_ text: Substring) -> [String]? {
        let identifiers = text.split(separator: ".", omittingEmptySubsequences: false)
        guard identifiers.allSatisfy({ identifier in
            !identifier.isEmpty && identifier.allSatisfy { $0.isASCIIDigit || $0.isASCIILetter || $0 == "-" }
        }) else { return nil }
        return identifiers.map(String.init)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
    var isASCIILetter: Bool { isASCII && isLetter }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
