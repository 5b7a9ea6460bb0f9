import Crypto
import Foundation
import KubeModel
import StageSetCore
@testable import StageSetDecryptors
import Testing
import YAML

/// Tampering, rules, key groups and malformed input.
struct SOPSEngineTests {
    static let ageFile = "flux-kustomize-controller/current/algorithms/age.yaml"

    private func decryptAge(_ text: String) async throws -> [UInt8] {
        try await SOPS.decrypt(Array(text.utf8), format: .yaml, keys: try Fixtures.ageKeys(), registry: try Fixtures.registry())
    }

    private func expectFailure(_ text: String, containing part: String) async throws {
        let error = await #expect(throws: DecryptionError.self) { _ = try await decryptAge(text) }
        #expect(error?.reason == "DecryptionFailed")
        #expect(error?.message.contains(part) == true, "\(error?.message ?? "")")
    }

    /// Replaces the first occurrence of `field:` value's first base64 character after `anchor`.
    private func tamper(_ text: String, after anchor: String, field: String) throws -> String {
        let anchorRange = try #require(text.range(of: anchor))
        let fieldRange = try #require(text.range(of: field, range: anchorRange.upperBound..<text.endIndex))
        let index = fieldRange.upperBound
        let original = text[index]
        let replacement: Character = original == "A" ? "B" : "A"
        var copy = text
        copy.replaceSubrange(index...index, with: String(replacement))
        return copy
    }

    @Test func untamperedFileDecrypts() async throws {
        let output = try await decryptAge(try Fixtures.text(Self.ageFile))
        #expect(try YAML.decode(String(decoding: output, as: UTF8.self))["stringData"]?["key"] == "value")
    }

    @Test(arguments: ["data:", "iv:", "tag:"])
    func tamperedValueFails(field: String) async throws {
        let text = try tamper(try Fixtures.text(Self.ageFile), after: "key: ENC[", field: field)
        try await expectFailure(text, containing: "cannot decrypt the value at stringData.key: authentication failed")
    }

    @Test(arguments: ["data:", "iv:", "tag:"])
    func tamperedMACFails(field: String) async throws {
        let text = try tamper(try Fixtures.text(Self.ageFile), after: "mac: ENC[", field: field)
        try await expectFailure(text, containing: "cannot decrypt sops.mac")
    }

    @Test func changedLastModifiedFails() async throws {
        let text = try Fixtures.text(Self.ageFile).replacingOccurrences(of: "13:33:42Z", with: "13:33:43Z")
        try await expectFailure(text, containing: "authenticated with lastmodified 2024-11-12T13:33:43Z")
    }

    @Test func changedCleartextValueIsAMACMismatch() async throws {
        let text = try Fixtures.text(Self.ageFile).replacingOccurrences(of: "name: age", with: "name: other")
        try await expectFailure(text, containing: "MAC mismatch")
    }

    @Test func removedMACFails() async throws {
        var lines = try Fixtures.text(Self.ageFile).split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeAll { $0.hasPrefix("  mac: ") }
        try await expectFailure(lines.joined(separator: "\n"), containing: "MAC mismatch: the file has no MAC")
    }

    @Test func wrongAgeKeyListsWhatWasTried() async throws {
        let keys = DecryptionKeys(entries: [("other.agekey", try Fixtures.bytes("flux-kustomize-controller/current/keys/age-global.txt"))])
        let error = await #expect(throws: DecryptionError.self) {
            _ = try await SOPS.decrypt(try Fixtures.bytes(Self.ageFile), format: .yaml, keys: keys, registry: try Fixtures.registry())
        }
        #expect(error?.message == "no key could decrypt the data key; tried group 1 [age age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29: no age identity matched a recipient of the file]")
    }

    @Test func unsupportedKeyTypesSaySo() async throws {
        let key = [UInt8](repeating: 9, count: 32)
        let doc = try TestEncryptor.encrypt(
            ["data": ["k": "v"]], key: key, encrypt: { _ in true },
            metadata: [
                "gcp_kms": [["resource_id": "projects/p/locations/l/keyRings/r/cryptoKeys/k", "enc": "AAAA"]],
                "azure_kv": [["vault_url": "https://v.vault.azure.net", "name": "n", "version": "1", "enc": "AAAA"]],
                "hc_vault": [["vault_address": "http://127.0.0.1:8200", "engine_path": "transit", "key_name": "k", "enc": "vault:v1:AAAA"]],
            ])
        let error = await #expect(throws: DecryptionError.self) {
            _ = try await SOPS.decrypt(Array(YAML.encode(doc).utf8), format: .yaml, keys: DecryptionKeys(), registry: try Fixtures.registry())
        }
        let message = error?.message ?? ""
        for type in ["gcp_kms", "azure_kv", "hc_vault"] {
            #expect(message.contains("key type \(type) not supported by this build"), "\(message)")
        }
    }

    @Test func encryptionRulesAndTypes() throws {
        let key = (0..<32).map { UInt8($0) }
        let tree: JSONObject = [
            "a_secret": "s1", "plain": "p", "nested": ["x_secret": ["deep": 5, "list": [1.5, true, "", nil]]],
            "n": 7, "f": 0.1, "b": false,
        ]
        let rules: [(JSONObject, ([String]) -> Bool)] = [
            (["encrypted_suffix": "_secret"], { $0.contains { $0.hasSuffix("_secret") } }),
            (["unencrypted_suffix": "_secret"], { !$0.contains { $0.hasSuffix("_secret") } }),
            (["encrypted_regex": "^(n|nested)$"], { $0.contains { $0 == "n" || $0 == "nested" } }),
            (["unencrypted_regex": "^pl"], { !$0.contains { $0.hasPrefix("pl") } }),
            ([:], { !$0.contains { $0.hasSuffix("_unencrypted") } }),
            (["encrypted_comment_regex": "sops:enc"], { $0.first == "a_secret" }),
        ]
        for (metadata, rule) in rules {
            for macOnly in [false, true] {
                let doc = try TestEncryptor.encrypt(tree, key: key, encrypt: rule, macOnlyEncrypted: macOnly, metadata: metadata)
                for format in [SOPSFormat.yaml, .json] {
                    let bytes = format == .yaml ? Array(YAML.encode(doc).utf8) : JSON.encodeToBytes(doc)
                    let output = try SOPS.decrypt(bytes, format: format, dataKey: key)
                    let parsed = format == .yaml ? try YAML.decode(String(decoding: output, as: UTF8.self)) : try JSON.decode(output)
                    #expect(parsed == .object(tree), "\(metadata) \(format)")
                }
                // With a different rule the selection differs: a cleartext value where the rule wants ENC fails.
                if metadata["encrypted_suffix"] != nil {
                    var changed = doc
                    changed["sops"]?["encrypted_suffix"] = "_nothing"
                    changed["sops"]?["unencrypted_suffix"] = nil
                    #expect(throws: DecryptionError.self) {
                        _ = try SOPS.decrypt(Array(YAML.encode(changed).utf8), format: .yaml, dataKey: key)
                    }
                }
            }
        }
    }

    @Test func dotenvAndINIRoundTrip() throws {
        let key = [UInt8](repeating: 3, count: 32)
        let envLines = [
            "A=" + (try TestEncryptor.seal(Array("one\ntwo".utf8), key: key, aad: "A:", type: "str")),
            "# a comment",
            "B_unencrypted=clear",
        ]
        var hash = SHA512()
        hash.update(data: Array("one\ntwo".utf8))
        hash.update(data: Array("clear".utf8))
        let mac = hash.finalize().map { String(format: "%02X", $0) }.joined()
        let env = envLines.joined(separator: "\n") + "\nsops_lastmodified=2025-01-02T03:04:05Z\nsops_mac="
            + (try TestEncryptor.seal(Array(mac.utf8), key: key, aad: "2025-01-02T03:04:05Z", type: "str"))
            + "\nsops_age__list_0__map_recipient=age1x\nsops_age__list_0__map_enc=x\nsops_unencrypted_suffix=_unencrypted\n"
        let output = try SOPS.decrypt(Array(env.utf8), format: .dotenv, dataKey: key)
        #expect(String(decoding: output, as: UTF8.self) == "A=one\\ntwo\nB_unencrypted=clear\n")
        let document = try SOPSDocument(bytes: Array(env.utf8), format: .dotenv)
        #expect(document.metadata.keyGroups.first?.first?.fields["recipient"] == "age1x")
    }

    @Test(.enabled(if: AgeTests.agePath != nil, "Debian age CLI not installed"))
    func shamirKeyGroups() async throws {
        let age = try #require(AgeTests.agePath)
        let keygen = try #require(ToolRun.which("age-keygen"))
        let dir = try TemporaryDirectory()
        var rng = SeededGenerator(state: 42)
        let dataKey = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let shares = TestEncryptor.split(dataKey, count: 3, threshold: 2, rng: &rng)
        var groups: [JSONValue] = []
        var identities: [[UInt8]] = []
        for (index, share) in shares.enumerated() {
            let file = dir.file("k\(index).txt")
            #expect(try ToolRun.run(keygen, ["-o", file]).status == 0)
            let identity = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
            identities.append(identity)
            let recipient = String(try #require(String(decoding: identity, as: UTF8.self).split(separator: "\n")
                .first { $0.hasPrefix("# public key: ") }).dropFirst(14))
            let enc = try ToolRun.run(age, ["-r", recipient, "-a"], stdin: share)
            groups.append(["age": [["recipient": .string(recipient), "enc": .string(String(decoding: enc.stdout, as: UTF8.self))]]])
        }
        let doc = try TestEncryptor.encrypt(
            ["stringData": ["password": "hunter2"]], key: dataKey, encrypt: { _ in true },
            metadata: ["key_groups": .array(groups), "shamir_threshold": 2])
        let bytes = Array(YAML.encode(doc).utf8)
        for pair in [(0, 1), (1, 2), (0, 2)] {
            let keys = DecryptionKeys(entries: [("a.agekey", identities[pair.0]), ("b.agekey", identities[pair.1])])
            let output = try await SOPS.decrypt(bytes, format: .yaml, keys: keys, registry: try Fixtures.registry())
            #expect(try YAML.decode(String(decoding: output, as: UTF8.self))["stringData"]?["password"] == "hunter2")
        }
        let one = DecryptionKeys(entries: [("a.agekey", identities[1])])
        let error = await #expect(throws: DecryptionError.self) {
            _ = try await SOPS.decrypt(bytes, format: .yaml, keys: one, registry: try Fixtures.registry())
        }
        #expect(error?.message.hasPrefix("recovered 1 of 2 key group shares needed; tried group 1 [age ") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("group 3 [age ") == true)
    }

    @Test func shamirCombineInvertsSplit() throws {
        var rng = SeededGenerator(state: 7)
        for threshold in 2...5 {
            let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let shares = TestEncryptor.split(secret, count: 6, threshold: threshold, rng: &rng)
            #expect(try Shamir.combine(Array(shares.shuffled(using: &rng).prefix(threshold))) == secret)
            if threshold > 2 {
                #expect(try Shamir.combine(Array(shares.prefix(threshold - 1))) != secret)
            }
        }
        #expect(throws: Shamir.Failure.self) { _ = try Shamir.combine([[1, 2, 3], [4, 5, 3]]) }
    }

    @Test func goFloatFormatting() {
        let cases: [(Double, String)] = [
            (1234.56789, "1234.56789"), (1e21, "1000000000000000000000"), (2.0, "2"), (1e-07, "0.0000001"),
            (0.1, "0.1"), (-0.5, "-0.5"), (1234568000.0, "1234568000"), (0, "0"), (Double.leastNonzeroMagnitude, "0." + String(repeating: "0", count: 323) + "5"),
        ]
        for (value, expected) in cases { #expect(GoFloat.format(value) == expected) }
    }

    @Test func literalRegexRulesMatchExactlyWhatTheRegexMatches() throws {
        #expect(SOPSMetadata.literalAlternation("^(data|stringData)$") == ["data", "stringData"])
        #expect(SOPSMetadata.literalAlternation("^(?:password|api_key|x-token)$") == ["password", "api_key", "x-token"])
        #expect(SOPSMetadata.literalAlternation("^data$") == ["data"])
        // Anything with regex meaning, or alternation outside a group (`(^a)|(b$)`), takes the regex.
        for pattern in ["^a|b$", "^(a)|(b)$", "data", "^(data|.*)$", "^(da+ta)$", "^()$", "^(a||b)$", "^$", "^(data|stringData)", "^(a\\b)$"] {
            #expect(SOPSMetadata.literalAlternation(pattern) == nil, "\(pattern)")
        }
        let keys = ["data", "stringData", "Data", "stringdata", "xdata", "data2", "metadata", "password", "api_key", "x-token", ""]
        for pattern in ["^(data|stringData)$", "^(?:password|api_key|x-token)$", "^data$"] {
            let literal = try #require(SOPSMetadata.literalAlternation(pattern))
            let regex = try Regex(pattern)
            for key in keys {
                #expect(literal.contains(key) == ((try? regex.firstMatch(in: key)) != nil), "\(pattern) on \(key)")
            }
        }
    }

    @Test func encryptedValueFieldsAreCheckedBeforeDecrypting() throws {
        let tag = String(repeating: "A", count: 22) + "=="
        let longIV = String(repeating: "A", count: 172)  // 129 bytes
        let cases: [(String, String)] = [
            ("ENC[AES256_GCM,data:AA==,iv:\(longIV),tag:\(tag),type:str]", "iv is 129 bytes"),
            ("ENC[AES256_GCM,data:AA==,iv:,tag:\(tag),type:str]", "iv is empty"),
            ("ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]", "tag is 1 bytes"),
            ("ENC[AES256_GCM,data:A,iv:AA==,tag:\(tag),type:str]", "data is not valid base64"),
            ("ENC[AES256_GCM,data:AA==,iv:AA==,tag:\(tag),type:str,x:1]", "format"),
            ("ENC[AES256_GCM,iv:AA==,data:AA==,tag:\(tag),type:str]", "format"),
        ]
        for (text, message) in cases {
            do {
                _ = try EncryptedValue(parsing: text)
                Issue.record("\(text) parsed")
            } catch {
                #expect(error.message.contains(message), "\(text): \(error.message)")
            }
        }
        let value = try EncryptedValue(parsing: "ENC[AES256_GCM,data:AAEC,iv:\(String(repeating: "A", count: 43) + "="),tag:\(tag),type:int]")
        #expect(value.type == "int")
    }
}
