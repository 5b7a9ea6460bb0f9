import Testing

@testable import CEL

/// Optional values: `.?field`, `[?key]`, optional entries, `optional.*` and the optional methods.
struct OptionalTests {
    @Test func constructionAndMethods() {
        expectTrue([
            "optional.none().or(optional.none()).orValue(42) == 42", "!optional.none().optMap(y, y + 1).hasValue()",
            "optional.of(42).optMap(y, y + 1).value() == 43", "optional.ofNonZeroValue(42).or(optional.of(20)).value() == 42",
            "!optional.ofNonZeroValue('').hasValue()", "!optional.ofNonZeroValue([]).hasValue()",
            "type(optional.none()) == optional_type", "optional.of(1) == optional.of(1.0)", "optional.none() != optional.of(null)",
            "optional.of(1).orValue(1 / 0) == 1", "optional.of(1).or(1 / 0) == optional.of(1)",
        ])
        expectErrors([
            ("optional.none().value()", "optional.none() dereference"), ("optional.none().or(1)", "no such overload"),
            ("optional.of(1).optFlatMap(x, x)", "must return an optional"),
        ])
    }

    @Test func chaining() {
        expectTrue([
            "!{}.?x.hasValue()", "!has({}.?x.y)", "has({'x': {'y': 'z'}}.?x.y)",
            "{'key': {'subkey': 'subvalue'}}.?key.optFlatMap(k, k.?subkey).value() == 'subvalue'",
            "{'c': {'dashed-index': 'goodbye'}}.c[?'dashed-index'].orValue('default') == 'goodbye'",
            "{'c': {}}.c[?'missing-index'].orValue('default') == 'default'",
            "optional.of({'c': {'index': 'goodbye'}}).c.index.orValue('default') == 'goodbye'",
            "optional.of({'c': {}}).c.missing.or(optional.none()[0]).orValue('default') == 'default'",
            "optional.of({'c': {}}).c.missing.or(optional.of(['list-value'])[0]).orValue('default') == 'list-value'",
            "optional.of({'c': {}}).c['missing'].orValue('default') == 'default'",
            "has(optional.of({'c': {'entry': 'x'}}).c) && !has(optional.of({'c': {'entry': 'x'}}).c.missing)",
            "[1, 2][?5].orValue(0) == 0", "[1, 2][?1].value() == 2",
        ])
        expectErrors([("optional.ofNonZeroValue({'c': 1}.a.z)", "no such key")])
    }

    @Test func optionalEntries() {
        expectTrue([
            "[?{}.?c, ?optional.of(42), ?optional.none()] == [42]",
            "{?'nested': optional.ofNonZeroValue({?'map': {}.?c}), 'singleton': true} == {'singleton': true}",
            "{?'a': optional.of(1)} == {'a': 1}", "[?optional.ofNonZeroValue({'c': []}.?c.orValue(dyn({})))] == []",
            "google.protobuf.Int64Value{?value: optional.none()} == 0",
        ])
        expectErrors([("[?1]", "requires an optional"), ("{?'a': 1}", "requires an optional")])
    }

    @Test func parsing() throws {
        #expect(try CELExpression(parsing: "a.?b[?c]").root.description == "a.?b[?c]")
        #expect(try CELExpression(parsing: "[?a, b]").root.description == "[?a, b]")
        #expect(throws: CELError.self) { try CELExpression(parsing: "a.?") }
        #expect(throws: CELError.self) { try CELExpression(parsing: "f(?a)") }
    }
}
