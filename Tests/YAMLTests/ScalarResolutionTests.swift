import KubeModel
import Testing
import YAML

/// The go-yaml v2 resolution table, pinned to what kubectl v1.32 printed for each input
/// (KubectlAgreementTests re-checks the fixtures against kubectl itself when it is installed).
struct ScalarResolutionTests {
    static let values: [(String, JSONValue)] = [
        // Booleans: YAML 1.1 words in three casings only.
        ("on", true), ("On", true), ("ON", true), ("oN", "oN"), ("yes", true), ("y", true), ("Y", true),
        ("n", false), ("N", false), ("no", false), ("NO", false), ("off", false), ("OFF", false),
        ("true", true), ("True", true), ("tRUE", "tRUE"), ("false", false), ("FALSE", false),
        // Nulls.
        ("~", nil), ("null", nil), ("Null", nil), ("NULL", nil), ("nUll", "nUll"), ("", nil), ("\"\"", ""),
        // Integers: Go's ParseInt(s, 0, 64) after dropping underscores.
        ("0x1F", 31), ("-0x1F", -31), ("+0x1F", 31), ("0o17", 15), ("017", 15), ("-017", -15), ("0b101", 5),
        ("-0b101", -5), ("1_000", 1000), ("1__0", 10), ("_1", "_1"), ("0x", "0x"), ("0b2", "0b2"), ("08", 8),
        ("9223372036854775807", .int(Int64.max)), ("-9223372036854775808", .int(Int64.min)),
        // Beyond Int64: uint64 or float in go-yaml, a float once kubectl has been through JSON.
        ("9223372036854775808", .double(9_223_372_036_854_775_808)),
        ("12345678901234567890", .double(1.2345678901234567e19)),
        ("-12345678901234567890", .double(-1.2345678901234567e19)),
        ("0xFFFFFFFFFFFFFFFF", .double(1.8446744073709552e19)),
        ("0x1FFFFFFFFFFFFFFFFF", "0x1FFFFFFFFFFFFFFFFF"),
        // Floats: integral ones read back as integers, as kubectl prints them.
        ("1e3", .int(1000)), ("1E3", 1000), ("1.5e-3", 0.0015), (".5", 0.5), ("+.5", 0.5), ("-.5", -0.5),
        (".5e3", 500), (".5_0", 0.5), ("1.", 1), ("1000.0", 1000), ("3.14159265358979", 3.14159265358979),
        ("1e21", .double(1e21)), ("1e-999", 0), ("1e999", "1e999"), (".e3", ".e3"), (".", "."),
        ("inf", "inf"), ("NaN", "NaN"), ("+.nan", "+.nan"),
        // Timestamps and base 60 stay strings.
        ("2001-12-14", "2001-12-14"), ("2001-12-14T21:59:43.10-05:00", "2001-12-14T21:59:43.10-05:00"),
        ("1:20", "1:20"), ("190:20:30", "190:20:30"),
        // Quoting and explicit tags.
        ("\"on\"", "on"), ("'12'", "12"), ("!!str 12", "12"), ("!!str ~", "~"), ("!!int \"12\"", 12),
        ("!!float 12", 12), ("!!bool \"yes\"", true), ("!!null \"\"", nil), ("!!binary aGVsbG8=", "hello"),
        ("!!timestamp 2001-12-14", "2001-12-14"), ("! 12", "12"), ("!custom bar", "bar"), ("!!str [1]", [1]),
        ("<<", "<<"),
    ]

    @Test(arguments: values)
    func resolvesLikeKubectl(_ input: String, _ expected: JSONValue) throws {
        let value = try YAML.decode("v: \(input)\n")
        #expect(value["v"] == expected, "\(input)")
    }

    static let keys: [(String, String)] = [
        ("n", "false"), ("yes", "true"), ("1e3", "1000"), ("1e7", "1e+07"), ("0.1", "0.1"), ("1.5", "1.5"),
        ("0x1F", "31"), ("017", "15"), ("3.14159265358979", "3.1415927"), (".inf", ".inf"), ("-.inf", "-.inf"),
        (".nan", ".nan"), ("1e-5", "1e-05"), ("100000.0", "100000"), ("1000000.0", "1e+06"), ("0.0001", "0.0001"),
        ("16777217.0", "1.6777216e+07"), ("-0.0", "-0"), ("1e40", ".inf"), ("2001-12-14", "2001-12-14"),
        ("\"quoted\"", "quoted"), ("!!binary aGk=", "hi"), ("\"<<\"", "<<"),
    ]

    @Test(arguments: keys)
    func stringifiesKeysLikeKubectl(_ input: String, _ expected: String) throws {
        let value = try YAML.decode("\(input): x\n")
        #expect(value.objectValue?.keys.elements == [expected], "\(input)")
    }

    @Test(arguments: [
        ("v: .inf", "json: unsupported value: +Inf"), ("v: -.inf", "json: unsupported value: -Inf"),
        ("v: .nan", "json: unsupported value: NaN"), ("v: !!int yes", "cannot decode !!bool `yes` as a !!int"),
        ("v: !!null x", "cannot decode !!str `x` as a !!null"), ("~: x", "unsupported map key: null"),
        ("12345678901234567890: x", "unsupported map key of type uint64: 12345678901234567890"),
        ("v: !!binary \"!!!\"", "!!binary value contains invalid base64 data"),
    ])
    func rejectsWhatJSONCannotHold(_ input: String, _ message: String) {
        #expect {
            try YAML.decode(input)
        } throws: { error in
            (error as? YAMLError)?.message == message
        }
    }
}
