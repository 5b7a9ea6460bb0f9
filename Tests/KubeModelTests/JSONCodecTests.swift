import KubeModel
import Testing

@Suite("JSON text codec")
struct JSONCodecTests {
    // MARK: Decoding

    @Test func decodesScalars() throws {
        #expect(try JSON.decode("null") == .null)
        #expect(try JSON.decode(" true ") == .bool(true))
        #expect(try JSON.decode("\tfalse\r\n") == .bool(false))
        #expect(try JSON.decode("\"hi\"") == .string("hi"))
    }

    @Test func integersAndDoubles() throws {
        #expect(try JSON.decode("0") == .int(0))
        #expect(try JSON.decode("-0") == .int(0))
        #expect(try JSON.decode("42").intValue == 42)
        #expect(try JSON.decode("9223372036854775807") == .int(.max))
        #expect(try JSON.decode("-9223372036854775808") == .int(.min))
        // One past the range: a double, not an error.
        guard case .double(let big) = try JSON.decode("9223372036854775808") else {
            Issue.record("expected a double")
            return
        }
        #expect(big == 9_223_372_036_854_775_808.0)
        guard case .double(let small) = try JSON.decode("-9223372036854775809") else {
            Issue.record("expected a double")
            return
        }
        #expect(small == -9_223_372_036_854_775_808.0)
        // Literals with a fraction or an exponent are doubles even when integral.
        guard case .double(let thousand) = try JSON.decode("1e3") else {
            Issue.record("expected a double")
            return
        }
        #expect(thousand == 1000)
        guard case .double(let one) = try JSON.decode("1.0") else {
            Issue.record("expected a double")
            return
        }
        #expect(one == 1)
        #expect(try JSON.decode("-1.5E-2") == .double(-0.015))
        #expect(try JSON.decode("2.5e+1") == .double(25))
        #expect(try JSON.decode("1e-400") == .double(0))
    }

    @Test func rejectsMalformedNumbers() {
        for text in ["01", "-", "1.", ".5", "+1", "1e", "1e+", "-a", "0x10", "NaN", "Infinity", "-Infinity", "1.e3", "00"] {
            #expect(throws: JSONError.self, "\(text)") { try JSON.decode(text) }
        }
    }

    @Test func rejectsOverflowingNumbers() throws {
        let error = try #require(throws: JSONError.self) { try JSON.decode("[1e400]") }
        #expect(error.offset == 1)
    }

    @Test func preservesKeyOrderAndLastDuplicateWins() throws {
        let value = try JSON.decode(#"{"b":1,"a":2,"c":3,"a":4}"#)
        let object = try #require(value.objectValue)
        #expect(Array(object.keys) == ["b", "a", "c"])
        #expect(object["a"] == .int(4))
    }

    @Test func nestedStructures() throws {
        let value = try JSON.decode(#" { "a" : [ 1 , { "b" : [ ] , "c" : { } } , "x" ] , "d" : null } "#)
        let expected: JSONValue = ["a": [1, ["b": [], "c": [:]], "x"], "d": nil]
        #expect(value == expected)
    }

    @Test func siblingContainersKeepTheirMembers() throws {
        let text = #"[[1,2],[3,[4,5]],{"a":[6],"b":{"c":7,"d":[]}},8,{"e":{"f":{"g":[9,{"h":10}]}},"i":11}]"#
        #expect(JSON.encode(try JSON.decode(text)) == text)
    }

    @Test func largeContainers() throws {
        let count = 100_000
        let text = "[" + (0..<count).map(String.init).joined(separator: ",") + "]"
        let value = try JSON.decode(text)
        #expect(value.arrayValue?.count == count)
        #expect(value[count - 1] == .int(Int64(count - 1)))
        let objectText = "{" + (0..<1_000).map { "\"k\($0 % 500)\":\($0)" }.joined(separator: ",") + "}"
        let object = try #require(try JSON.decode(objectText).objectValue)
        #expect(object.count == 500)
        #expect(object["k0"] == 500)
        #expect(object.keys.first == "k0")
        #expect(object.keys.last == "k499")
    }

    @Test func stringEscapes() throws {
        #expect(try JSON.decode(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        #expect(try JSON.decode(#""\u00e9\u4e2d\uD83D\uDE00""#) == .string("é中😀"))
        #expect(try JSON.decode(#""\u0000""#) == .string("\u{0}"))
        #expect(try JSON.decode("\"héllo → 😀\"") == .string("héllo → 😀"))
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() throws {
        // Go: an unpaired surrogate escape decodes to U+FFFD; a following escape is read on its own.
        #expect(try JSON.decode(#""\ud800""#) == .string("\u{FFFD}"))
        #expect(try JSON.decode(#""\udc00x""#) == .string("\u{FFFD}x"))
        #expect(try JSON.decode(#""\ud800\u0041""#) == .string("\u{FFFD}A"))
        #expect(try JSON.decode(#""\ud800\ud800\udc00""#) == .string("\u{FFFD}\u{10000}"))
    }

    @Test func invalidUTF8BecomesReplacementCharactersByteByByte() throws {
        let quote = UInt8(ascii: "\"")
        // A lone continuation byte.
        #expect(try JSON.decode([quote, 0x80, quote]) == .string("\u{FFFD}"))
        // A truncated three-byte sequence: Go replaces each byte separately.
        #expect(try JSON.decode([quote, 0xE2, 0x82, quote]) == .string("\u{FFFD}\u{FFFD}"))
        // An overlong encoding of '/' and a UTF-8-encoded surrogate.
        #expect(try JSON.decode([quote, 0xC0, 0xAF, quote]) == .string("\u{FFFD}\u{FFFD}"))
        #expect(try JSON.decode([quote, 0xED, 0xA0, 0x80, quote]) == .string("\u{FFFD}\u{FFFD}\u{FFFD}"))
        // Above U+10FFFF.
        #expect(try JSON.decode([quote, 0xF4, 0x90, 0x80, 0x80, quote]).stringValue?.count == 4)
        // Valid multi-byte text passes through.
        #expect(try JSON.decode([quote, 0xC3, 0xA9, quote]) == .string("é"))
    }

    @Test func decodesFromNonContiguousBytes() throws {
        let bytes = Array(#"{"k":[1,2]}"#.utf8)
        #expect(try JSON.decode(bytes.lazy.map { $0 }) == ["k": [1, 2]])
        #expect(try JSON.decode(bytes[...]) == ["k": [1, 2]])
    }

    @Test(arguments: [
        ("", "unexpected end of JSON input", 0),
        ("[1,", "unexpected end of JSON input", 3),
        ("{\"a\"", "unexpected end of JSON input", 4),
        ("x", "invalid character 'x' looking for beginning of value", 0),
        ("[1 2]", "invalid character '2' after array element", 3),
        ("{\"a\" 1}", "invalid character '1' after object key", 5),
        ("{\"a\":1 \"b\"}", "invalid character '\"' after object key:value pair", 7),
        ("{1:2}", "invalid character '1' looking for beginning of object key string", 1),
        ("[1,]", "invalid character ']' looking for beginning of value", 3),
        ("{\"a\":1,}", "invalid character '}' looking for beginning of object key string", 7),
        ("1 2", "invalid character '2' after top-level value", 2),
        ("tru", "unexpected end of JSON input", 3),
        ("trux", "invalid character 'x' in literal true (expecting 'e')", 3),
        ("\"a\tb\"", "invalid character '\\t' in string literal", 2),
        ("\"\\x\"", "invalid character 'x' in string escape code", 2),
        ("\"\\u12g4\"", "invalid character 'g' in \\u hexadecimal character escape", 5),
        ("1.x", "invalid character 'x' after decimal point in numeric literal", 2),
        ("1ex", "invalid character 'x' in exponent of numeric literal", 2),
        ("-x", "invalid character 'x' in numeric literal", 1),
        ("\u{FEFF}1", "invalid character '\\xef' looking for beginning of value", 0),
        ("// c\n1", "invalid character '/' looking for beginning of value", 0),
    ])
    func syntaxErrors(text: String, message: String, offset: Int) throws {
        let error = try #require(throws: JSONError.self) { try JSON.decode(text) }
        #expect(error.message == message)
        #expect(error.offset == offset)
    }

    @Test func errorsCarryLineAndColumn() throws {
        let error = try #require(throws: JSONError.self) { try JSON.decode("{\n  \"é\": [1,\n  x]}") }
        #expect(error.line == 3)
        #expect(error.column == 3)
        #expect(error.offset == 16)
        #expect(error.description.contains("line 3, column 3"))
    }

    @Test func depthIsCapped() throws {
        let ok = String(repeating: "[", count: JSON.maxDepth) + String(repeating: "]", count: JSON.maxDepth)
        let deepest = try JSON.decode(ok)
        #expect(JSON.encode(deepest) == ok)
        let deep = String(repeating: "[", count: JSON.maxDepth + 1) + String(repeating: "]", count: JSON.maxDepth + 1)
        let error = try #require(throws: JSONError.self) { try JSON.decode(deep) }
        #expect(error.message == "exceeded max depth")
        // Far deeper hostile input fails the same way, without exhausting the stack.
        let hostile = String(repeating: "{\"a\":", count: 200_000)
        #expect(throws: JSONError.self) { try JSON.decode(hostile) }
    }

    // MARK: Encoding

    @Test func encodesCompactly() {
        let value: JSONValue = ["b": [1, 2.5, "x", nil, true], "a": [:], "c": []]
        #expect(JSON.encode(value) == #"{"b":[1,2.5,"x",null,true],"a":{},"c":[]}"#)
        #expect(JSON.encode(value, sortKeys: true) == #"{"a":{},"b":[1,2.5,"x",null,true],"c":[]}"#)
    }

    @Test func sortKeysIsBytewise() {
        let value: JSONValue = ["b": 1, "B": 2, "é": 3, "a": 4, "aa": 5]
        #expect(JSON.encode(value, sortKeys: true) == #"{"B":2,"a":4,"aa":5,"b":1,"é":3}"#)
    }

    @Test func escapesAsGoDoes() {
        let text = "q\"b\\s/n\nr\rt\tb\u{08}f\u{0C}z\u{0}o\u{1F}d\u{7F}<>&\u{2028}\u{2029}é😀"
        #expect(
            JSON.encode(.string(text))
                == #""q\"b\\s/n\nr\rt\tb\bf\fz\u0000o\u001fd\#u{7F}\u003c\u003e\u0026\u2028\u2029é😀""#)
        // A lone E2 that is not U+2028/2029 is left alone.
        #expect(JSON.encode(.string("\u{2027}\u{202A}")) == "\"\u{2027}\u{202A}\"")
    }

    @Test(arguments: [
        (1000.0, "1000"),
        (0.5, "0.5"),
        (-0.5, "-0.5"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (123456789012345680000.0, "123456789012345680000"),
        (0.000001, "0.000001"),
        (0.0000001, "1e-7"),
        (1.5e-7, "1.5e-7"),
        (1e-10, "1e-10"),
        (Double.leastNonzeroMagnitude, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (-1.25e22, "-1.25e+22"),
        (0.1, "0.1"),
        (0.30000000000000004, "0.30000000000000004"),
        (100.0, "100"),
        (3.14159, "3.14159"),
        (123.456, "123.456"),
        (0.0, "0"),
        (-0.0, "-0"),
        (9007199254740993.0, "9007199254740992"),
        (1e17, "100000000000000000"),
        (12345.678e10, "123456780000000"),
        (0.00001234, "0.00001234"),
    ])
    func formatsDoublesAsGo(value: Double, expected: String) {
        #expect(JSON.encode(.double(value)) == expected)
    }

    @Test func nonFiniteDoublesEncodeAsNull() {
        #expect(JSON.encode([.double(.nan), .double(.infinity), .double(-.infinity)]) == "[null,null,null]")
    }

    @Test func encodesIntegers() {
        #expect(JSON.encode([.int(.min), .int(.max), .int(0), .int(-7)]) == "[-9223372036854775808,9223372036854775807,0,-7]")
    }

    @Test func prettyMatchesKubectl() {
        let value: JSONValue = ["apiVersion": "v1", "items": [1, ["a": "b"]], "empty": [:], "none": []]
        let expected = """
            {
                "apiVersion": "v1",
                "items": [
                    1,
                    {
                        "a": "b"
                    }
                ],
                "empty": {},
                "none": []
            }
            """
        #expect(JSON.encode(value, pretty: true) == expected)
        #expect(JSON.encode(.int(1), pretty: true) == "1")
    }

    @Test func roundTrips() throws {
        let text = #"{"metadata":{"name":"x","labels":{"a":"b"}},"spec":{"n":[1,-2,3.5,1e+21,"\u003c"],"t":true,"z":null}}"#
        let value = try JSON.decode(text)
        #expect(JSON.encode(value) == text)
        #expect(try JSON.decode(JSON.encode(value, pretty: true)) == value)
        #expect(Array(JSON.encodeToBytes(value)) == Array(text.utf8))
    }

    @Test func randomDoublesRoundTrip() throws {
        // A fixed linear congruential sequence of bit patterns: deterministic, spread over all exponents.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var checked = 0
        while checked < 20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let value = Double(bitPattern: state)
            guard value.isFinite else { continue }
            checked += 1
            let text = JSON.encode(.double(value))
            let decoded = try JSON.decode(text)
            #expect(decoded.doubleValue == value, "\(text)")
            if value.magnitude >= 1e21 || (value != 0 && value.magnitude < 1e-6) {
                #expect(text.contains("e"), "\(text)")
            } else {
                #expect(!text.contains("e"), "\(text)")
            }
        }
    }

    @Test func roundTripsDoublesExactly() throws {
        for value in [0.1, 1.0 / 3.0, 2.0 / 3.0 * 1e-9, 6.02214076e23, 1.0e-6, 9.999999999999999e20, Double.leastNonzeroMagnitude] {
            let decoded = try JSON.decode(JSON.encode(.double(value)))
            #expect(decoded.doubleValue == value)
        }
    }
}
