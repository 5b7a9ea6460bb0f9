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

    @Test func twoVariableComprehensions() {
        expectTrue([
            "[1, 2, 3].exists(i, v, i == 1 && v == 2)", "[1, 2, 3].all(i, v, i > -1 && v > 0)",
            "{'key1': 1, 'key2': 2}.exists(k, v, k == 'key2' && v == 2)", "![0, 'foo', 3].all(i, v, v % 2 == i)",
            "[5, 7, 8].existsOne(i, v, v % 5 == i)", "{6: 'six', 7: 'seven'}.existsOne(k, v, k % 5 == 2 && v == 'seven')",
            "[2, 4, 6].transformList(i, v, v / 2 + i) == [1, 3, 5]",
            "[2, 4, 6].transformList(i, v, i != 1, v / 2 + i) == [1, 5]",
            "{'foo': 'bar'}.transformMap(k, v, k + v) == {'foo': 'foobar'}",
            "{'a': 1, 'b': 2}.transformMap(k, v, v > 1, v * 10) == {'b': 20}",
            "['x', 'y'].transformMap(i, v, v) == {0: 'x', 1: 'y'}",
        ])
        expectErrors([
            ("[0, 'foo', 5].all(i, v, v % 3 == i)", "no such overload"),
            ("[3, 2, 1, 0].existsOne(i, v, v / i > 1)", "divide by zero"),
            ("{'foo': 2, 'baz': 0}.transformMap(k, v, 4 / v)", "divide by zero"),
        ])
        #expect(throws: CELError.self) { try CELExpression(parsing: "[1].all(i, i, true)") }
    }

    @Test func bindMacro() {
        expectTrue([
            "cel.bind(a, 'hello', a + a) == 'hellohello'",
            "cel.bind(x, [1, 2], x.map(y, y * 10)) == [10, 20]",
            "cel.bind(a, 1, cel.bind(a, 2, a)) == 2",
            "cel.bind(v, 3, [v].all(v, v == 3)) && cel.bind(v, 'x', v == 'x')",
        ])
        #expect(throws: CELError.self) { try CELExpression(parsing: "cel.bind(a.b, 1, 2)") }
    }

    @Test func macroArgumentsMustBeSimpleNames() {
        #expect(throws: CELError.self) { try CELExpression(parsing: "[1].all(x.y, true)") }
        #expect(throws: CELError.self) { try CELExpression(parsing: "[1].map(1, 2)") }
        #expect(throws: CELError.self) { try CELExpression(parsing: "has(x)") }
        #expect(throws: CELError.self) { try CELExpression(parsing: "has(x[0])") }
    }
}
