import KubeModel
import Testing
import YAML

/// decode → encode → decode is the identity, on the fixtures and on strings chosen to trip a YAML writer.
struct RoundTripTests {
    @Test(arguments: try Support.fixtureNames(withExtension: "yaml"))
    func fixtureRoundTrips(_ name: String) throws {
        let values = try YAML.decodeAll(try Support.fixture(name))
        #expect(!values.isEmpty)
        let encoded = YAML.encodeAll(values)
        #expect(try YAML.decodeAll(encoded) == values, "\(name):\n\(encoded)")
        // Encoding is stable once the values are normalised.
        #expect(YAML.encodeAll(try YAML.decodeAll(encoded)) == encoded)
    }

    static let trickyStrings: [String] = [
        "on", "On", "yes", "y", "n", "NO", "off", "true", "False", "null", "Null", "~", "", "123", "-7", "+7", "0x1F",
        "0o17", "017", "0b1", "08", "1_000", "1e3", "1E3", ".5", "+.5", "1.", ".inf", "-.Inf", ".nan", "1e999",
        "2001-12-14", "2001-12-14T21:59:43Z", "1:20", "190:20:30", "<<", "=", " lead", "trail ", " both ", "a: b", "a:",
        "a :b", "a #b", "a#b", "#x", "-x", "- x", "-", "--", "---", "--- x", "...", "?x", "? x", "?", ":x", ": x",
        "*x", "&x", "!x", "|x", ">x", "%x", "@x", "`x", "'x", "\"x", "x'", "x\"", "{x", "[x", "}", "]", ",x",
        "x,y", "x, y", "multi\nline", "multi\nline\n", "trailing\n\n", "\nleading", " indented\nsecond",
        "spaces  \nbefore break", "tab\tinside", "\ttab first", "\u{7}bell", "nul\u{0}byte", "é 東京 🎉",
        "\u{FEFF}bom", "\u{85}next line", "\u{2028}separator", "a\r\nb", "\r", "back\\slash", "long "
            + String(repeating: "word ", count: 80), "key: value\n- item\n", "|\n  not a block",
    ]

    @Test(arguments: trickyStrings)
    func stringRoundTrips(_ text: String) throws {
        let value: JSONValue = ["value": .string(text), "list": [.string(text)], .init(text): "as key"]
        let encoded = YAML.encode(value)
        #expect(try YAML.decode(encoded) == value, "\(encoded)")
    }

    @Test(arguments: [
        0.1, -0.5, 1e-7, 1.5e-300, 1e21, 1e300, -1e300, 123456.789, 5e-324, 1.7976931348623157e308,
        9.223372036854776e18, 1e16, 3.0, -0.0,
    ])
    func doubleRoundTrips(_ number: Double) throws {
        let encoded = YAML.encode(["n": .double(number)])
        #expect(try YAML.decode(encoded)["n"] == .double(number), "\(encoded)")
    }

    @Test func scalarsAndNestingRoundTrip() throws {
        let value: JSONValue = [
            "int": .int(Int64.max), "min": .int(Int64.min), "bool": false, "null": nil, "empty": [:], "none": [],
            "nested": [[], [:], [[1, [2, [3]]]], ["a": ["b": ["c": [:]]]]],
        ]
        #expect(try YAML.decode(YAML.encode(value)) == value)
        for root: JSONValue in ["text", 1, 1.5, true, nil, [], [:], ["on"], "multi\nline"] {
            let encoded = YAML.encode(root)
            #expect(try YAML.decodeAll(encoded) == (root.isNull ? [] : [root]), "\(encoded)")
        }
    }

    @Test func deepValueEncodesWithoutRecursion() throws {
        var value: JSONValue = "leaf"
        for _ in 0..<5_000 { value = ["k": value] }
        let encoded = YAML.encode(value)
        #expect(try YAML.decode(encoded) == value)
    }
}
