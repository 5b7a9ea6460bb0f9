import Foundation
import StageSetCore
import StageSetDecryptorPGP
@testable import StageSetDecryptors
import Testing

/// The registry, key material handling and the key-file loader the CLI uses.
struct PluginRegistryTests {
    @Test func builtInsAreRegisteredAndDuplicatesRejected() throws {
        var registry = PluginRegistry.withBuiltInDecryptors()
        #expect(registry.decryptors.keyTypes == ["age", "aws_kms"])
        try registry.register(PGPDecryptor())
        #expect(registry.decryptors.keyTypes == ["age", "aws_kms", "pgp"])
        #expect(registry.decryptor(for: .age) is AgeDecryptor)
        #expect(registry.decryptor(for: .pgp) is PGPDecryptor)
        #expect(registry.decryptor(for: .gcpKMS) == nil)
        #expect(throws: PluginRegistryError.duplicate(kind: "decryptor", name: "age")) {
            try registry.register(AgeDecryptor())
        }
    }

    @Test func keysFromSecretDataKeepOnlyKeyEntries() {
        let keys = DecryptionKeys(secretData: [
            "a.agekey": Array("AGE-SECRET-KEY-1X".utf8), "b.asc": [1, 2], "token": [3], "c.agekey": [4],
        ])
        #expect(keys.entries.map(\.name) == ["a.agekey", "b.asc", "c.agekey"])
        #expect(keys.ageKeys.count == 2)
        #expect(keys.pgpKeys.first?.material.withBytes { Array($0) } == [1, 2])
    }

    @Test func keysFromFilesDetectTheirKind() throws {
        let dir = try TemporaryDirectory()
        let age = Fixtures.root.appendingPathComponent("flux-kustomize-controller/current/keys/age.txt").path
        let pgp = Fixtures.root.appendingPathComponent("flux-kustomize-controller/current/keys/pgp.asc").path
        let keys = try DecryptionKeys(files: [age, pgp])
        #expect(keys.ageKeys.count == 1 && keys.pgpKeys.count == 1)
        try "hello".write(toFile: dir.file("junk"), atomically: true, encoding: .utf8)
        #expect(throws: DecryptionError.self) { _ = try DecryptionKeys(files: [dir.file("junk")]) }
        #expect(throws: DecryptionError.self) { _ = try DecryptionKeys(files: [dir.file("missing")]) }
    }

    @Test func keysFromFilesDecryptTheCorpus() async throws {
        let age = Fixtures.root.appendingPathComponent("flux-kustomize-controller/current/keys/age.txt").path
        let output = try await SOPS.decrypt(
            try Fixtures.bytes("flux-kustomize-controller/current/envs/env.env"), format: .dotenv,
            keys: try DecryptionKeys(files: [age]), registry: try Fixtures.registry())
        #expect(!output.isEmpty)
    }

    @Test func formatFromFileName() {
        #expect(SOPSFormat(fileName: "a.enc.yaml") == .yaml)
        #expect(SOPSFormat(fileName: "a.YML") == .yaml)
        #expect(SOPSFormat(fileName: "x.json") == .json)
        #expect(SOPSFormat(fileName: "x.env") == .dotenv)
        #expect(SOPSFormat(fileName: "x.ini") == .ini)
        #expect(SOPSFormat(fileName: "day.txt.encrypted") == .binary)
    }

    @Test func detectsEncryptedDocuments() throws {
        #expect(SOPS.isEncrypted(try Fixtures.bytes("getsops/example.json"), format: .json))
        #expect(!SOPS.isEncrypted(Array("a: b\n".utf8), format: .yaml))
        #expect(!SOPS.isEncrypted(try Fixtures.bytes("getsops/functional-tests/res/no_mac.yaml"), format: .yaml))
    }

    @Test func secretBytesWipe() {
        var bytes: [UInt8] = [1, 2, 3]
        SecretBytes.wipe(&bytes)
        #expect(bytes == [0, 0, 0])
    }
}
