import Testing

@testable import CEL

/// Standard string functions and the Kubernetes `strings` extension library.
struct StringTests {
    @Test func standardFunctions() {
        expectTrue([
            "'hello'.contains('ell')", "'hello'.contains('')", "!'hello'.contains('xyz')",
            "'hello'.startsWith('he')", "'hello'.endsWith('llo')", "!'hello'.endsWith('he')",
            "'😀x'.startsWith('😀')", "''.endsWith('')",
        ])
        expectErrors([("'a'.contains(1)", "no such overload"), ("1.contains('a')", "no such overload")])
    }

    @Test func caseAndTrim() {
        #expect(eval("'TacoCÆt'.lowerAscii()") == .string("tacocÆt"))
        #expect(eval("'tacoCæt'.upperAscii()") == .string("TACOCæT"))
        #expect(eval("'  \\t trim me \\n '.trim()") == .string("trim me"))
    }

    @Test func indexing() {
        expectTrue([
            "'hello mellow'.indexOf('') == 0", "'hello mellow'.indexOf('ello') == 1",
            "'hello mellow'.indexOf('ello', 6) == 7", "'hello mellow'.indexOf('jello') == -1",
            "'ça va'.indexOf('va') == 3", "'hello mellow'.lastIndexOf('ello') == 7",
            "'hello mellow'.lastIndexOf('ello', 6) == 1", "'hello mellow'.lastIndexOf('') == 12",
            "'tacocat'.charAt(3) == 'o'", "'tacocat'.charAt(7) == ''", "'héllo'.charAt(1) == 'é'",
            "'tacocat'.substring(4) == 'cat'", "'tacocat'.substring(0, 4) == 'taco'", "'ÿéé'.substring(1, 2) == 'é'",
        ])
        expectErrors([
            ("'tacocat'.charAt(8)", "index out of range"),
            ("'tacocat'.charAt(-1)", "index out of range"),
            ("'hello'.indexOf('l', 6)", "index out of range"),
            ("'tacocat'.substring(40)", "index out of range"),
            ("'tacocat'.substring(3, 1)", "invalid substring range"),
        ])
    }

    @Test func replaceSplitJoin() {
        #expect(eval("'hello hello'.replace('he', 'we')") == .string("wello wello"))
        #expect(eval("'hello hello'.replace('he', 'we', 1)") == .string("wello hello"))
        #expect(eval("'hello hello'.replace('he', 'we', 0)") == .string("hello hello"))
        #expect(eval("'hello hello'.replace('', '_')") == .string("_h_e_l_l_o_ _h_e_l_l_o_"))
        #expect(eval("'aaa'.replace('a', 'b', -9223372036854775808)") == .string("bbb"))
        #expect(eval("'a,b'.split(',', -9223372036854775808)") == .list(["a", "b"].map(CELValue.string)))
        #expect(eval("'a,b,,c'.split(',')") == .list(["a", "b", "", "c"].map(CELValue.string)))
        #expect(eval("'a,b,c'.split(',', 2)") == .list(["a", "b,c"].map(CELValue.string)))
        #expect(eval("'a,b,c'.split(',', 0)") == .list([]))
        #expect(eval("'héy'.split('')") == .list(["h", "é", "y"].map(CELValue.string)))
        #expect(eval("['a', 'b', 'c'].join()") == .string("abc"))
        #expect(eval("['a', 'b', 'c'].join('-')") == .string("a-b-c"))
        #expect(eval("[].join(',')") == .string(""))
        expectErrors([("[1, 2].join(',')", "no such overload")])
    }

    @Test func listExtensions() {
        expectTrue([
            "[1, 2, 3].isSorted()", "![2, 1].isSorted()", "[3, 1, 2].min() == 1", "[3, 1, 2].max() == 3",
            "[1, 2, 3].sum() == 6", "[1.5, 2.5].sum() == 4.0", "[].sum() == 0", "[1, 2, 1].indexOf(1) == 0",
            "[1, 2, 1].lastIndexOf(1) == 2", "['a'].indexOf('b') == -1",
        ])
        expectTrue([
            "[1, 2, 3, 4].slice(1, 3) == [2, 3]", "[[1, [2]], 3].flatten() == [1, [2], 3]",
            "[[1, [2]], 3].flatten(2) == [1, 2, 3]", "[1, 2, 1, 1u, 'a', 'a'].distinct() == [1, 2, 'a']",
            "[1, 2, 3].reverse() == [3, 2, 1]", "[3, 1, 2.5].sort() == [1, 2.5, 3]", "[5, 3, 9, 1, 7, 2, 8].sort() == [1, 2, 3, 5, 7, 8, 9]", "[].sort() == []",
            "lists.range(2000).reverse().sort() == lists.range(2000)", "['b', 'a'].sort() == ['a', 'b']",
            "lists.range(3) == [0, 1, 2]", "sets.contains([1, 2, 3], [3, 1])", "!sets.contains([1], [2])",
            "sets.equivalent([1, 1, 2], [2, 1u])", "sets.intersects([1, 2], [5, 2.0])", "!sets.intersects([], [1])",
        ])
        expectErrors([
            ("[].min()", "empty list"), ("[1, 'a'].max()", "no such overload"), ("[1].slice(0, 2)", "cannot slice"),
            ("[1, 'a'].sort()", "no such overload"), ("lists.range(-1)", "non-negative"), ("sets.contains(1, [1])", "no such overload"),
        ])
    }

    @Test func quoteAndUnicodeTrim() {
        #expect(eval(#"strings.quote("first\nsecond")"#) == .string(#""first\nsecond""#))
        #expect(eval(#"strings.quote('say "hi" \\ ok')"#) == .string(#""say \"hi\" \\ ok""#))
        #expect(eval(#"strings.quote("😀\a")"#) == .string(#""😀\a""#))
        expectTrue([
            "'\\u0085\\u00a0\\u1680text\\u2000\\u3000'.trim() == 'text'",
            "'\\u200btext\\ufeff'.trim() == '\\u200btext\\ufeff'",
        ])
        expectErrors([("strings.quote(1)", "no such overload"), ("strings.unknown('a')", "undeclared reference")])
    }

    @Test func codePointSemantics() {
        expectTrue(["'\\u00e9' == 'é'", "'\\U0001F600'.size() == 1", "'a' + '\\x62' == 'ab'"])
    }
}
