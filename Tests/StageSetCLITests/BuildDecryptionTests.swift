import Foundation
import Testing

/// `stagesetctl build --decryption-key-file`: SOPS-encrypted files in the source are decrypted before
/// the build, as kustomize-controller does (file and key from the real-sops corpus, see
/// Tests/Fixtures/sops/PROVENANCE.md).
struct BuildDecryptionTests {
    static let encrypted = CLI.root.appending(path: "Tests/Fixtures/sops/flux-kustomize-controller/historical/secret.age.yaml")
    static let keys = CLI.root.appending(path: "Tests/Fixtures/sops/flux-kustomize-controller/current/keys")

    /// A source directory holding the encrypted Secret and a plain ConfigMap.
    static func source() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appending(path: "stageset-build-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: encrypted, to: directory.appending(path: "secret.yaml"))
        try Data("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\ndata: {a: b}\n".utf8)
            .write(to: directory.appending(path: "configmap.yaml"))
        return directory
    }

    @Test func decryptsWithTheRightAgeKey() throws {
        let directory = try Self.source()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run([
            "build", "--path", directory.path, "--show-secrets",
            "--decryption-key-file", Self.keys.appending(path: "age.txt").path,
        ])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("secret: my-sops-age-secret"))
        #expect(!result.output.contains("sops:"))
        #expect(result.output.contains("name: plain"))
        // The source itself is untouched.
        #expect(try String(contentsOf: directory.appending(path: "secret.yaml"), encoding: .utf8).contains("ENC[AES256_GCM"))
    }

    @Test func aWrongKeyFailsWithTheKeysTriedAndNoOutput() throws {
        let directory = try Self.source()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run([
            "build", "--path", directory.path,
            "--decryption-key-file", Self.keys.appending(path: "age-global.txt").path,
        ])
        #expect(result.status == 3)
        #expect(result.output.isEmpty)
        #expect(result.errors.contains("decryption failed: secret.yaml: no key could decrypt the data key"))
        #expect(result.errors.contains("age age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29"))
    }

    @Test func secretsStayMaskedByDefault() throws {
        let directory = try Self.source()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try CLI.run([
            "build", "--path", directory.path, "--decryption-key-file", Self.keys.appending(path: "age.txt").path,
        ])
        #expect(result.status == 0)
        #expect(!result.output.contains("my-sops-age-secret"))
        #expect(result.output.contains("secret: '***'"))
    }
}
