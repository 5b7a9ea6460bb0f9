import Foundation
import StageSetCore
import StageSetDecryptorPGP
@testable import StageSetDecryptors
import Testing

/// PGP data keys encrypted by `gpg` with a key generated in the test decrypt through gpgme, in a
/// private GnuPG home that is gone afterwards.
struct PGPTests {
    static let gpgPath = ToolRun.which("gpg")

    /// A fresh key in a temporary GNUPGHOME: (fingerprint, armoured secret key, home).
    private func generateKey(_ dir: TemporaryDirectory) throws -> (String, [UInt8]) {
        let gpg = try #require(Self.gpgPath)
        let env = ["GNUPGHOME": dir.path, "PATH": "/usr/bin:/bin"]
        let gen = try ToolRun.run(
            gpg, ["--batch", "--passphrase", "", "--quick-gen-key", "StageSet Test <test@stageset.invalid>", "future-default", "default", "never"],
            environment: env)
        try #require(gen.status == 0, "\(gen.stderr)")
        let list = try ToolRun.run(gpg, ["--batch", "--with-colons", "--list-secret-keys"], environment: env)
        let fpr = try #require(String(decoding: list.stdout, as: UTF8.self).split(separator: "\n")
            .first { $0.hasPrefix("fpr:") }?.split(separator: ":", omittingEmptySubsequences: false)[9])
        let export = try ToolRun.run(
            gpg, ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--armor", "--export-secret-keys", String(fpr)],
            environment: env)
        try #require(export.status == 0, "\(export.stderr)")
        return (String(fpr), export.stdout)
    }

    private func encrypt(_ dir: TemporaryDirectory, _ fpr: String, _ plaintext: [UInt8]) throws -> String {
        let gpg = try #require(Self.gpgPath)
        let run = try ToolRun.run(
            gpg, ["--batch", "--trust-model", "always", "--armor", "--encrypt", "-r", fpr],
            environment: ["GNUPGHOME": dir.path, "PATH": "/usr/bin:/bin"], stdin: plaintext)
        try #require(run.status == 0, "\(run.stderr)")
        return String(decoding: run.stdout, as: UTF8.self)
    }

    @Test(.enabled(if: gpgPath != nil, "gnupg not installed (scripts/install-deps.sh)"))
    func gpgEncryptedDataKeyDecrypts() async throws {
        let dir = try TemporaryDirectory()
        let (fpr, secretKey) = try generateKey(dir)
        let dataKey = (0..<32).map { UInt8(255 - $0) }
        let enc = try encrypt(dir, fpr, dataKey)
        let stanza = MasterKeyStanza(type: .pgp, fields: ["fp": .string(fpr), "enc": .string(enc)])
        let tmp = try TemporaryDirectory()
        let before = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        let key = try await PGPDecryptor(temporaryDirectory: tmp.path)
            .unwrapDataKey(stanza, keys: DecryptionKeys(entries: [("tenant.asc", secretKey)]))
        #expect(key == dataKey)
        // The private GnuPG home is removed after the call.
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp.path) == before)
    }

    @Test(.enabled(if: gpgPath != nil, "gnupg not installed"))
    func wrongKeyNamesGroupsTried() async throws {
        let dir = try TemporaryDirectory()
        let (fpr, _) = try generateKey(dir)
        let enc = try encrypt(dir, fpr, Array(repeating: 1, count: 32))
        let other = try Fixtures.bytes("flux-kustomize-controller/current/keys/pgp.asc")
        let document = """
            secret: ENC[AES256_GCM,data:AAAA,iv:AAAAAAAAAAAAAAAAAAAAAA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]
            sops:
              pgp:
                - fp: \(fpr)
                  enc: |
            \(enc.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n"))
              lastmodified: "2024-01-01T00:00:00Z"
              mac: ENC[AES256_GCM,data:AAAA,iv:AAAAAAAAAAAAAAAAAAAAAA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]
              version: 3.9.0
            """
        let error = await #expect(throws: DecryptionError.self) {
            _ = try await SOPS.decrypt(
                Array(document.utf8), format: .yaml, keys: DecryptionKeys(entries: [("other.asc", other)]),
                registry: try Fixtures.registry())
        }
        let message = error?.message ?? ""
        #expect(message.contains("group 1") && message.contains("pgp \(fpr)"), "\(message)")
        #expect(error?.reason == "DecryptionFailed")
    }
}
