import Foundation
import KubeModel
import Testing
import YAML

/// Our decoder against the real kubectl (v1.32, sigs.k8s.io/yaml over go-yaml v2), offline:
/// `KUBECONFIG=/dev/null kubectl label --local -f FILE stageset-oracle=1 -o json` prints each decoded object.
@Suite(.enabled(if: Support.kubectlPath != nil, "kubectl is not on PATH; agreement with kubectl is not checked"))
struct KubectlAgreementTests {
    /// kubectl's objects for a stream, without the oracle's label.
    private func kubectlObjects(_ yaml: String) throws -> [JSONValue] {
        switch try Support.kubectlDecode(yaml) {
        case .objects(let objects): return objects.map(Support.withoutOracleLabel)
        case .failure(let message):
            Issue.record("kubectl rejected the input: \(message)")
            return []
        }
    }

    @Test(arguments: try Support.fixtureNames(withExtension: "yaml"))
    func decodesFixtureLikeKubectl(_ name: String) throws {
        let text = try Support.fixture(name)
        let ours = try YAML.decodeAll(text)
        let theirs = try kubectlObjects(text)
        try #require(ours.count == theirs.count)
        for (mine, kubectl) in zip(ours, theirs) {
            // Compare member by member so a failure names the part that differs.
            for (key, value) in kubectl.objectValue ?? [:] {
                if let spec = value.objectValue, let mineSpec = mine[key]?.objectValue {
                    for (field, expected) in spec {
                        #expect(mineSpec[field] == expected, "\(name): \(key).\(field)")
                    }
                }
            }
            #expect(mine == kubectl, "\(name)")
        }
    }

    @Test(arguments: try Support.fixtureNames(withExtension: "yaml"))
    func kubectlReadsOurEncodingBack(_ name: String) throws {
        let values = try YAML.decodeAll(try Support.fixture(name))
        let encoded = YAML.encodeAll(values)
        let theirs = try kubectlObjects(encoded)
        #expect(theirs == values, "\(name):\n\(encoded)")
    }

    @Test func kubectlReadsOurTrickyScalarsBack() throws {
        var keyed = JSONObject()
        for text in RoundTripTests.trickyStrings where !text.contains("\u{0}") { keyed[text] = .string(text) }
        let value: JSONValue = [
            "apiVersion": "example.com/v1", "kind": "Thing", "metadata": ["name": "tricky"],
            "spec": [
                "strings": .array(RoundTripTests.trickyStrings.map(JSONValue.string)), "keyed": .object(keyed),
                "numbers": [0.1, -0.5, 1e-7, 1e21, 1e300, 123456.789, 5e-324, 3.0, .int(Int64.max), .int(Int64.min)],
                "other": [true, false, nil, [], [:], [[]]],
            ],
        ]
        let encoded = YAML.encode(value)
        let theirs = try kubectlObjects(encoded)
        #expect(theirs == [value], "\(encoded)")
    }

    /// Values that kubectl refuses; we must refuse them too.
    static let rejected: [String] = [
        "a: .inf", "a: -.Inf", "a: .nan", "a: !!float .inf", "a: !!int yes", "a: !!bool 1", "a: !!null x",
        "a: !!timestamp x", "a: !!int 1.5", "a: !!float yes", "a: !!binary \"!!!\"", "a: !!binary aGk",
        "a: {~: 1}", "a: {12345678901234567890: 1}", "a: {[1]: 1}", "a: {{b: 1}: 1}", "a: {<<: 1}",
        "a: {<<: [{b: 1}, 2]}", "a: *nope", "a: {b: 1", "a: [1, 2", "a: 'open", "a:\n  - b\n c: d",
        "a: !!float 0xFFFFFFFFFFFFFFFF",
    ]

    @Test(arguments: rejected)
    func rejectsWhatKubectlRejects(_ spec: String) throws {
        let indented = spec.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
            .joined(separator: "\n")
        let text = "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: x\nspec:\n\(indented)\n"
        guard case .failure = try Support.kubectlDecode(text) else {
            Issue.record("kubectl accepted \(spec)")
            return
        }
        #expect(throws: YAMLError.self, "\(spec)") { try YAML.decodeAll(text) }
    }
}
