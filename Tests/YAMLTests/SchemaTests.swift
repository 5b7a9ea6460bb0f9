import KubeModel
import Testing
import YAML

/// `YAML.Schema`: kubectl's YAML 1.1 booleans by default, go-yaml v3's YAML 1.2 booleans for sops documents.
struct SchemaTests {
    static let text = "y: yes\non: off\nn: No\nt: true\nf: FALSE\ns: \"yes\"\nnum: 0x1F\nnothing: ~\n"

    @Test func yaml11ReadsEveryBooleanWord() throws {
        let value = try YAML.decode(Self.text)
        // `y` and `on` both become the key "true"; the last one wins, as in go-yaml v2.
        #expect(value == ["true": false, "false": false, "t": true, "f": false, "s": "yes", "num": 31, "nothing": nil])
    }

    @Test func yaml12KeepsOnlyTrueAndFalse() throws {
        let value = try #require(try YAML.decodeAll(Array(Self.text.utf8), schema: .yaml12).first)
        #expect(value == ["y": "yes", "on": "off", "n": "No", "t": true, "f": false, "s": "yes", "num": 31, "nothing": nil])
    }

    @Test func stringsThatLookLikeYAML11BooleansAreQuotedOnOutput() throws {
        let value: JSONValue = ["y": "on", "n": "no"]
        // kubectl (YAML 1.1) reads the emitted text back as the same strings.
        #expect(try YAML.decode(YAML.encode(value)) == value)
    }
}
