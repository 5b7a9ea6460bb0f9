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
        #expect(parsed > 50)
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
}
