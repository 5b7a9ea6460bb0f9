/// A regular expression in RE2 syntax, matched by a Thompson NFA simulation: linear in the
/// input, with no backtracking. Backreferences and lookaround are rejected, as RE2 does.
struct RE2Regex: Sendable {
    /// Why a pattern was rejected.
    struct SyntaxError: Error {
        let message: String
    }

    private let program: [Instruction]
    private let start: Int
    /// Number of instructions, a proxy for the matching cost per input scalar.
    var programSize: Int { program.count }

    /// Maximum number of NFA instructions after expanding counted repetitions.
    static let maxProgramSize = 50_000

    init(_ pattern: String) throws(SyntaxError) {
        var parser = RegexParser(Array(pattern.unicodeScalars))
        let tree = try parser.parse()
        var compiler = RegexCompiler()
        let entry = try compiler.compile(tree)
        compiler.program.append(.match)
        try compiler.patch(entry.exits, to: compiler.program.count - 1)
        program = compiler.program
        start = entry.start
    }

    /// Whether the pattern matches anywhere in `text` (CEL's `matches` is an unanchored search).
    func matches(_ text: String) -> Bool {
        let input = Array(text.unicodeScalars)
        var current = StateSet(capacity: program.count)
        var next = StateSet(capacity: program.count)
        var position = 0
        while true {
            let previous: Unicode.Scalar? = position > 0 ? input[position - 1] : nil
            let following: Unicode.Scalar? = position < input.count ? input[position] : nil
            // Unanchored: a new thread starts at every position.
            if addState(start, to: &current, previous: previous, following: following) { return true }
            guard let scalar = following else { return false }
            next.clear()
            let nextFollowing: Unicode.Scalar? = position + 1 < input.count ? input[position + 1] : nil
            for pc in current.members {
                if case .char(let matcher) = program[pc], matcher.matches(scalar) {
                    if addState(pc + 1, to: &next, previous: scalar, following: nextFollowing) { return true }
                }
            }
            swap(&current, &next)
            position += 1
        }
    }

    /// The leftmost-first match (Perl/RE2 preference order) starting at or after scalar offset `from`.
    func firstMatch(in input: [Unicode.Scalar], from: Int) -> Range<Int>? {
        var current = ThreadList(capacity: program.count)
        var next = ThreadList(capacity: program.count)
        var matched: Range<Int>?
        var position = from
        while position <= input.count {
            let previous: Unicode.Scalar? = position > 0 ? input[position - 1] : nil
            let following: Unicode.Scalar? = position < input.count ? input[position] : nil
            if matched == nil {
                // A new attempt starting here has the lowest priority.
                addThread(start, origin: position, to: &current, previous: previous, following: following)
            }
            if current.isEmpty {
                if matched != nil { break }
                current.clear()
                position += 1
                continue
            }
            next.clear()
            let nextFollowing: Unicode.Scalar? = position + 1 < input.count ? input[position + 1] : nil
            for (pc, origin) in current.threads {
                switch program[pc] {
                case .match:
                    matched = origin..<position
                    break
                case .char(let matcher):
                    if let scalar = following, matcher.matches(scalar) {
                        addThread(pc + 1, origin: origin, to: &next, previous: scalar, following: nextFollowing)
                    }
                    continue
                default:
                    continue
                }
                // A match cuts off every lower-priority thread.
                break
            }
            swap(&current, &next)
            position += 1
        }
        return matched
    }

    /// Adds `pc` and its epsilon closure in priority order, keeping only char and match states.
    private func addThread(
        _ pc: Int, origin: Int, to list: inout ThreadList, previous: Unicode.Scalar?, following: Unicode.Scalar?
    ) {
        var stack = [pc]
        while let pc = stack.popLast() {
            guard program.indices.contains(pc), list.visit(pc) else { continue }
            switch program[pc] {
            case .match, .char: list.append(pc, origin: origin)
            case .jump(let target): stack.append(target)
            case .split(let a, let b):
                stack.append(b)
                stack.append(a)
            case .assert(let assertion):
                if assertion.holds(previous: previous, following: following) { stack.append(pc + 1) }
            }
        }
    }

    /// Adds `pc` and its epsilon closure; true when the match state is reached.
    private func addState(
        _ pc: Int, to set: inout StateSet, previous: Unicode.Scalar?, following: Unicode.Scalar?
    ) -> Bool {
        var stack = [pc]
        while let pc = stack.popLast() {
            guard program.indices.contains(pc), set.insert(pc) else { continue }
            switch program[pc] {
            case .match: return true
            case .jump(let target): stack.append(target)
            case .split(let a, let b):
                stack.append(b)
                stack.append(a)
            case .assert(let assertion):
                if assertion.holds(previous: previous, following: following) { stack.append(pc + 1) }
            case .char: break
            }
        }
        return false
    }
}

/// Threads of the leftmost-first search in priority order, with the offset each started at.
private struct ThreadList {
    private var seen: StateSet
    private(set) var threads: [(pc: Int, origin: Int)] = []

    init(capacity: Int) {
        seen = StateSet(capacity: capacity)
    }

    var isEmpty: Bool { threads.isEmpty }

    /// Marks `pc` visited for this step; false when it already was.
    mutating func visit(_ pc: Int) -> Bool { seen.insert(pc) }

    mutating func append(_ pc: Int, origin: Int) { threads.append((pc, origin)) }

    mutating func clear() {
        seen.clear()
        threads.removeAll(keepingCapacity: true)
    }
}

/// A set of program counters with O(1) insert, membership and clear.
private struct StateSet {
    private var dense: [Int]
    private var sparse: [Int]
    private(set) var count = 0

    init(capacity: Int) {
        dense = Array(repeating: 0, count: capacity)
        sparse = Array(repeating: 0, count: capacity)
    }

    var members: ArraySlice<Int> { dense[0..<count] }

    mutating func insert(_ value: Int) -> Bool {
        let index = sparse[value]
        if index < count && dense[index] == value { return false }
        sparse[value] = count
        dense[count] = value
        count += 1
        return true
    }

    mutating func clear() { count = 0 }
}

enum Instruction: Sendable {
    case char(CharMatcher)
    case split(Int, Int)
    case jump(Int)
    case assert(Assertion)
    case match
}

enum Assertion: Sendable {
    case beginText, endText, beginLine, endLine, wordBoundary, notWordBoundary

    func holds(previous: Unicode.Scalar?, following: Unicode.Scalar?) -> Bool {
        switch self {
        case .beginText: return previous == nil
        case .endText: return following == nil
        case .beginLine: return previous == nil || previous == "\n"
        case .endLine: return following == nil || following == "\n"
        case .wordBoundary, .notWordBoundary:
            let boundary = (previous.map(isWordScalar) ?? false) != (following.map(isWordScalar) ?? false)
            return self == .wordBoundary ? boundary : !boundary
        }
    }
}

func isWordScalar(_ c: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_"
}

/// Matches one input scalar.
struct CharMatcher: Sendable {
    var ranges: [ClosedRange<UInt32>]
    var negated: Bool
    var foldCase: Bool
    /// Unicode general categories that match (`\p{L}`).
    var categories: [Unicode.GeneralCategory] = []
    /// Category sets whose complement matches (`\P{L}` inside a bracket class).
    var excludedCategories: [[Unicode.GeneralCategory]] = []

    init(ranges: [ClosedRange<UInt32>], negated: Bool, foldCase: Bool) {
        self.ranges = ranges
        self.negated = negated
        self.foldCase = foldCase
    }

    /// Whether `c` is in the class. With case folding the class is closed under folding first, and its
    /// negated parts (`\P{..}` inside brackets, and `negated` itself) are complements of folded sets, as in RE2.
    func matches(_ c: Unicode.Scalar) -> Bool {
        if contains(c.value) || (!categories.isEmpty && categories.contains(c.properties.generalCategory)) {
            return !negated
        }
        let variants = foldCase ? caseVariants(c).compactMap(Unicode.Scalar.init) : []
        var hit = variants.contains {
            contains($0.value) || (!categories.isEmpty && categories.contains($0.properties.generalCategory))
        }
        if !hit && !excludedCategories.isEmpty {
            let present = [c.properties.generalCategory] + variants.map(\.properties.generalCategory)
            hit = excludedCategories.contains { excluded in !present.contains(where: excluded.contains) }
        }
        return hit != negated
    }

    private func contains(_ value: UInt32) -> Bool {
        for range in ranges where range.contains(value) { return true }
        return false
    }
}

/// The other members of a scalar's simple case folding orbit (Unicode CaseFolding.txt, statuses C and S,
/// as RE2 and Go's regexp use for `(?i)`): `s`, `S` and `ſ` share one, as do `k`, `K` and the Kelvin sign.
func caseVariants(_ c: Unicode.Scalar) -> [UInt32] {
    guard let orbit = CaseOrbits.table[CaseOrbits.key(c.value)], orbit.count > 1 else { return [] }
    return orbit.filter { $0 != c.value }
}

/// Simple case folding orbits, derived once from the Unicode properties of every scalar.
enum CaseOrbits {
    /// Orbits with more than one member, by their fold key.
    static let table: [UInt32: [UInt32]] = {
        var orbits: [UInt32: [UInt32]] = [:]
        for value in UInt32(0)...0x1_FFFF {
            let key = key(value)
            if key != value { orbits[key, default: [key]].append(value) }
        }
        return orbits.filter { $0.value.count > 1 }
    }()

    /// The fold key: the lowercase of the uppercase, using only single-scalar mappings. Upper then lower
    /// reaches letters whose own lowercase is themselves but which fold elsewhere (ſ, µ, ς, ϑ, ᲀ).
    /// U+0130 and U+0131 fold to i only in Turkic locales, which the simple folding leaves out.
    static func key(_ value: UInt32) -> UInt32 {
        if let folded = foldsWithoutCaseMappings[value] { return folded }
        guard value != 0x130, value != 0x131, let scalar = Unicode.Scalar(value) else { return value }
        let upper = single(scalar.properties.uppercaseMapping) ?? single(scalar.properties.titlecaseMapping) ?? scalar
        return (single(upper.properties.lowercaseMapping) ?? single(scalar.properties.lowercaseMapping) ?? scalar).value
    }

    /// CaseFolding.txt's simple foldings between letters that have no single-scalar case mappings at all.
    private static let foldsWithoutCaseMappings: [UInt32: UInt32] = [0x1FD3: 0x390, 0x1FE3: 0x3B0, 0xFB05: 0xFB06]

    private static func single(_ mapping: String) -> Unicode.Scalar? {
        var scalars = mapping.unicodeScalars.makeIterator()
        guard let first = scalars.next(), scalars.next() == nil else { return nil }
        return first
    }
}

// MARK: - Parsing

indirect enum RegexNode {
    case empty
    case char(CharMatcher)
    case assert(Assertion)
    case concat([RegexNode])
    case alternate([RegexNode])
    case repeatNode(RegexNode, min: Int, max: Int?, greedy: Bool)
    /// Zero or one occurrence (the expansion of bounded repetition).
    case optional(RegexNode, greedy: Bool)
}

private struct RegexFlags {
    var caseInsensitive = false
    var multiLine = false
    var dotAll = false
}

struct RegexParser {
    private let pattern: [Unicode.Scalar]
    private var position = 0
    private var flags = RegexFlags()
    private var depth = 0

    init(_ pattern: [Unicode.Scalar]) {
        self.pattern = pattern
    }

    private func error(_ message: String) -> RE2Regex.SyntaxError {
        RE2Regex.SyntaxError(message: message)
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        position + ahead < pattern.count ? pattern[position + ahead] : nil
    }

    mutating func parse() throws(RE2Regex.SyntaxError) -> RegexNode {
        let node = try parseAlternation()
        if position < pattern.count {
            throw error("unexpected ): \(String(String.UnicodeScalarView(pattern)))")
        }
        return node
    }

    private mutating func parseAlternation() throws(RE2Regex.SyntaxError) -> RegexNode {
        depth += 1
        defer { depth -= 1 }
        if depth > 100 { throw error("expression nests too deeply") }
        var branches = [try parseConcatenation()]
        while peek() == "|" {
            position += 1
            branches.append(try parseConcatenation())
        }
        return branches.count == 1 ? branches[0] : .alternate(branches)
    }

    private mutating func parseConcatenation() throws(RE2Regex.SyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while let c = peek(), c != "|", c != ")" {
            if c == "(" && peek(1) == "?" && startsFlagGroup() {
                // A bare flag group `(?i)` changes flags for the rest of the current group.
                if try parseFlagGroup() { continue }
            }
            var atom = try parseAtom()
            var repeated = false
            while let q = peek(), q == "*" || q == "+" || q == "?" || q == "{" {
                var range: (Int, Int?)
                if q == "{" {
                    guard let counted = try parseCount() else { break }
                    range = counted
                } else {
                    position += 1
                    range = q == "*" ? (0, nil) : (q == "+" ? (1, nil) : (0, 1))
                }
                if repeated { throw error("bad repetition operator: \(String(q))") }
                var greedy = true
                if peek() == "?" {
                    position += 1
                    greedy = false
                }
                atom = .repeatNode(atom, min: range.0, max: range.1, greedy: greedy)
                repeated = true
            }
            items.append(atom)
        }
        if items.isEmpty { return .empty }
        return items.count == 1 ? items[0] : .concat(items)
    }

    private func startsFlagGroup() -> Bool {
        var ahead = 2
        while let c = peek(ahead), "imsU-".unicodeScalars.contains(c) { ahead += 1 }
        return peek(ahead) == ")" && ahead > 2
    }

    /// Parses `(?flags)`; returns true when consumed.
    private mutating func parseFlagGroup() throws(RE2Regex.SyntaxError) -> Bool {
        position += 2
        var value = true
        while let c = peek(), c != ")" {
            switch c {
            case "i": flags.caseInsensitive = value
            case "m": flags.multiLine = value
            case "s": flags.dotAll = value
            case "U": break
            case "-":
                if !value { throw error("invalid or unsupported Perl syntax: (?-") }
                value = false
            default: throw error("invalid or unsupported Perl syntax")
            }
            position += 1
        }
        position += 1
        return true
    }

    /// `{n}`, `{n,}` or `{n,m}`; nil (and nothing consumed) when the brace is a literal.
    private mutating func parseCount() throws(RE2Regex.SyntaxError) -> (Int, Int?)? {
        let save = position
        position += 1
        func number(_ parser: inout RegexParser) -> Int? {
            var value = 0
            var digits = 0
            while let d = parser.peek(), ("0"..."9").contains(d) {
                value = min(value * 10 + Int(d.value - 48), 100_000)
                digits += 1
                parser.position += 1
            }
            return digits > 0 ? value : nil
        }
        guard let low = number(&self) else {
            position = save
            return nil
        }
        var high: Int? = low
        if peek() == "," {
            position += 1
            high = number(&self)
        }
        guard peek() == "}" else {
            position = save
            return nil
        }
        position += 1
        if low > 1000 || (high ?? 0) > 1000 || (high.map { $0 < low } ?? false) {
            throw error("invalid repeat count")
        }
        return (low, high)
    }

    private mutating func parseAtom() throws(RE2Regex.SyntaxError) -> RegexNode {
        guard let c = peek() else { throw error("missing argument") }
        switch c {
        case "*", "+", "?":
            throw error("missing argument to repetition operator: \(String(c))")
        case "(":
            position += 1
            let savedFlags = flags
            defer { flags = savedFlags }
            if peek() == "?" {
                position += 1
                switch peek() {
                case "P" where peek(1) == "<", "<":
                    position += peek() == "P" ? 2 : 1
                    if peek() == "=" || peek() == "!" { throw error("invalid or unsupported Perl syntax: lookbehind") }
                    var nameLength = 0
                    while let n = peek(), n != ">" {
                        guard isWordScalar(n) else { throw error("invalid named capture") }
                        position += 1
                        nameLength += 1
                    }
                    guard peek() == ">", nameLength > 0 else { throw error("invalid named capture") }
                    position += 1
                case "=", "!":
                    throw error("invalid or unsupported Perl syntax: lookahead")
                default:
                    // Non-capturing group with optional flags: (?:...) or (?i:...).
                    var value = true
                    while let f = peek(), f != ":" {
                        switch f {
                        case "i": flags.caseInsensitive = value
                        case "m": flags.multiLine = value
                        case "s": flags.dotAll = value
                        case "U": break
                        case "-" where value: value = false
                        default: throw error("invalid or unsupported Perl syntax")
                        }
                        position += 1
                    }
                    guard peek() == ":" else { throw error("missing closing )") }
                    position += 1
                }
            }
            let inner = try parseAlternation()
            guard peek() == ")" else { throw error("missing closing )") }
            position += 1
            return inner
        case ")":
            throw error("unexpected )")
        case "[":
            return .char(try parseClass())
        case ".":
            position += 1
            if flags.dotAll { return .char(CharMatcher(ranges: [0...0x10FFFF], negated: false, foldCase: false)) }
            return .char(CharMatcher(ranges: [10...10], negated: true, foldCase: false))
        case "^":
            position += 1
            return .assert(flags.multiLine ? .beginLine : .beginText)
        case "$":
            position += 1
            return .assert(flags.multiLine ? .endLine : .endText)
        case "\\":
            return try parseEscape()
        default:
            position += 1
            return literal(c)
        }
    }

    private func literal(_ c: Unicode.Scalar) -> RegexNode {
        .char(CharMatcher(ranges: [c.value...c.value], negated: false, foldCase: flags.caseInsensitive))
    }

    private mutating func parseEscape() throws(RE2Regex.SyntaxError) -> RegexNode {
        position += 1
        guard let e = peek() else { throw error("trailing backslash at end of expression") }
        switch e {
        case "A":
            position += 1
            return .assert(.beginText)
        case "z":
            position += 1
            return .assert(.endText)
        case "b":
            position += 1
            return .assert(.wordBoundary)
        case "B":
            position += 1
            return .assert(.notWordBoundary)
        case "Q":
            position += 1
            var items: [RegexNode] = []
            while let c = peek() {
                if c == "\\", peek(1) == "E" {
                    position += 2
                    break
                }
                items.append(literal(c))
                position += 1
            }
            return items.count == 1 ? items[0] : .concat(items)
        default:
            position -= 1
            var matcher = try parseClassEscape()
            matcher.foldCase = matcher.foldCase || flags.caseInsensitive
            return .char(matcher)
        }
    }

    /// An escape usable both inside and outside brackets (position at the backslash).
    private mutating func parseClassEscape() throws(RE2Regex.SyntaxError) -> CharMatcher {
        position += 1
        guard let e = peek() else { throw error("trailing backslash at end of expression") }
        position += 1
        func single(_ value: UInt32) -> CharMatcher {
            CharMatcher(ranges: [value...value], negated: false, foldCase: false)
        }
        switch e {
        case "d": return CharMatcher(ranges: RegexParser.digit, negated: false, foldCase: false)
        case "D": return CharMatcher(ranges: RegexParser.digit, negated: true, foldCase: false)
        case "w": return CharMatcher(ranges: RegexParser.word, negated: false, foldCase: false)
        case "W": return CharMatcher(ranges: RegexParser.word, negated: true, foldCase: false)
        case "s": return CharMatcher(ranges: RegexParser.space, negated: false, foldCase: false)
        case "S": return CharMatcher(ranges: RegexParser.space, negated: true, foldCase: false)
        case "n": return single(10)
        case "t": return single(9)
        case "r": return single(13)
        case "f": return single(12)
        case "v": return single(11)
        case "a": return single(7)
        case "0"..."7":
            // Octal escapes: \0, \0nn and \nnn; \1-\9 alone would be a backreference.
            if e != "0", !(peek().map { ("0"..."7").contains($0) } ?? false) {
                throw error("invalid escape sequence: \\\(String(e))")
            }
            var value = e.value - 48
            var digits = 1
            while digits < 3, let d = peek(), ("0"..."7").contains(d) {
                value = value * 8 + d.value - 48
                position += 1
                digits += 1
            }
            return single(value)
        case "x":
            var value: UInt32 = 0
            if peek() == "{" {
                position += 1
                var digits = 0
                while let d = peek(), let h = d.celHexValue {
                    value = value * 16 + h
                    digits += 1
                    position += 1
                    if value > 0x10FFFF { throw error("invalid escape sequence") }
                }
                guard peek() == "}", digits > 0 else { throw error("invalid escape sequence") }
                position += 1
            } else {
                for _ in 0..<2 {
                    guard let d = peek(), let h = d.celHexValue else { throw error("invalid escape sequence") }
                    value = value * 16 + h
                    position += 1
                }
            }
            return single(value)
        case "p", "P":
            var name = ""
            if peek() == "{" {
                position += 1
                while let c = peek(), c != "}" {
                    name.unicodeScalars.append(c)
                    position += 1
                }
                guard peek() == "}" else { throw error("invalid character class range") }
                position += 1
            } else if let c = peek() {
                name = String(c)
                position += 1
            }
            var negated = e == "P"
            if name.hasPrefix("^") {
                negated.toggle()
                name.removeFirst()
            }
            guard let categories = RegexParser.categories[name] else {
                throw error("invalid character class range: \\\(String(e)){\(name)}")
            }
            var matcher = CharMatcher(ranges: [], negated: negated, foldCase: false)
            matcher.categories = categories
            return matcher
        default:
            if e.value < 128, !isWordScalar(e) {
                return single(e.value)  // escaped punctuation stands for itself
            }
            throw error("invalid escape sequence: \\\(String(e))")
        }
    }

    // MARK: Classes

    static let digit: [ClosedRange<UInt32>] = [48...57]
    static let word: [ClosedRange<UInt32>] = [48...57, 65...90, 95...95, 97...122]
    static let space: [ClosedRange<UInt32>] = [9...10, 12...13, 32...32]
    static let posix: [String: [ClosedRange<UInt32>]] = [
        "alnum": [48...57, 65...90, 97...122], "alpha": [65...90, 97...122], "ascii": [0...127],
        "blank": [9...9, 32...32], "cntrl": [0...31, 127...127], "digit": [48...57],
        "graph": [33...126], "lower": [97...122], "print": [32...126],
        "punct": [33...47, 58...64, 91...96, 123...126], "space": [9...13, 32...32], "upper": [65...90],
        "word": [48...57, 65...90, 95...95, 97...122], "xdigit": [48...57, 65...70, 97...102],
    ]

    static let categories: [String: [Unicode.GeneralCategory]] = {
        typealias G = Unicode.GeneralCategory
        let letters: [G] = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter]
        let marks: [G] = [.nonspacingMark, .spacingMark, .enclosingMark]
        let numbers: [G] = [.decimalNumber, .letterNumber, .otherNumber]
        let punctuation: [G] = [
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation,
        ]
        let symbols: [G] = [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol]
        let separators: [G] = [.spaceSeparator, .lineSeparator, .paragraphSeparator]
        // RE2's and Go's C leaves unassigned code points out; Any takes them in.
        let others: [G] = [.control, .format, .surrogate, .privateUse]
        return [
            "L": letters, "Lu": [.uppercaseLetter], "Ll": [.lowercaseLetter], "Lt": [.titlecaseLetter],
            "Lm": [.modifierLetter], "Lo": [.otherLetter], "M": marks, "Mn": [.nonspacingMark],
            "Mc": [.spacingMark], "Me": [.enclosingMark], "N": numbers, "Nd": [.decimalNumber],
            "Nl": [.letterNumber], "No": [.otherNumber], "P": punctuation, "Pc": [.connectorPunctuation],
            "Pd": [.dashPunctuation], "Ps": [.openPunctuation], "Pe": [.closePunctuation],
            "Pi": [.initialPunctuation], "Pf": [.finalPunctuation], "Po": [.otherPunctuation], "S": symbols,
            "Sm": [.mathSymbol], "Sc": [.currencySymbol], "Sk": [.modifierSymbol], "So": [.otherSymbol],
            "Z": separators, "Zs": [.spaceSeparator], "Zl": [.lineSeparator], "Zp": [.paragraphSeparator],
            "C": others, "Cc": [.control], "Cf": [.format], "Co": [.privateUse], "Cs": [.surrogate],
            "Any": letters + marks + numbers + punctuation + symbols + separators + others + [.unassigned],
        ]
    }()

    private mutating func parseClass() throws(RE2Regex.SyntaxError) -> CharMatcher {
        position += 1
        var negated = false
        if peek() == "^" {
            negated = true
            position += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        var negatedParts: [CharMatcher] = []
        var categories: [Unicode.GeneralCategory] = []
        var excludedCategories: [[Unicode.GeneralCategory]] = []
        var first = true
        while true {
            guard let c = peek() else { throw error("missing closing ]") }
            if c == "]" && !first { break }
            first = false
            if c == "[", peek(1) == ":" {
                var end = position + 2
                while end < pattern.count, pattern[end] != ":" { end += 1 }
                if end + 1 < pattern.count, pattern[end + 1] == "]" {
                    var name = String(String.UnicodeScalarView(pattern[(position + 2)..<end]))
                    var negatedClass = false
                    if name.hasPrefix("^") {
                        negatedClass = true
                        name.removeFirst()
                    }
                    guard let classRanges = RegexParser.posix[name] else {
                        throw error("invalid character class range: [:\(name):]")
                    }
                    if negatedClass {
                        negatedParts.append(CharMatcher(ranges: classRanges, negated: true, foldCase: false))
                    } else {
                        ranges += classRanges
                    }
                    position = end + 2
                    continue
                }
            }
            var low: UInt32
            if c == "\\" {
                let matcher = try parseClassEscape()
                if !matcher.categories.isEmpty {
                    if matcher.negated {
                        excludedCategories.append(matcher.categories)
                    } else {
                        categories += matcher.categories
                    }
                    continue
                }
                if matcher.negated || matcher.ranges.count != 1 || matcher.ranges[0].count != 1 {
                    if matcher.negated { negatedParts.append(matcher) } else { ranges += matcher.ranges }
                    continue
                }
                low = matcher.ranges[0].lowerBound
            } else {
                low = c.value
                position += 1
            }
            if peek() == "-", let after = peek(1), after != "]" {
                position += 1
                var high: UInt32
                if after == "\\" {
                    let matcher = try parseClassEscape()
                    guard !matcher.negated, matcher.ranges.count == 1, matcher.ranges[0].count == 1 else {
                        throw error("invalid character class range")
                    }
                    high = matcher.ranges[0].lowerBound
                } else {
                    high = after.value
                    position += 1
                }
                guard low <= high else { throw error("invalid character class range") }
                ranges.append(low...high)
            } else {
                ranges.append(low...low)
            }
        }
        position += 1
        if !negatedParts.isEmpty {
            // Merge complements of negated escapes like [\D] into explicit ranges; with case folding
            // the complement is taken of the folded set, as in RE2 (`(?i)[[:^lower:]]` leaves out A-Z too).
            for part in negatedParts {
                let base = flags.caseInsensitive ? RegexParser.foldClosure(part.ranges) : part.ranges
                ranges += RegexParser.complement(base)
            }
        }
        var matcher = CharMatcher(ranges: ranges, negated: negated, foldCase: flags.caseInsensitive)
        matcher.categories = categories
        matcher.excludedCategories = excludedCategories
        return matcher
    }

    /// `ranges` with the case folding orbits of their members added (for the small ASCII and POSIX
    /// classes that negated escapes name; larger sets are returned as they are).
    static func foldClosure(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        guard ranges.reduce(0, { $0 + $1.count }) <= 4_096 else { return ranges }
        var out = ranges
        for range in ranges {
            for value in range {
                guard let scalar = Unicode.Scalar(value) else { continue }
                out += caseVariants(scalar).map { $0...$0 }
            }
        }
        return out
    }

    static func complement(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var out: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in sorted {
            if range.lowerBound > next { out.append(next...(range.lowerBound - 1)) }
            next = max(next, range.upperBound &+ 1)
        }
        if next <= 0x10FFFF { out.append(next...0x10FFFF) }
        return out
    }
}

// MARK: - Compilation

struct RegexCompiler {
    var program: [Instruction] = []

    /// A compiled fragment: its entry point and the instructions whose targets are still open.
    struct Fragment {
        let start: Int
        var exits: [Hole]
    }

    enum Hole {
        case jump(Int)
        case splitFirst(Int)
        case splitSecond(Int)
    }

    private mutating func emit(_ instruction: Instruction) throws(RE2Regex.SyntaxError) -> Int {
        if program.count >= RE2Regex.maxProgramSize {
            throw RE2Regex.SyntaxError(message: "expression too large")
        }
        program.append(instruction)
        return program.count - 1
    }

    mutating func patch(_ holes: [Hole], to target: Int) throws(RE2Regex.SyntaxError) {
        for hole in holes {
            switch hole {
            case .jump(let pc): program[pc] = .jump(target)
            case .splitFirst(let pc):
                if case .split(_, let b) = program[pc] { program[pc] = .split(target, b) }
            case .splitSecond(let pc):
                if case .split(let a, _) = program[pc] { program[pc] = .split(a, target) }
            }
        }
    }

    mutating func compile(_ node: RegexNode) throws(RE2Regex.SyntaxError) -> Fragment {
        switch node {
        case .empty:
            let pc = try emit(.jump(-1))
            return Fragment(start: pc, exits: [.jump(pc)])
        case .char(let matcher):
            let pc = try emit(.char(matcher))
            // A char instruction continues at pc + 1; route it through a jump so it can be patched.
            let hole = try emit(.jump(-1))
            return Fragment(start: pc, exits: [.jump(hole)])
        case .assert(let assertion):
            let pc = try emit(.assert(assertion))
            let hole = try emit(.jump(-1))
            return Fragment(start: pc, exits: [.jump(hole)])
        case .concat(let items):
            var first: Fragment?
            var exits: [Hole] = []
            for item in items {
                let fragment = try compile(item)
                if first == nil { first = fragment } else { try patch(exits, to: fragment.start) }
                exits = fragment.exits
            }
            guard let first else { return try compile(.empty) }
            return Fragment(start: first.start, exits: exits)
        case .alternate(let branches):
            // split L1, next; L1: branch1; next: split L2, ... last branch.
            var exits: [Hole] = []
            var pendingSplit: Int?
            var start: Int?
            for (i, branch) in branches.enumerated() {
                if i < branches.count - 1 {
                    let split = try emit(.split(-1, -1))
                    if let pendingSplit { try patch([.splitSecond(pendingSplit)], to: split) }
                    if start == nil { start = split }
                    let fragment = try compile(branch)
                    try patch([.splitFirst(split)], to: fragment.start)
                    exits += fragment.exits
                    pendingSplit = split
                } else {
                    let fragment = try compile(branch)
                    if let pendingSplit { try patch([.splitSecond(pendingSplit)], to: fragment.start) }
                    if start == nil { start = fragment.start }
                    exits += fragment.exits
                }
            }
            return Fragment(start: start ?? 0, exits: exits)
        case .optional(let inner, let greedy):
            // The first branch of a split has priority: the body when greedy, the exit when lazy.
            let split = try emit(.split(-1, -1))
            let fragment = try compile(inner)
            try patch([greedy ? .splitFirst(split) : .splitSecond(split)], to: fragment.start)
            return Fragment(start: split, exits: fragment.exits + [greedy ? .splitSecond(split) : .splitFirst(split)])
        case .repeatNode(let inner, let min, let max, let greedy):
            var parts: [RegexNode] = Array(repeating: inner, count: min)
            if let max {
                // x{min,max} is min copies of x followed by (max - min) copies of x?: the same
                // language as the nested form, without deep recursion.
                parts += Array(repeating: .optional(inner, greedy: greedy), count: max - min)
                if parts.isEmpty { return try compile(.empty) }
                return try compileSequence(parts)
            }
            // Unbounded: min copies followed by a star.
            let split = try emit(.split(-1, -1))
            let body = try compile(inner)
            try patch([greedy ? .splitFirst(split) : .splitSecond(split)], to: body.start)
            try patch(body.exits, to: split)
            let star = Fragment(start: split, exits: [greedy ? .splitSecond(split) : .splitFirst(split)])
            if min == 0 { return star }
            var prefix = try compileSequence(Array(repeating: inner, count: min))
            try patch(prefix.exits, to: star.start)
            prefix.exits = star.exits
            return prefix
        }
    }

    private mutating func compileSequence(_ parts: [RegexNode]) throws(RE2Regex.SyntaxError) -> Fragment {
        try compile(.concat(parts))
    }
}
