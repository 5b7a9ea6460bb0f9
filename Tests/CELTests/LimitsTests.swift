import Testing

@testable import CEL

/// Hostile expressions end with an error, never a hang or a crash.
struct LimitsTests {
    @Test func costLimitStopsNestedComprehensions() throws {
        let range = "[" + (0..<100).map(String.init).joined(separator: ",") + "]"
        let source = "\(range).all(a, \(range).all(b, \(range).all(c, \(range).all(d, true))))"
        let expression = try CELExpression(parsing: source)
        do {
            _ = try expression.evaluate([:], options: CELEvaluationOptions(costLimit: 1_000_000))
            Issue.record("expected the cost limit to stop evaluation")
        } catch {
            #expect(error.kind == .costLimit)
            #expect(error.message.contains("cost limit exceeded"))
        }
    }

    @Test func costLimitIsNotAbsorbedByLogic() throws {
        let expression = try CELExpression(parsing: "[1, 2, 3].map(x, x * 2).size() == 3 || true")
        #expect(throws: CELError.self) {
            try expression.evaluate([:], options: CELEvaluationOptions(costLimit: 3))
        }
        #expect(try expression.evaluate([:]) == .bool(true))
    }

    @Test func stringGrowthIsCharged() throws {
        let doubling = "['x'].map(a, a + a).map(a, a + a)"
        var source = "'" + String(repeating: "x", count: 1000) + "'"
        for _ in 0..<20 { source = "[\(source)].map(s, s + s)[0]" }
        let expression = try CELExpression(parsing: source + ".size() > 0 && " + doubling + ".size() == 1")
        #expect(throws: CELError.self) {
            try expression.evaluate([:], options: CELEvaluationOptions(costLimit: 100_000))
        }
    }

    @Test func exponentialGrowthHitsTheSizeLimit() throws {
        var source = "[1, 2]"
        for level in 0..<40 { source = "cel.bind(v\(level), \(source), v\(level) + v\(level))" }
        let error = try #require(throws: CELError.self) { try CELExpression(parsing: source).evaluate([:]) }
        #expect(error.kind == .costLimit)
        var text = "'ab'"
        for level in 0..<40 { text = "cel.bind(s\(level), \(text), s\(level).replace('', s\(level)))" }
        #expect(throws: CELError.self) { try CELExpression(parsing: text).evaluate([:]) }
        let nested = "cel.bind(a, lists.range(1000), cel.bind(b, a.map(x, a), b.map(y, b).flatten(2)))"
        #expect(throws: CELError.self) { try CELExpression(parsing: nested).evaluate([:]) }
    }

    @Test func regexCostIsBounded() throws {
        let text = String(repeating: "a", count: 50_000)
        let expression = try CELExpression(parsing: "s.matches('(a|aa)*(b|c|d)')")
        #expect(throws: CELError.self) {
            try expression.evaluate(["s": .string(text)], options: CELEvaluationOptions(costLimit: 10_000))
        }
    }

    @Test func deepestAllowedExpressionEvaluatesOnATaskStack() async throws {
        // The parser admits trees up to the recursion limit; evaluating one must fit a task's stack.
        let nested = String(repeating: "(1 + ", count: 120) + "1" + String(repeating: ")", count: 120)
        let expression = try CELExpression(parsing: nested)
        let value = try await Task.detached { try expression.evaluate([:]) }.value
        #expect(value == .int(121))
        let lists = String(repeating: "[", count: 240) + String(repeating: "]", count: 240)
        let listExpression = try CELExpression(parsing: lists + " == " + lists)
        #expect(try await Task.detached { try listExpression.evaluate([:]) }.value == .bool(true))
        let comprehensions = String(repeating: "[1].map(x, ", count: 248) + "x" + String(repeating: ")", count: 248)
        let comprehensionExpression = try CELExpression(parsing: comprehensions)
        #expect(try await Task.detached { try comprehensionExpression.evaluate([:]) }.value != .null)
        let parens = String(repeating: "(", count: 249) + "1" + String(repeating: ")", count: 249)
        #expect(try await Task.detached { try CELExpression(parsing: parens).evaluate([:]) }.value == .int(1))
        let selects = "m" + String(repeating: ".a", count: 240)
        let selectExpression = try CELExpression(parsing: "has(\(selects))")
        #expect(throws: CELError.self) { try selectExpression.evaluate(["m": .map(CELMap())]) }
    }
}
