import KubeModel
import Testing

@testable import CEL

/// Standard conversion functions and JSON data conversion.
struct ConversionTests {
    @Test func toInt() {
        expectTrue([
            "int(42u) == 42", "int(-123.456) == -123", "int(1.9) == 1", "int(-7.9) == -7", "int('987') == 987",
            "int('-12') == -12", "int(timestamp('2009-02-13T23:31:30Z')) == 1234567890", "int(3) == 3",
        ])
        expectErrors([
            ("int(18446744073709551615u)", "range"), ("int(1e99)", "range"), ("int(9.3e18)", "range"),
            ("int(0.0/0.0)", "range"), ("int('abc')", "invalid syntax"), ("int('1.5')", "invalid syntax"),
            ("int('9223372036854775808')", "invalid syntax"), ("int(null)", "no such overload"),
        ])
    }

    @Test func toUint() {
        expectTrue(["uint(1729) == 1729u", "uint(3.9) == 3u", "uint(1e19) == 10000000000000000000u", "uint('300') == 300u"])
        expectErrors([("uint(-1)", "range"), ("uint(6.022e23)", "range"), ("uint('-1')", "invalid syntax")])
    }

    @Test func toDouble() {
        expectTrue([
            "double(0) == 0.0", "double(9223372036854775807) == 9.223372036854775807e18", "double(123u) == 123.0",
            "double('-84.32e7') == -8.432e8", "double('1.5') == 1.5", "double('inf') > 1e308",
        ])
        expectErrors([("double('abc')", "invalid syntax"), ("double(true)", "no such overload")])
    }

    @Test func toString() {
        let cases: [(String, String)] = [
            ("string(123)", "123"), ("string(-456)", "-456"), ("string(9876u)", "9876"), ("string(123.456)", "123.456"),
            ("string(-4.5e-3)", "-0.0045"), ("string(1.0)", "1"), ("string(1e100)", "1e+100"), ("string(1.5e-7)", "1.5e-07"),
            ("string(0.0001)", "0.0001"), ("string(123456.0)", "123456"), ("string(b'abc')", "abc"),
            ("string(b'\\303\\277')", "ÿ"), ("string(true)", "true"), ("string('x')", "x"),
            ("string(duration('1h30m'))", "5400s"), ("string(duration('1.5ms'))", "0.0015s"),
            ("string(duration('-2s'))", "-2s"), ("string(timestamp('2009-02-13T23:31:30Z'))", "2009-02-13T23:31:30Z"),
            ("string(timestamp('2009-02-13T23:31:30.120+01:00'))", "2009-02-13T22:31:30.12Z"),
        ]
        for (source, expected) in cases {
            #expect(eval(source) == .string(expected), "\(source)")
        }
        expectErrors([("string(b'\\000\\xff')", "invalid UTF-8"), ("string(null)", "no such overload")])
    }

    @Test func toBoolBytesDyn() {
        expectTrue([
            "bool('true')", "!bool('false')", "bool('T')", "!bool('0')", "bytes('ÿ') == b'\\303\\277'",
            "bytes('\\377') != b'\\377'", "dyn(1) == 1", "type(dyn([1, 'one'])) == list",
        ])
        expectErrors([("bool('yes')", "invalid syntax"), ("bool(1)", "no such overload")])
    }

    @Test func jsonRoundTrip() throws {
        let json: JSONValue = ["a": [1, 2.5, "x", nil, true], "b": ["c": 3]]
        let value = CELValue(json: json)
        #expect(value.jsonValue == json)
        #expect(CELValue.uint(5).jsonValue == .int(5))
        #expect(CELValue.bytes([104, 105]).jsonValue == .string("aGk="))
        let expression = try CELExpression(parsing: "a[1] + 0.5 == 3.0 && b.c == 3 && type(a[0]) == int")
        #expect(try expression.evaluate(json: ["a": json["a"] ?? .null, "b": json["b"] ?? .null]) == .bool(true))
    }
}
