import Foundation
import KubeAPI
import KubeModel
import Testing

/// SOPS through the real controller: the stage's artifact holds files encrypted by the real sops (corpus in
/// Tests/Fixtures/sops, see its PROVENANCE.md), the keys come from the StageSet's decryption Secret.
@Suite(.timeLimit(.minutes(2)))
struct DecryptionTests {
    static let corpus = URL(fileURLWithPath: Harness.repository)
        .appending(path: "Tests/Fixtures/sops/flux-kustomize-controller/current")
    static let secret = GroupVersionKind(group: "", version: "v1", kind: "Secret")

    static func text(_ path: String) throws -> String {
        try String(contentsOf: corpus.appending(path: path), encoding: .utf8)
    }

    /// A namespace, a decryption Secret holding `key` as an age identity, and a StageSet decrypting with it.
    static func rollOut(_ harness: Harness, namespace: String, key: String) async throws -> ObjectKey {
        try await harness.apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \(namespace)\n")
        var keys = KubeObject(apiVersion: "v1", kind: "Secret", namespace: namespace, name: "sops-keys")
        keys.object["data"] = ["identity.agekey": .string(Data(try text(key).utf8).base64EncodedString())]
        _ = try await harness.client.create(keys)
        // A file that is a sops document, and a Secret whose data value is one (Flux's nested form).
        try harness.publish("secrets", namespace: namespace, files: [
            "age.yaml": try text("algorithms/age.yaml"),
            "nested.yaml": try text("inside/secret.yaml"),
        ])
        try await harness.apply("""
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata:
              name: sealed
              namespace: \(namespace)
            spec:
              decryption:
                provider: sops
                secretRef: {name: sops-keys}
              stages:
                - name: secrets
                  sourceRef: {name: secrets}
            """)
        return ObjectKey(namespace: namespace, name: "sealed")
    }

    @Test func encryptedFilesAndNestedValuesArriveDecrypted() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        let key = try await Self.rollOut(harness, namespace: "sealed", key: "keys/age.txt")
        try await harness.waitForStageSet(key, "Ready") { $0.ready?.status == .true }
        let age = try await harness.client.get(Self.secret, namespace: "sealed", name: "age")
        let nested = try await harness.client.get(Self.secret, namespace: "sealed", name: "secret")
        let plain = Data("value".utf8).base64EncodedString()
        // The file's stringData, decrypted, stored as data (the API server folds stringData in).
        #expect(age.json["data"]?["key"]?.stringValue == plain)
        #expect(age.json["stringData"] == nil)
        #expect(age.json["sops"] == nil)
        #expect(nested.json["data"]?["key"]?.stringValue == plain)
    }

    @Test func wrongKeyFailsTheStageWithoutDetailAndAppliesNothing() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        // age-global.txt is a valid identity, but not a recipient of these files.
        let key = try await Self.rollOut(harness, namespace: "wrongkey", key: "keys/age-global.txt")
        let failed = try await harness.waitForStageSet(key, "StageFailed") { $0.ready?.reason == "StageFailed" }
        #expect(failed.ready?.message.hasPrefix("stage \"secrets\": decryption failed") == true, "\(failed.ready?.message ?? "")")
        #expect(try await harness.client.getIfExists(Self.secret, namespace: "wrongkey", name: "age") == nil)
        #expect(try await harness.client.getIfExists(Self.secret, namespace: "wrongkey", name: "secret") == nil)
    }
}
