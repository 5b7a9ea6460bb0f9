import Testing

@testable import CEL

/// Lexis of the CEL language definition: numbers, strings, bytes, escapes.
struct LexerTests {
    private func literal(_ source: String) throws -> CELValue {
        let root = try CELExpression(parsing: source).root
        guard case .literal(let value) = root.kind else {
            Issue.record("not a literal: \(root)")
            return .null
        }
        return value
    }

    private func string(_ source: String) throws -> String? {
        if case .string(let s) = try literal(source) { return s }
        return nil
    }

    private func bytes(_ source: String) throws -> [UInt8]? {
        if case .bytes(let b) = try literal(source) { return b }
        return nil
    }

    @Test func numbers() throws {
        #expect(try literal("0").literalDescription == "0")
        #expect(try literal("0x1F").literalDescription == "31")
        #expect(try literal("0xffU").literalDescription == "255u")
        #expect(throws: CELError.self) { try CELExpression(parsing: "0X1F") }
        #expect(try literal("18446744073709551615u").literalDescription == "18446744073709551615u")
        #expect(try literal("-0x8000000000000000").literalDescription == "-9223372036854775808")
        if case .double(let d) = try literal("1e3") { #expect(d == 1000) } else { Issue.record("1e3") }
        if case .double(let d) = try literal(".5") { #expect(d == 0.5) } else { Issue.record(".5") }
        if case .double(let d) = try literal("2.5E-1") { #expect(d == 0.25) } else { Issue.record("2.5E-1") }
        if case .double(let d) = try literal("-0.0") { #expect(d == 0 && d.sign == .minus) } else { Issue.record("-0.0") }
    }

    @Test func stringForms() throws {
        #expect(try string(#""""#) == "")
        #expect(try string(#"'""'"#) == "\"\"")
        #expect(try string("'''x''x'''") == "x''x")
        #expect(try string(#""\"""#) == "\"")
        #expect(try string(#""\\""#) == "\\")
        #expect(try string(#"r"\\""#) == "\\\\")
        #expect(try string(#"R'\n'"#) == "\\n")
        #expect(try string("\"\"\"a\nb\"\"\"") == "a\nb")
        #expect(try string(#""\303\277""#) == "\u{C3}\u{BF}")
        #expect(try string(#""\377""#) == "\u{FF}")
        #expect(try string(#""\xFF""#) == "\u{FF}")
        #expect(try string(#""\u00e9\U0001F600""#) == "é😀")
        #expect(try string(#""\a\b\f\n\r\t\v\?\`\'""#) == "\u{07}\u{08}\u{0C}\n\r\t\u{0B}?`'")
    }

    @Test func bytesForms() throws {
        #expect(try bytes(#"b"abc""#) == [97, 98, 99])
        #expect(try bytes(#"b"ÿ""#) == [195, 191])
        #expect(try bytes(#"b"\303\277""#) == [195, 191])
        #expect(try bytes(#"b"\377""#) == [255])
        #expect(try bytes(#"B'\xFF'"#) == [255])
        #expect(try bytes(#"rb'\x'"#) == [92, 120])
        #expect(try bytes(#"bR'\x'"#) == [92, 120])
        #expect(try bytes(#"b'\u00FF'"#) == [195, 191])
    }

    @Test(arguments: [
        #""\uD800""#, #""\U00110000""#, #""\q""#, #""\400""#, #""\x4""#, #"b"\uD800""#,
        "'a\nb'", "'abc", "'''abc''", "r'a\rb'",
    ])
    func invalidStringsAreRejected(source: String) {
        #expect(throws: CELError.self) { try CELExpression(parsing: source) }
    }

    @Test func identifiersAreNotStringPrefixes() throws {
        #expect(try CELExpression(parsing: "rb + br + b + r").root.description == "(((rb + br) + b) + r)")
    }
}
