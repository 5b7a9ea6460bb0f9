import Testing

@testable import CEL

/// Lists and maps: literals, indexing, field selection, `has()`, `size()`.
struct AggregateTests {
    @Test func listIndexing() {
        #expect(eval("[1, 2, 3][1]") == .int(2))
        #expect(eval("[1, 2, 3][2u]") == .int(3))
        #expect(eval("[1, 2, 3][0.0]") == .int(1))
        expectErrors([
            ("[1, 2][2]", "index out of range"),
            ("[1, 2][-1]", "index out of range"),
            ("[1, 2][1.5]", "unsupported index"),
            ("[1]['a']", "no such overload"),
        ])
    }

    /// Strings are code point sequences: canonically equivalent spellings ("é" as U+00E9 and as
    /// "e" + U+0301) are different map keys, though Swift's String equality would merge them.
    @Test func mapKeysCompareByCodePoints() {
        #expect(eval("{'\\u00e9': 1, 'e\\u0301': 2}.size()") == .int(2))
        #expect(eval("{'\\u00e9': 1, 'e\\u0301': 2}['e\\u0301']") == .int(2))
        expectTrue(["!('e\\u0301' in {'\\u00e9': 1})", "'\\u00e9' in {'\\u00e9': 1}"])
        expectErrors([("{'\\u00e9': 1}['e\\u0301']", "no such key")])
        var map = CELMap()
        #expect(throws: Never.self) { try map.insert(.string("\u{E9}"), .int(1)) }
        #expect(throws: Never.self) { try map.insert(.string("e\u{301}"), .int(2)) }
        #expect(map["e\u{301}"] == .int(2) && map[.string("\u{E9}")] == .int(1))
    }

    @Test func mapLiteralsAndLookup() {
        #expect(eval("{'a': 1, 'b': 2}['b']") == .int(2))
        #expect(eval("{'a': {'b': 'c'}}.a.b") == .string("c"))
        #expect(eval("{1: 'one', true: 'yes', 2u: 'two'}[2]") == .string("two"))
        #expect(eval("{1: 'one'}[1.0]") == .string("one"))
        expectErrors([
            ("{'a': 1}.b", "no such key: b"),
            ("{'a': 1}['b']", "no such key"),
            ("{'a': 1, 'a': 2}", "repeated key"),
            ("{1: 1, 1u: 2}", "repeated key"),
            ("{1.5: 1}", "unsupported key type"),
            ("{[1]: 1}", "unsupported key type"),
            ("1.a", "does not support field selection"),
            ("'s'.a", "does not support field selection"),
            ("null.a", "does not support field selection"),
        ])
    }

    @Test func hasMacro() {
        let object = CELValue(json: ["spec": ["replicas": 3, "paused": nil]])
        expectTrue([
            "has(o.spec)", "has(o.spec.replicas)", "!has(o.status)", "has(o.spec.paused)", "!has(o.spec.x)",
            "has({'a': 1}.a)",
        ], ["o": object])
        expectErrors([("has(o.status.ready)", "no such key: status"), ("has(o.spec.replicas.x)", "field selection")], ["o": object])
    }

    @Test func size() {
        expectTrue([
            "size('héllo') == 5", "'😀'.size() == 1", "size(b'\\xff\\x00') == 2", "[1, 2, 3].size() == 3",
            "size({'a': 1}) == 1", "size([]) == 0",
        ])
        expectErrors([("size(1)", "no such overload"), ("size(null)", "no such overload")])
    }

    @Test func wellKnownTypeConstruction() throws {
        expectTrue([
            "google.protobuf.Int64Value{value: 1} == 1", "google.protobuf.BoolValue{} == false",
            "google.protobuf.StringValue{value: 'set'} == 'set'", "google.protobuf.UInt32Value{value: 42u} == 42u",
            "google.protobuf.FloatValue{value: -1.5} == -1.5", "google.protobuf.Value{} == null",
            "google.protobuf.Value{number_value: 2.0} == 2.0", "google.protobuf.ListValue{values: [1]} == [1]",
            "google.protobuf.Struct{fields: {'a': 1}} == {'a': 1}",
            "google.protobuf.Duration{seconds: 90} == duration('90s')",
            "google.protobuf.Timestamp{seconds: 1234567890} == timestamp('2009-02-13T23:31:30Z')",
            ".google.protobuf.BytesValue{value: b'x'} == b'x'",
        ])
        let options = CELEvaluationOptions(container: "google.protobuf")
        #expect(try CELExpression(parsing: "Value{null_value: NullValue.NULL_VALUE}").evaluate([:], options: options) == .null)
        #expect(try CELExpression(parsing: "Int64Value{value: 3} == 3").evaluate([:], options: options) == .bool(true))
        expectErrors([
            ("google.protobuf.Struct{fields: {1: 'uno'}}", "keys must be strings"),
            ("google.protobuf.Value{number_value: 12.5}.number_value", "does not support field selection"),
            ("TestAllTypes{single_int64: 1}", "unsupported"),
            ("google.protobuf.Int32Value{value: 2147483648}", "range"),
            ("google.protobuf.Int64Value{value: 'x'}", "expects int"),
            ("google.protobuf.Int64Value{other: 1}", "no such field"),
        ])
    }

    @Test func mapIterationOrderFollowsInsertion() {
        #expect(eval("{'b': 1, 'a': 2}.map(k, k)") == .list([.string("b"), .string("a")]))
    }
}
