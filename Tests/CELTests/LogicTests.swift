import Testing

@testable import CEL

/// Language definition "Logical Operators": commutative error absorption, conditional, negation.
struct LogicTests {
    @Test func absorption() {
        expectTrue([
            "!(false && (1 / 0 == 1))", "!((1 / 0 == 1) && false)", "true || (1 / 0 == 1)", "(1 / 0 == 1) || true",
            "!(false && 'x')", "'x' || true", "!(1 && false)", "!(false && 1)",
            "[1].exists(x, x == 1) || (1 / 0 == 1)",
        ])
    }

    @Test func errorsSurviveWhenNotAbsorbed() {
        expectErrors([
            ("true && (1 / 0 == 1)", "divide by zero"),
            ("(1 / 0 == 1) || false", "divide by zero"),
            ("(1 / 0 == 1) && (2 % 0 == 1)", "divide by zero"),
            ("true && 1", "no such overload"),
            ("false || 'a'", "no such overload"),
            ("!1", "no such overload"),
            ("1 ? 2 : 3", "no such overload"),
        ])
    }

    @Test func conditional() {
        #expect(eval("true ? 1 : 1 / 0") == .int(1))
        #expect(eval("false ? 1 / 0 : 'b'") == .string("b"))
        #expect(eval("1 < 2 ? 'yes' : 'no'") == .string("yes"))
        #expect(eval("false ? 1 : true ? 2 : 3") == .int(2))
    }

    @Test func negation() {
        expectTrue(["!false", "!!true", "!!!false"])
    }

    @Test func variablesAndQualifiedNames() throws {
        let bindings: [String: CELValue] = [
            "x": .int(3), "a.b": .map(try CELMap([(.string("c"), .string("qualified"))])),
            "a": .map(try CELMap([(.string("b"), .map(try CELMap([(.string("c"), .string("field"))])))])),
        ]
        #expect(eval("x * 2", bindings) == .int(6))
        #expect(eval("a.b.c", bindings) == .string("qualified"))
        #expect(eval(".a.b.c", bindings) == .string("qualified"))
        #expect(eval("(a).b.c", bindings) == .string("field"))
        expectErrors([("y + 1", "undeclared reference to 'y'"), ("dyn", "undeclared reference")], bindings)
    }

    @Test func unknownNamesAreRuntimeErrors() {
        expectTrue(["x || true", "f_unknown(17) || true", "a.while() || true", "{'as': 1}.as == 1", "{'if': 2}.if == 2"])
        expectErrors([("x", "undeclared reference to 'x' (in container '')"), ("f_unknown(17)", "unbound function")])
        #expect(throws: CELError.self) { try CELExpression(parsing: "a.in") }
        #expect(throws: CELError.self) { try CELExpression(parsing: "a.true") }
    }

    @Test func containerResolution() throws {
        let bindings: [String: CELValue] = [
            "com.example.y": .bool(true), "y": .string("root"), "y.z": .int(42), "com.example.w.z": .int(7),
        ]
        let options = CELEvaluationOptions(container: "com.example")
        func run(_ source: String) throws -> CELValue {
            try CELExpression(parsing: source).evaluate(bindings, options: options)
        }
        #expect(try run("y") == .bool(true))
        #expect(try run(".y") == .string("root"))
        #expect(try run("w.z") == .int(7))
        #expect(try run("[{'z': 0}].exists(y, y.z == 0)") == .bool(true))
        #expect(try run("[{'z': 0}].exists(y, .y.z == 0)") == .bool(true))
        #expect(try run("[1].exists(y, [0].exists(y, y == 0))") == .bool(true))
    }

    @Test func comprehensionVariableShadowsBinding() {
        #expect(eval("[1, 2].map(x, x * 10)", ["x": .string("outer")]) == .list([.int(10), .int(20)]))
        #expect(eval("[1].all(x, x == 1) && x == 'outer'", ["x": .string("outer")]) == .bool(true))
    }
}
