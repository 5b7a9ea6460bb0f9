import Testing

@testable import CEL

/// `matches` with RE2 syntax: unanchored search, no backreferences or lookaround.
struct RegexTests {
    private func matches(_ pattern: String, _ text: String) throws -> Bool {
        try RE2Regex(pattern).matches(text)
    }

    @Test(arguments: [
        ("abc", "xxabcxx", true), ("^abc$", "abc", true), ("^abc$", "abcd", false), ("a.c", "abc", true),
        ("a.c", "a\nc", false), ("(?s)a.c", "a\nc", true), ("a*", "", true), ("^a+$", "", false),
        ("^a+$", "aaa", true), ("^ab?c$", "ac", true), ("^ab?c$", "abbc", false), ("^a{2,3}$", "aaa", true),
        ("^a{2,3}$", "aaaa", false), ("^a{2}$", "aa", true), ("^a{2,}$", "aaaaa", true), ("^(ab|cd)+$", "abcdab", true),
        ("^(ab|cd)+$", "abc", false), ("^(?:a|b)c$", "bc", true), ("^[a-c]+$", "abcab", true), ("^[^a-c]+$", "xyz", true),
        ("^[^a-c]+$", "xaz", false), ("^\\d+$", "0123", true), ("^\\D+$", "ab1", false), ("^\\w+$", "a_1", true),
        ("^\\W$", "-", true), ("\\s", "a b", true), ("^\\S+$", "a b", false), ("\\bfoo\\b", "a foo b", true),
        ("\\bfoo\\b", "afoob", false), ("\\Bfoo", "afoo", true), ("(?i)hello", "HeLLo", true), ("hello", "HELLO", false),
        ("(?i:a)b", "Ab", true), ("(?i:a)b", "AB", false), ("^[[:alpha:]]+$", "abcXYZ", true),
        ("^[[:digit:][:space:]]+$", "1 2", true), ("^\\p{L}+$", "héllo", true), ("^\\p{Lu}", "Éa", true),
        ("^\\PL+$", "123", true), ("^[\\p{Lu}\\d]+$", "É9", true), ("^[\\P{L}]+$", "9!", true), ("^[^\\p{L}]+$", "ab", false), ("^.$", "😀", true), ("^\\x{1F600}$", "😀", true), ("^\\x41$", "A", true),
        ("a\\.b", "a.b", true), ("a\\.b", "axb", false), ("^\\Qa.b\\E$", "a.b", true), ("^[\\d.]+$", "1.2", true),
        ("^[\\D]+$", "ab", true), ("^[a\\-z]+$", "a-z", true), ("^[]a]+$", "]a", true), ("(?m)^b$", "a\nb\nc", true),
        ("^b$", "a\nb\nc", false), ("\\Aab\\z", "ab", true), ("x{", "x{", true), ("^(?P<name>a+)$", "aa", true),
        ("^(a*)*$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", false), ("(a|b)*c", "ababababx", false),
        ("^$", "", true), ("^a{0,1000}$", String(repeating: "a", count: 1000), true),
        ("^a{0,1000}$", String(repeating: "a", count: 1001), false), ("^(ab){1,3}c$", "ababc", true), ("^[\\x{0}-\\x{10FFFF}]$", "z", true), ("\\$", "a$", true),
    ])
    func matching(pattern: String, text: String, expected: Bool) throws {
        #expect(try matches(pattern, text) == expected, "\(pattern) ~ \(text)")
    }

    @Test(arguments: [
        "(", ")", "a**", "*a", "+", "a{1001}", "(?=a)", "(?!a)", "(?<=a)b", "(?<!a)b", "\\1", "(a)\\1", "[z-a]",
        "[a", "\\", "\\p{Greek}", "\\Z", "\\e", "a{2,1}", "(?x)a", "[[:foo:]]", "((((a{100}){100}){100}){100})", String(repeating: "(", count: 500) + "a" + String(repeating: ")", count: 500),
    ])
    func rejectsNonRE2Syntax(pattern: String) {
        #expect(throws: RE2Regex.SyntaxError.self) { try RE2Regex(pattern) }
    }

    @Test func matchesFunction() {
        expectTrue([
            "'hubba'.matches('ubb')", "matches('hubba', '^h.*a$')", "!'hubba'.matches('^ubb')",
            "'image:v1.2.3'.matches('v[0-9]+\\\\.[0-9]+')", "'k8s.io/name'.matches(r'^[a-z0-9.]+/[a-z]+$')",
        ])
        expectErrors([("'a'.matches('(')", "invalid regular expression"), ("'a'.matches(1)", "no such overload")])
    }

    @Test(arguments: [
        ("[0-9]+", "abc 123 def 45", "123"), ("a+?", "aaa", "a"), ("a+", "baaa", "aaa"), ("(a|ab)(c|bcd)", "abcd", "abcd"),
        ("a*?b", "aaab", "aaab"), ("x*", "abc", ""), ("\\bfoo", "xfoo foo", "foo"), ("o{1,2}?", "foo", "o"),
        ("(?i)HELLO", "say hello", "hello"), ("é+", "café", "é"), ("z", "abc", nil),
    ] as [(String, String, String?)])
    func leftmostFirstMatch(pattern: String, text: String, expected: String?) throws {
        let input = Array(text.unicodeScalars)
        let match = try RE2Regex(pattern).firstMatch(in: input, from: 0)
        #expect(match.map { String(String.UnicodeScalarView(input[$0])) } == expected)
    }

    @Test func findFunctions() {
        expectTrue([
            "'abc 123 def 456'.find('[0-9]+') == '123'", "'abc'.find('[0-9]+') == ''",
            "'abc 123 def 456'.findAll('[0-9]+') == ['123', '456']", "'abc 123 def 456'.findAll('[0-9]+', 1) == ['123']",
            "'a1b2'.findAll('[0-9]', 0) == []", "'abc'.findAll('x*') == ['', '', '', '']", "'aab'.findAll('a*') == ['aa', '']",
        ])
        expectErrors([("'a'.find('(')", "invalid regular expression")])
    }

    @Test func pathologicalPatternsStayLinear() throws {
        let text = String(repeating: "a", count: 5000)
        #expect(try matches("^(a|aa|a*)*b$", text) == false)
        #expect(try matches("(x+x+)+y", String(repeating: "x", count: 2000)) == false)
    }
}
