import Testing

@testable import CEL

/// Language definition "Numeric Values" and "Overflow": same-type arithmetic, errors on overflow.
struct ArithmeticTests {
    @Test func integerArithmetic() {
        #expect(eval("1 + 2 * 3 - 4 / 2") == .int(5))
        #expect(eval("7 % 3") == .int(1))
        #expect(eval("-7 % 3") == .int(-1))
        #expect(eval("-7 / 2") == .int(-3))
        #expect(eval("--5") == .int(5))
        #expect(eval("9223372036854775807") == .int(.max))
        #expect(eval("-9223372036854775808") == .int(.min))
    }

    @Test func unsignedArithmetic() {
        #expect(eval("3u * 4u - 2u") == .uint(10))
        #expect(eval("18446744073709551615u / 5u") == .uint(3_689_348_814_741_910_323))
        #expect(eval("7u % 4u") == .uint(3))
    }

    @Test func doubleArithmetic() {
        #expect(eval("1.5 + 2.25") == .double(3.75))
        #expect(eval("1.0 / 0.0") == .double(.infinity))
        #expect(eval("-(2.5)") == .double(-2.5))
        if case .double(let d) = eval("0.0 / 0.0") { #expect(d.isNaN) } else { Issue.record("NaN") }
    }

    @Test func overflowAndDivisionErrors() {
        expectErrors([
            ("9223372036854775807 + 1", "overflow"),
            ("-9223372036854775808 - 1", "overflow"),
            ("9223372036854775807 * 2", "overflow"),
            ("-9223372036854775808 / -1", "overflow"),
            ("-9223372036854775808 % -1", "overflow"),
            ("-(-9223372036854775808)", "overflow"),
            ("0u - 1u", "overflow"),
            ("18446744073709551615u + 1u", "overflow"),
            ("1 / 0", "divide by zero"),
            ("1 % 0", "modulus by zero"),
            ("1u / 0u", "divide by zero"),
            ("1u % 0u", "modulus by zero"),
        ])
    }

    @Test func noImplicitNumericConversion() {
        expectErrors([
            ("1 + 1u", "no such overload"),
            ("1 + 1.0", "no such overload"),
            ("2u * 2.0", "no such overload"),
            ("-(1u)", "no such overload"),
            ("1.5 % 1.0", "no such overload"),
            ("'a' - 'b'", "no such overload"),
            ("true + false", "no such overload"),
        ])
    }

    @Test func concatenation() {
        #expect(eval("'ab' + 'cd'") == .string("abcd"))
        #expect(eval("b'ab' + b'\\xff'") == .bytes([97, 98, 255]))
        #expect(eval("[1] + [2, 'x']") == .list([.int(1), .int(2), .string("x")]))
    }

    @Test func errorPositionPointsAtOperator() throws {
        let error = try #require(evalError("1 +\n  (2 / 0)"))
        #expect(error.line == 2 && error.column == 6)
        #expect(error.kind == .evaluation)
        #expect(error.description.hasPrefix("ERROR: <input>:2:6: divide by zero"))
    }

    @Test func mathExtension() {
        expectTrue([
            "math.greatest(-7, 5) == 5", "math.greatest(5.4, 10, 3u, -5.0, 9223372036854775807) == 9223372036854775807",
            "math.least([5.4, 10, 3u, -5.0, 3.5]) == -5.0", "type(math.greatest(1u, 1.0)) == uint",
            "math.ceil(-1.2) == -1.0", "math.floor(-1.2) == -2.0", "math.round(-1.5) == -2.0", "math.round(1.5) == 2.0",
            "math.trunc(-1.7) == -1.0", "math.abs(-11) == 11", "math.abs(-1.5) == 1.5", "math.sign(-32.0) == -1.0",
            "math.sign(0u) == 0u", "math.isNaN(0.0/0.0)", "math.isInf(1.0/0.0)", "!math.isFinite(-1.0/0.0)",
            "math.bitAnd(1, 3) == 1", "math.bitOr(4, -2) == -2", "math.bitXor(4, -2) == -6", "math.bitNot(1u) == 18446744073709551614u",
            "math.bitShiftLeft(1, 200) == 0", "math.bitShiftRight(-1024, 3) == -128", "math.bitShiftRight(-1024, 64) == -1",
            "base64.encode(b'hello') == 'aGVsbG8='", "base64.decode('aGVsbG8') == b'hello'",
        ])
        expectErrors([
            ("math.abs(-9223372036854775808)", "overflow"), ("math.ceil(dyn(1))", "no such overload"),
            ("math.bitShiftLeft(1u, -1)", "negative offset"), ("math.greatest('a')", "no such overload"),
            ("base64.decode('!!')", "illegal base64"),
        ])
    }
}
