import KubeModel
import Testing
import YAML

/// Hostile and broken input ends in a positioned ``YAMLError``, never a crash or a hang.
struct ErrorTests {
    private func error(_ text: String, limits: YAML.Limits = .default) -> YAMLError? {
        do {
            _ = try YAML.decodeAll(text, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func syntaxErrorHasPositionAndDocument() throws {
        let failure = try #require(error("a: 1\nb: [1, 2\nc: 3\n"))
        #expect(failure.document == 0)
        #expect(failure.line == 3)
        #expect(failure.column == 2)
        #expect(failure.message.contains("while parsing a flow sequence started at line 2, column 4"))

        let second = try #require(error("a: 1\n---\nb: c: d\n"))
        #expect(second.document == 1)
        #expect(second.line == 3)
        #expect(second.column == 5)
        #expect(second.description.hasPrefix("yaml: document 1, line 3, column 5: "))
    }

    @Test func semanticErrorIsPositionedAtTheNode() throws {
        let failure = try #require(error("a: b\nc:\n  - .inf\n"))
        #expect(failure.message == "json: unsupported value: +Inf")
        #expect(failure.line == 3)
        #expect(failure.column == 5)
        #expect(failure.document == 0)
    }

    @Test(arguments: ["a: \"abc", "a: 'abc", "a: [1, 2", "a: {b: 1", "- a\n- b: {c", "a: |\n  x\n b", "[", "{", "a: !<x", "- [a, b"])
    func truncatedInputFails(_ text: String) {
        #expect(error(text) != nil, "\(text)")
    }

    @Test func invalidUTF8Fails() throws {
        let bytes: [UInt8] = Array("a: ok\nb: ".utf8) + [0xFF, 0xFE, 0x41] + Array("\n".utf8)
        let failure = try #require(throws: YAMLError.self) { try YAML.decodeAll(bytes) }
        #expect(failure.line == 2)
        #expect(failure.column == 4)
        #expect(failure.message.contains("UTF-8"))
        // An overlong encoding and a lone continuation byte.
        #expect(throws: YAMLError.self) { try YAML.decodeAll([0x61, 0x3A, 0x20, 0xC0, 0xAF]) }
        #expect(throws: YAMLError.self) { try YAML.decodeAll([0x61, 0x3A, 0x20, 0x80]) }
    }

    @Test func deepNestingFails() throws {
        let open = String(repeating: "[", count: 100_000)
        let failure = try #require(error(open))
        #expect(failure.message == "nesting deeper than 10000 levels")
        let closed = open + String(repeating: "]", count: 100_000)
        #expect(error(closed)?.message == "nesting deeper than 10000 levels")
        let blocks = String(repeating: "- ", count: 20_000) + "x\n"
        #expect(error(blocks)?.message == "nesting deeper than 10000 levels")
        // Just under the cap is fine.
        let fine = String(repeating: "[", count: 9_999) + String(repeating: "]", count: 9_999)
        #expect(error(fine) == nil)
    }

    @Test func billionLaughsFailsFast() throws {
        var text = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        let failure = try #require(error(text))
        #expect(failure.message == "document expands to more than 1000000 nodes (excessive aliasing?)")
        #expect(failure.line == 6)

        // A custom limit.
        #expect(error("[1, 2, 3]", limits: YAML.Limits(maxNodes: 3)) != nil)
        #expect(error("[1, 2]", limits: YAML.Limits(maxNodes: 3)) == nil)
    }

    @Test func unknownAnchorFails() {
        #expect(error("a: *missing\n")?.message == "unknown anchor 'missing' referenced")
    }

    @Test func collectionKeysFail() {
        #expect(error("? [1]\n: x\n")?.message.hasPrefix("invalid map key") == true)
        #expect(error("a: &m {b: 1}\n*m : x\n")?.message.hasPrefix("invalid map key") == true)
    }
}
