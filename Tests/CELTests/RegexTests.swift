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

    /// Compiled patterns are cached per evaluation by their code points, not by canonical equivalence.
    @Test func patternCacheDistinguishesCanonicallyEquivalentPatterns() {
        expectTrue(["'e\\u0301'.matches('^e\\u0301$') && !'e\\u0301'.matches('^\\u00e9$')"])
    }

    /// `(?i)` matches whole simple case folding orbits (Unicode CaseFolding C+S, as RE2 and Go do), in
    /// both directions: s/S/ſ, k/K/K (Kelvin), ß/ẞ, µ/μ/Μ, θ/Θ/ϑ/ϴ, ι/Ι/ͅ/ι, σ/Σ/ς, в/В/ᲀ. The Turkic
    /// dotted and dotless i only fold in Turkic locales, so they stay apart from i and I.
    @Test(arguments: [
        ("(?i)\u{1E9E}", "\u{DF}", true), ("(?i)\u{DF}", "\u{1E9E}", true), ("(?i)\u{17F}", "s", true),
        ("(?i)s", "\u{17F}", true), ("(?i)\u{17F}", "S", true), ("(?i)\u{212A}", "k", true), ("(?i)k", "\u{212A}", true),
        ("(?i)\u{B5}", "\u{3BC}", true), ("(?i)\u{39C}", "\u{B5}", true), ("(?i)\u{3D1}", "\u{3B8}", true),
        ("(?i)\u{3D1}", "\u{3F4}", true), ("(?i)\u{345}", "\u{3B9}", true), ("(?i)\u{345}", "\u{1FBE}", true),
        ("(?i)\u{3C2}", "\u{3C3}", true), ("(?i)\u{1C80}", "\u{432}", true), ("(?i)[a-z]", "\u{17F}", true),
        ("(?i)[a-z]", "\u{212A}", true), ("(?i)[^a-z]", "\u{17F}", false), ("(?i)i", "\u{131}", false),
        ("(?i)\u{131}", "i", false), ("(?i)\u{131}", "I", false), ("(?i)i", "\u{130}", false), ("(?i)J", "\u{1F0}", false),
        ("(?i)\u{1C4}", "\u{1C5}", true), ("(?i)\u{1F88}", "\u{1F80}", true), ("(?i)\u{AB70}", "\u{13A0}", true),
        ("\u{17F}", "s", false), ("(?i)\u{390}", "\u{1FD3}", true), ("(?i)\u{1FE3}", "\u{3B0}", true),
        ("(?i)\u{FB06}", "\u{FB05}", true),
    ])
    func caseFoldingOrbits(pattern: String, text: String, expected: Bool) throws {
        #expect(try matches(pattern, text) == expected, "\(pattern) on \(text)")
    }

    /// `(?i)` folds Unicode classes too (`(?i)\p{Lu}` matches `a`); a negated class is the complement of the
    /// folded class. `\pC` is Cc, Cf, Co and Cs, without unassigned code points (RE2 and Go agree).
    @Test(arguments: [
        ("(?i)^\\p{Lu}$", "a", true), ("(?i)^\\p{Lu}$", "\u{17F}", true), ("(?i)^\\p{Ll}$", "A", true),
        ("(?i)^[\\p{Lu}]$", "a", true), ("(?i)^\\P{Lu}$", "a", false), ("(?i)^\\P{Lu}$", "1", true),
        ("(?i)^[^\\p{Lu}]$", "a", false), ("(?i)^[\\P{Lu}]$", "a", false), ("(?i)^[\\P{Lu}]$", "1", true),
        ("^\\p{Lu}$", "a", false), ("^\\pC$", "\u{378}", false), ("^\\PC$", "\u{378}", true), ("^\\pC$", "\u{0}", true),
        ("^\\p{Any}$", "\u{378}", true), ("(?i)^[[:^lower:]]$", "A", false), ("(?i)^[[:^lower:]]$", "1", true),
        ("(?i)^[\\W]$", "\u{17F}", false), ("^[[:^lower:]]$", "A", true),
    ])
    func foldedAndOtherUnicodeClasses(pattern: String, text: String, expected: Bool) throws {
        #expect(try matches(pattern, text) == expected, "\(pattern) on \(text)")
    }
}
