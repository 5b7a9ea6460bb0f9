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
}
