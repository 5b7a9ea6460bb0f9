import Testing

@testable import CEL

/// Language definition "Macros": has, all, exists, exists_one, map, filter.
struct MacroTests {
    @Test func quantifiers() {
        expectTrue([
            "[1, 2, 3].all(x, x > 0)", "![1, 2, 3].all(x, x > 1)", "[].all(x, false)", "[1, 2, 3].exists(x, x == 2)",
            "![].exists(x, true)", "[1, 2, 3].exists_one(x, x > 2)", "![1, 2, 3].exists_one(x, x > 1)",
            "{'a': 1, 'b': 2}.all(k, k in ['a', 'b'])", "{'a': 1}.exists(k, k == 'a')",
        ])
    }

    @Test func errorAbsorptionInQuantifiers() {
        expectTrue([
            "![0, 1].all(x, 1 / x > 1)", "[0, 2].exists(x, 2 / x == 1)", "!['a', 1].all(x, x == 2)",
            "[1, 'a'].exists(x, x == 1)",
        ])
        expectErrors([
            ("[0, 1].all(x, 1 / x >= 1)", "divide by zero"),
            ("[0, 1].exists(x, 1 / x == 2)", "divide by zero"),
            ("[0, 1].exists_one(x, 1 / x == 1)", "divide by zero"),
            ("[1, 2].all(x, x)", "no such overload"),
            ("1.all(x, true)", "cannot iterate"),
        ])
    }

    @Test func transforms() {
        #expect(eval("[1, 2, 3].map(x, x * 2)") == .list([.int(2), .int(4), .int(6)]))
        #expect(eval("[1, 2, 3, 4].map(x, x % 2 == 0, x * 10)") == .list([.int(20), .int(40)]))
        #expect(eval("[1, 2, 3, 4].filter(x, x > 2)") == .list([.int(3), .int(4)]))
        #expect(eval("{'a': 1, 'b': 2}.filter(k, k != 'a')") == .list([.string("b")]))
        #expect(eval("[[1, 2], [3]].map(l, l.map(x, x + 1))") == .list([.list([.int(2), .int(3)]), .list([.int(4)])]))
        #expect(eval("[1, 2].map(x, [3, 4].map(y, x * y))") == .list([.list([.int(3), .int(4)]), .list([.int(6), .int(8)])]))
        expectErrors([("[1, 0].map(x, 1 / x)", "divide by zero"), ("[1].filter(x, 'no')", "no such overload")])
    }

    @Test func macroArgumentsMustBeSimpleNames() {
        #expect(throws: CELError.self) { try CELExpression(parsing: "[1].all(x.y, true)") }
        #expect(throws: CELError.self) { try CELExpression(parsing: "[1].map(1, 2)") }
        #expect(throws: CELError.self) { try CELExpression(parsing: "has(x)") }
        #expect(throws: CELError.self) { try CELExpression(parsing: "has(x[0])") }
    }
}
