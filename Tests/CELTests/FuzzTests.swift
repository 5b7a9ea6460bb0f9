import Testing

@testable import CEL

/// Deterministic random inputs: parsing and evaluation end in a value or an error, never a crash.
struct FuzzTests {
    /// A small linear congruential generator, so runs are reproducible.
    private struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    private static let fragments = [
        "1", "-", "+", "*", "/", "%", "(", ")", "[", "]", "{", "}", ",", ":", "?", ".", "!", "&&", "||", "==", "<",
        ">=", " in ", "'a'", "\"b\"", "b'\\xff'", "r'\\d'", "2u", "3.5", "-9223372036854775808", "x", "y", "true",
        "null", "size", "has", ".all(", ".map(", ".exists_one(", ".filter(", "z,", "timestamp('2020-01-01T00:00:00Z')",
        "duration('1s')", "int", "string(", "matches(", "'[a-z]+'", ".?", "[?", "optional.of(", "cel.bind(", "math.greatest(",
        "quantity('1Gi')", "\\", "'''", "0x", "1e", "`", "'(a*)*'", ".size()", "{'k': [1, {'n': null}]}",
        "9223372036854775807", "'abc'", ".replace(", ".split(", ".substring(", ".charAt(", ".indexOf(", ".lastIndexOf(",
        "math.bitShiftLeft(", "math.abs(", "lists.range(", ".slice(", ".findAll(", ".find(", "ip(", "cidr('10.0.0.0/8')",
        ".containsIP(", "timestamp(", "duration(", ".getHours(", "'+25:00'", "uint(", "double(", "-1", "18446744073709551615u",
        ".sort()", ".flatten(", "sets.contains(", "base64.decode(", ".transformMap(k, v, ", "x.?y", ".orValue(",
    ]

    @Test func randomExpressionsNeverCrash() {
        var generator = Generator(state: 0x5EED)
        let bindings: [String: CELValue] = ["x": .int(2), "y": .list([.string("a"), .map(CELMap())])]
        var parsed = 0
        for _ in 0..<3000 {
            var source = ""
            for _ in 0..<(1 + generator.next(24)) {
                source += FuzzTests.fragments[generator.next(FuzzTests.fragments.count)]
            }
            guard let expression = try? CELExpression(parsing: source) else { continue }
            parsed += 1
            _ = try? expression.evaluate(bindings, options: CELEvaluationOptions(costLimit: 50_000))
        }
        #expect(parsed > 20)
    }

    @Test func randomRegexPatternsNeverCrash() {
        var generator = Generator(state: 42)
        let pieces = ["a", "b", ".", "*", "+", "?", "|", "(", ")", "[", "]", "^", "$", "{2,3}", "\\d", "\\b", "(?i)", "[^a]", "-", "\\"]
        var compiled = 0
        for _ in 0..<3000 {
            var pattern = ""
            for _ in 0..<(1 + generator.next(16)) { pattern += pieces[generator.next(pieces.count)] }
            guard let regex = try? RE2Regex(pattern) else { continue }
            compiled += 1
            let text = Array("aab ba\nA-1".unicodeScalars)
            let match = regex.firstMatch(in: text, from: 0)
            // A leftmost-first match exists exactly when the pattern matches somewhere.
            #expect((match != nil) == regex.matches("aab ba\nA-1"), "\(pattern)")
        }
        #expect(compiled > 100)
    }

    private static let atoms = [
        "0", "1", "-1", "9223372036854775807", "-9223372036854775808", "18446744073709551615u", "0u", "1.5", "-0.0", "1e308",
        "''", "'abc'", "'héllo'", "b'\\xff'", "true", "null", "[]", "[1, 'a']", "{}", "{'a': 1}", "x",
        "timestamp('2020-01-01T00:00:00Z')", "duration('1h')", "duration('-1ns')", "quantity('1Gi')", "ip('::1')",
        "cidr('10.0.0.0/8')", "optional.none()", "optional.of(1)", "'[a-'", "'(a|b)*'", "'+01:00'", "'America/New_York'",
        "lists.range(3)", "int", "type(1)",
    ]
    private static let methods = [
        "size", "contains", "startsWith", "endsWith", "matches", "charAt", "indexOf", "lastIndexOf", "lowerAscii", "upperAscii",
        "replace", "split", "substring", "trim", "reverse", "join", "isSorted", "min", "max", "sum", "slice", "flatten", "distinct",
        "sort", "getFullYear", "getMonth", "getDate", "getDayOfWeek", "getDayOfYear", "getHours", "getMinutes", "getSeconds",
        "getMilliseconds", "find", "findAll", "isLessThan", "add", "sub", "asInteger", "compareTo", "family", "containsIP",
        "containsCIDR", "masked", "prefixLength", "hasValue", "value", "or", "orValue", "isLoopback",
    ]
    private static let globals = [
        "int", "uint", "double", "string", "bool", "bytes", "timestamp", "duration", "type", "dyn", "size", "matches",
        "math.greatest", "math.least", "math.abs", "math.sign", "math.bitShiftLeft", "math.bitShiftRight", "math.round",
        "base64.encode", "base64.decode", "lists.range", "sets.contains", "sets.intersects", "strings.quote", "quantity",
        "isQuantity", "ip", "cidr", "isIP", "optional.of", "optional.ofNonZeroValue",
    ]
    private static let operators = ["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "in", "&&", "||"]

    /// A random well-formed expression of at most `depth` levels, calling library functions with odd arguments.
    private func expression(_ g: inout Generator, depth: Int) -> String {
        func pick(_ items: [String]) -> String { items[g.next(items.count)] }
        if depth <= 0 { return pick(FuzzTests.atoms) }
        switch g.next(9) {
        case 0, 1: return pick(FuzzTests.atoms)
        case 2:
            return "(\(expression(&g, depth: depth - 1)) \(pick(FuzzTests.operators)) \(expression(&g, depth: depth - 1)))"
        case 3:
            let method = pick(FuzzTests.methods)
            let arguments = (0..<g.next(3)).map { _ in expression(&g, depth: depth - 1) }
            return "\(expression(&g, depth: depth - 1)).\(method)(\(arguments.joined(separator: ", ")))"
        case 4:
            let function = pick(FuzzTests.globals)
            let arguments = (0..<(1 + g.next(2))).map { _ in expression(&g, depth: depth - 1) }
            return "\(function)(\(arguments.joined(separator: ", ")))"
        case 5: return "\(expression(&g, depth: depth - 1)).map(v, \(expression(&g, depth: depth - 1)))"
        case 6: return "\(expression(&g, depth: depth - 1))[\(expression(&g, depth: depth - 1))]"
        case 7:
            let parts = (0..<3).map { _ in expression(&g, depth: depth - 1) }
            return "(\(parts[0]) ? \(parts[1]) : \(parts[2]))"
        default: return "[\(expression(&g, depth: depth - 1)), \(expression(&g, depth: depth - 1))]"
        }
    }

    @Test func randomLibraryCallsNeverCrash() {
        var generator = Generator(state: 7)
        var values = 0
        var errors = 0
        for _ in 0..<3000 {
            let source = expression(&generator, depth: 4)
            guard let parsed = try? CELExpression(parsing: source) else {
                Issue.record("generated expression did not parse: \(source)")
                continue
            }
            do {
                _ = try parsed.evaluate(["x": .int(3)], options: CELEvaluationOptions(costLimit: 100_000))
                values += 1
            } catch {
                errors += 1
            }
        }
        #expect(values > 100 && errors > 100)
    }
}
