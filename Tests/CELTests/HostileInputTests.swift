import Testing

@testable import CEL

/// Hostile expressions and inputs end with an error within the cost limit, on a task's stack
/// (LimitsTests covers the cost model itself; this suite throws the usual attacks at it). The bound is
/// the deterministic cost budget, not a wall-clock limit: how long these take is a benchmark question.
struct HostileInputTests {
    /// Parses and evaluates `source` on a detached task; returns the error (nil when it evaluated).
    static func outcome(
        _ source: String, bindings: [String: CELValue] = [:], costLimit: Int = 10_000_000,
        parseLimits: CELParseLimits = CELParseLimits()
    ) async -> CELError? {
        await Task.detached { () -> CELError? in
            do throws(CELError) {
                let expression = try CELExpression(parsing: source, limits: parseLimits)
                _ = try expression.evaluate(bindings, options: CELEvaluationOptions(costLimit: costLimit))
                return nil
            } catch {
                return error
            }
        }.value
    }

    // MARK: Deep nesting

    /// Every way to nest deeper than the recursion limit (250, as cel-go) is a syntax error, not a stack overflow.
    @Test(arguments: [
        ("parentheses", String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000)),
        ("logical not", String(repeating: "!", count: 20_000) + "true"),
        ("negation", String(repeating: "-", count: 20_000) + "1"),
        ("list literals", String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000)),
        ("map literals", String(repeating: "{'a': ", count: 10_000) + "1" + String(repeating: "}", count: 10_000)),
        ("calls", String(repeating: "size(", count: 10_000) + "''" + String(repeating: ")", count: 10_000)),
        ("member chain", "m" + String(repeating: ".a", count: 20_000)),
        ("index chain", "m" + String(repeating: "[0]", count: 20_000)),
        ("method chain", "'a'" + String(repeating: ".size()", count: 10_000)),
        ("conditionals", String(repeating: "false ? 1 : ", count: 5_000) + "2"),
        ("left-associative sum", Array(repeating: "1", count: 20_000).joined(separator: " + ")),
        ("right-nested sum", String(repeating: "1 + (", count: 10_000) + "1" + String(repeating: ")", count: 10_000)),
        ("comparisons", Array(repeating: "1", count: 20_000).joined(separator: " == ")),
        ("comprehensions", String(repeating: "[1].all(x, ", count: 5_000) + "true" + String(repeating: ")", count: 5_000)),
        ("has", "has(m" + String(repeating: ".a", count: 20_000) + ")"),
    ])
    func deepNestingIsASyntaxError(form: String, source: String) async throws {
        let error = try #require(await Self.outcome(source), "\(form) evaluated")
        #expect(error.kind == .syntax, "\(form): \(error.message)")
        #expect(error.message.contains("recursion limit"), "\(form): \(error.message)")
    }

    /// Long `&&` and `||` chains become balanced trees (as in cel-go), so they evaluate without deep
    /// recursion; their cost still grows with their length.
    @Test func longLogicalChainsAreBalancedAndCharged() async throws {
        for (op, value) in [(" && ", true), (" || ", false)] {
            let source = Array(repeating: "x", count: 12_000).joined(separator: op)
            let bindings: [String: CELValue] = ["x": .bool(value)]
            #expect(await Self.outcome(source, bindings: bindings) == nil, "\(op) chain failed")
            #expect(try CELExpression(parsing: source).evaluate(bindings) == .bool(value))
            let error = try #require(await Self.outcome(source, bindings: bindings, costLimit: 5_000))
            #expect(error.kind == .costLimit, "\(op): \(error.message)")
        }
    }

    /// Sources over the size limit (100,000 code points, as cel-go) are rejected before they are parsed.
    @Test func oversizedSourceIsRejected() async throws {
        let source = "[" + Array(repeating: "0", count: 100_000).joined(separator: ",") + "]"
        let error = try #require(await Self.outcome(source))
        #expect(error.kind == .syntax)
        #expect(error.message.contains("size exceeds limit"), "\(error.message)")
    }

    // MARK: Huge values

    /// A list literal of half a million elements, admitted by raised parse limits, still pays for its elements.
    @Test func hugeListLiteralHitsTheCostLimit() async throws {
        let source = "[" + Array(repeating: "1", count: 500_000).joined(separator: ",") + "].size() > 0"
        let limits = CELParseLimits(maxSourceScalars: 2_000_000)
        let error = try #require(await Self.outcome(source, costLimit: 100_000, parseLimits: limits))
        #expect(error.kind == .costLimit, "\(error.message)")
        let map = "{" + (0..<100_000).map { "\($0): \($0)" }.joined(separator: ",") + "}.size() > 0"
        let mapError = try #require(await Self.outcome(map, costLimit: 100_000, parseLimits: limits))
        #expect(mapError.kind == .costLimit, "\(mapError.message)")
    }

    /// A readiness expression over an object with a million conditions stops at the cost limit.
    @Test func hugeBoundListHitsTheCostLimit() async throws {
        var condition = CELMap()
        try condition.insert(.string("type"), .string("Stalled"))
        try condition.insert(.string("status"), .string("True"))
        var status = CELMap()
        try status.insert(.string("conditions"), .list(Array(repeating: .map(condition), count: 1_000_000)))
        let error = try #require(
            await Self.outcome(
                "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')", bindings: ["status": .map(status)],
                costLimit: 1_000_000))
        #expect(error.kind == .costLimit, "\(error.message)")
    }

    // MARK: Catastrophic regular expressions

    /// Patterns that backtracking engines take exponential time on run in linear time here (RE2 semantics),
    /// and their cost, proportional to the input, stops them at the cost limit.
    @Test(arguments: ["(a*)*b", "(a+)+b", "(a|a)*b", "(a|aa)*c", "(.*a){20}b", "(x+x+)+y", "^(a?){30}a{30}$", "(?i)(A*)*B"])
    func catastrophicRegexHitsTheCostLimit(pattern: String) async throws {
        let bindings: [String: CELValue] = ["s": .string(String(repeating: "a", count: 100_000))]
        let source = "s.matches('\(pattern)')"
        let error = try #require(await Self.outcome(source, bindings: bindings, costLimit: 50_000), "\(pattern) matched within the limit")
        #expect(error.kind == .costLimit, "\(pattern): \(error.message)")
        // With the default limit a shorter input finishes (in linear time) with the answer.
        let shorter: [String: CELValue] = ["s": .string(String(repeating: "a", count: 5_000))]
        #expect(await Self.outcome(source, bindings: shorter) == nil, "\(pattern) failed on 5,000 characters")
    }

    /// Repetition counts that would blow up the compiled program are rejected when the pattern is compiled.
    @Test(arguments: ["((a{100}){100}){100}", "a{1001}", "(((a{50}){50}){50}){50}"])
    func explodingRepetitionIsAnError(pattern: String) async throws {
        let error = try #require(await Self.outcome("'aaa'.matches('\(pattern)')"))
        #expect(error.kind == .evaluation, "\(pattern): \(error.message)")
    }

    // MARK: Comprehensions over large ranges

    @Test(arguments: [
        "lists.range(10000000).map(x, x).size()",
        "lists.range(1000000).map(x, x * 2).filter(y, y % 3 == 0).size() > 0",
        "lists.range(1000).map(x, lists.range(1000).map(y, lists.range(1000).map(z, z))).size()",
        "lists.range(100000).exists_one(x, lists.range(100000).exists(y, x == y && y < 0))",
        "lists.range(2).map(a, lists.range(2).map(b, lists.range(2).map(c, lists.range(2).map(d, lists.range(2).map(e, "
            + "lists.range(2).map(f, lists.range(2).map(g, lists.range(2).map(h, lists.range(1000000))))))))).size()",
        "lists.range(100000).all(x, lists.range(100000).all(y, true))",
        "lists.range(1000000).map(x, string(x)).join(',').size()",
        "[1, 2, 3].map(x, lists.range(100000000)).size()",
    ])
    func largeComprehensionsHitTheLimit(source: String) async throws {
        let error = try #require(await Self.outcome(source, costLimit: 1_000_000), "\(source) evaluated")
        #expect(error.kind == .costLimit, "\(source): \(error.message)")
    }
}
