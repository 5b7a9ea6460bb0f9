import Testing

@testable import CEL

/// Grammar and precedence from the CEL language definition, section "Syntax".
struct ParserTests {
    private func tree(_ source: String) throws -> String {
        try CELExpression(parsing: source).root.description
    }

    private func syntaxError(_ source: String) -> CELError? {
        do {
            _ = try CELExpression(parsing: source)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("1 + 2 * 3", "(1 + (2 * 3))"),
        ("1 - 2 - 3", "((1 - 2) - 3)"),
        ("a < b == c", "((a < b) == c)"),
        ("a in b && c || d", "((a in b) && c) || d".isEmpty ? "" : "(((a in b) && c) || d)"),
        ("a ? b : c ? d : e", "(a ? b : (c ? d : e))"),
        ("a || b ? c || d : e", "((a || b) ? (c || d) : e)"),
        ("!!a", "!!a"),
        ("--a", "--a"),
        ("-1", "-1"),
        ("- 1", "-1"),
        ("-a.b", "-a.b"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("!-1", "!-1"),
        ("a.b.c", "a.b.c"),
        (".a.b", ".a.b"),
        ("a.f(1, 2)", "a.f(1, 2)"),
        ("f(x)[0].y", "f(x)[0].y"),
        ("[1, 2, 3,]", "[1, 2, 3]"),
        ("{'a': 1, 2: b,}", "{\"a\": 1, 2: b}"),
        ("{}", "{}"),
        ("google.protobuf.Duration{seconds: 5}", "google.protobuf.Duration{seconds: 5}"),
        ("has(a.b)", "has(a.b)"),
        ("x.all(y, y > 0)", "x.all(y, (y > 0))"),
        ("x.map(y, y > 0, y * 2)", "x.map(y, (y > 0), (y * 2))"),
        ("x.exists_one(y, y)", "x.exists_one(y, y)"),
        ("x.all(y)", "x.all(y)"),
        ("(1 + 2) * 3", "((1 + 2) * 3)"),
        ("a // comment\n + b", "(a + b)"),
        ("a.`b-c`", "a.b-c"),
    ])
    func precedenceAndShape(source: String, expected: String) throws {
        #expect(try tree(source) == expected)
    }

    @Test func logicalChainsAreBalanced() throws {
        let expr = try CELExpression(parsing: Array(repeating: "a", count: 1000).joined(separator: " && ")).root
        #expect(expr.depth <= 11)
    }

    @Test(arguments: [
        ("1 +", 1, 4),
        ("a.", 1, 3),
        ("(1", 1, 3),
        ("1 2", 1, 3),
        ("a\n  .+", 2, 4),
        ("f(1,,2)", 1, 5),
        ("x.all(1 + 1, 2)", 1, 9),
        ("has(a)", 1, 5),
        ("'abc", 1, 1),
        ("a & b", 1, 3),
        ("{1: 2", 1, 6),
    ])
    func errorPositions(source: String, line: Int, column: Int) throws {
        let error = try #require(syntaxError(source))
        #expect(error.line == line && error.column == column, "\(error)")
        #expect(error.kind == .syntax)
    }

    @Test func errorDescriptionFollowsCelGo() throws {
        let error = try #require(syntaxError("a.+"))
        #expect(error.description.hasPrefix("ERROR: <input>:1:3: Syntax error: mismatched input '+' expecting"))
        #expect(error.description.hasSuffix("\n | a.+\n | ..^"))
    }

    @Test(arguments: [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
        "loop", "package", "namespace", "return", "var", "void", "while", "in",
    ])
    func reservedWordsAreRejected(word: String) {
        #expect(syntaxError(word) != nil)
        #expect(syntaxError("a.b + \(word)") != nil)
    }

    @Test func invalidLiteralsAreRejected() {
        #expect(syntaxError("9223372036854775808") != nil)
        #expect(syntaxError("-9223372036854775809") != nil)
        #expect(syntaxError("18446744073709551616u") != nil)
        #expect(syntaxError("1e400") != nil)
        #expect(syntaxError("0x") != nil)
        #expect(syntaxError("-!true") != nil)
    }

    @Test func recursionLimitStopsDeepNesting() throws {
        let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        let limits = CELParseLimits(maxSourceScalars: 1_000_000)
        #expect(throws: CELError.self) { try CELExpression(parsing: deep, limits: limits) }
        #expect(throws: CELError.self) { try CELExpression(parsing: String(repeating: "[", count: 5000)) }
        #expect(throws: CELError.self) { try CELExpression(parsing: String(repeating: "-", count: 5000) + "1") }
        let longChain = Array(repeating: "1", count: 300).joined(separator: " + ")
        #expect(throws: CELError.self) { try CELExpression(parsing: longChain) }
        let nested = String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        #expect(try tree(nested) == "1")
        let chain = Array(repeating: "a", count: 32).joined(separator: ".")
        #expect(try tree(chain) == chain)
    }

    @Test func sourceSizeLimit() {
        let big = String(repeating: " ", count: 100_001) + "1"
        let error = syntaxError(big)
        #expect(error?.message.contains("size exceeds limit") == true)
    }

    @Test func messageConstructionOnlyAfterNames() throws {
        #expect(try tree("a.b{c: 1, d: 2,}") == "a.b{c: 1, d: 2}")
        #expect(syntaxError("f(){c: 1}") != nil)
    }
}

/// The shape-derived result type used to reject non-boolean checks before evaluation.
struct ResultTypeTests {
    @Test(arguments: [
        ("a == b", "bool"), ("has(a.b) && c", "bool"), ("x.all(y, y)", "bool"), ("'a'.matches('b')", "bool"),
        ("1 + 2", "int"), ("size(x)", "int"), ("[1]", "list"), ("x.map(y, y)", "list"), ("{}", "map"), ("'a' + 'b'", "string"),
        ("true ? 1 : 2", "int"), ("timestamp(x) - timestamp(y)", "google.protobuf.Duration"), ("cel.bind(v, 1, v < 2)", "bool"),
    ])
    func known(source: String, type: String) throws {
        #expect(try CELExpression(parsing: source).resultType?.name == type)
    }

    @Test(arguments: ["x", "a.b", "x[0]", "true ? 1 : 'a'", "1 + x", "f(x)", "x.y()", "1.0 % 2.0", "'a' - 'b'", "1 + 1u"])
    func unknown(source: String) throws {
        #expect(try CELExpression(parsing: source).resultType == nil)
    }
}
