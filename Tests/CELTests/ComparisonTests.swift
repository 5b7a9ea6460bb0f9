import Testing

@testable import CEL

/// Language definition "Equality" and "Ordering", with heterogeneous numeric comparison.
struct ComparisonTests {
    @Test func heterogeneousEquality() {
        expectTrue([
            "1 == 1u", "1 == 1.0", "1u == 1.0", "!(1 == 2u)", "1 != 'a'", "null == null", "!(null == 0)",
            "[1, 2] == [1u, 2.0]", "{'a': 1} == {'a': 1.0}", "{1: 'x'} == {1u: 'x'}",
            "[1, [2, 3]] != [1, [2, 4]]", "{'a': 1, 'b': 2} == {'b': 2, 'a': 1}", "{'a': 1} != {'a': 1, 'b': 2}",
            "!(0.0/0.0 == 0.0/0.0)", "'abc' == 'abc'", "b'abc' == b'abc'", "[] == []", "{} == {}",
            "[1] != ['1']", "-0.0 == 0.0",
        ])
    }

    @Test func ordering() {
        expectTrue([
            "1 < 2", "2u > 1u", "1.5 >= 1.5", "'a' < 'b'", "'abc' < 'abd'", "'' < 'a'", "b'a' < b'b'",
            "false < true", "!(true < false)", "1 < 1.5", "2u > 1", "-1 < 0u", "1.5 > 1u",
            "18446744073709551615u > 9223372036854775807", "9223372036854775807 < 9.3e18",
            "-9223372036854775808 > -1e19", "!(1.0/0.0 < 1)", "!(0.0/0.0 < 1)", "!(0.0/0.0 >= 1)",
            "duration('1s') < duration('2s')",
            "timestamp('2020-01-01T00:00:00Z') < timestamp('2021-01-01T00:00:00Z')",
        ])
    }

    @Test func orderingAcrossTypesIsAnError() {
        expectErrors([
            ("1 < 'a'", "no such overload"),
            ("'a' < true", "no such overload"),
            ("[1] < [2]", "no such overload"),
            ("null < null", "no such overload"),
            ("{} > {}", "no such overload"),
        ])
    }

    @Test func typeEquality() {
        expectTrue([
            "type(1) == int", "type(1u) == uint", "type(1.0) == double", "type('') == string",
            "type(b'') == bytes", "type([]) == list", "type({}) == map", "type(null) == null_type",
            "type(true) == bool", "type(int) == type", "type(type(1)) == type(string)", "type(1) != string",
            "type(duration('1s')) == google.protobuf.Duration",
            "type(timestamp('2020-01-01T00:00:00Z')) == google.protobuf.Timestamp",
            "type(dyn(1)) == int",
        ])
    }

    @Test func membership() {
        expectTrue([
            "2 in [1, 2, 3]", "!(4 in [1, 2, 3])", "2u in [1, 2]", "2.0 in [1, 2]", "'a' in {'a': 1}",
            "!('b' in {'a': 1})", "1u in {1: 'x'}", "1.0 in {1: 'x'}", "!(1.5 in {1: 'x'})", "[1] in [[1], [2]]",
        ])
        expectErrors([("1 in 1", "no such overload"), ("'a' in 'abc'", "no such overload")])
    }
}
