import Foundation
import KubeModel
import StageSetCore
@testable import StageSetDecryptors
import Testing
import YAML

/// A seeded, generated corpus of malformed sops documents: every one fails with a DecryptionError (or,
/// for harmless edits, decrypts); none crashes.
struct SOPSMalformedInputTests {
    static let junk = [
        "", "ENC[", "ENC[AES256_GCM,]", "ENC[AES256_GCM,data:,iv:,tag:,type:]", "ENC[AES256_GCM,data:!!,iv:AA==,tag:AA==,type:str]",
        "ENC[AES256_GCM,data:AA==,iv:AA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:nope]",
        "ENC[AES256_GCM,data:AA==,iv:,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]", "ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]",
        "ENC[AES256_GCM,data:AA==,iv:AA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:int]x", "-----BEGIN AGE ENCRYPTED FILE-----\nAA\n-----END AGE ENCRYPTED FILE-----\n",
        "-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----", "age-encryption.org/v1\n-> X25519 AA\n\n--- AA\n",
        "not-a-date", "2024-13-99T99:99:99Z", "-1", "1000000", "\u{0}", "[]", "{}",
    ]
    static let junkValues: [JSONValue] = junk.map { .string($0) } + [.int(-1), .int(0), .int(Int64.max), .bool(true), .null, .array([]), .object([:]), .double(0.5), .array([.string("x")])]

    @Test func mutatedMetadataNeverCrashes() async throws {
        let base = try YAML.decode(try Fixtures.text("flux-kustomize-controller/current/algorithms/age.yaml"))
        let paths: [[String]] = [
            ["sops", "mac"], ["sops", "lastmodified"], ["sops", "age"], ["sops", "encrypted_regex"], ["sops", "version"],
            ["sops", "shamir_threshold"], ["sops", "key_groups"], ["sops", "mac_only_encrypted"], ["sops", "unencrypted_suffix"],
            ["sops", "kms"], ["sops", "pgp"], ["stringData", "key"], ["stringData"], ["sops"], ["sops", "encrypted_suffix"],
        ]
        var rng = SeededGenerator(state: 2024)
        let keys = try Fixtures.ageKeys()
        let registry = PluginRegistry.withBuiltInDecryptors()
        var outcomes = 0
        for _ in 0..<400 {
            var document = base
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let path = paths.randomElement(using: &rng) ?? []
                let value = Self.junkValues.randomElement(using: &rng) ?? .null
                Self.set(&document, path[...], value)
            }
            let bytes = Array(YAML.encode(document).utf8)
            do {
                _ = try await SOPS.decrypt(bytes, format: .yaml, keys: keys, registry: registry)
            } catch {
                #expect(!error.message.isEmpty)
            }
            outcomes += 1
        }
        #expect(outcomes == 400)
    }

    @Test func mutatedBytesNeverCrash() throws {
        var rng = SeededGenerator(state: 99)
        let entries = try Fixtures.manifest().filter { $0.dataKeyHex != nil && ["yaml", "json", "dotenv", "ini", "binary"].contains($0.format) }
        for entry in entries {
            let original = try Fixtures.bytes(entry.file)
            let dataKey = Fixtures.hex(entry.dataKeyHex ?? "")
            guard let format = SOPSFormat(rawValue: entry.format) else { continue }
            for _ in 0..<40 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    guard !bytes.isEmpty else { break }
                    let index = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
                    case 1: bytes.remove(at: index)
                    default: bytes.insert(contentsOf: Array(("ENC[AES256_GCM," as String).utf8), at: index)
                    }
                }
                do {
                    _ = try SOPS.decrypt(bytes, format: format, dataKey: dataKey)
                } catch {
                    #expect(error.reason == "DecryptionFailed")
                }
            }
        }
    }

    @Test func garbageArmourAndIdentitiesFailCleanly() throws {
        var rng = SeededGenerator(state: 5)
        let identities = try AgeIdentity.parseAll(try Fixtures.ageKeys())
        for sample in Self.junk {
            #expect(throws: DecryptionError.self) { _ = try Age.decrypt(Array(sample.utf8), identities: identities) }
        }
        for _ in 0..<200 {
            let length = Int.random(in: 0..<200, using: &rng)
            let bytes = Array("age-encryption.org/v1\n".utf8) + (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(throws: DecryptionError.self) { _ = try Age.decrypt(bytes, identities: identities) }
        }
        for bad in ["AGE-SECRET-KEY-1", "AGE-SECRET-KEY-1QQQQ", "age-secret-key-1Abc", "AGE-SECRET-KEY-1" + String(repeating: "Q", count: 58)] {
            #expect(throws: DecryptionError.self) { _ = try AgeIdentity(bad) }
        }
    }

    private static func set(_ value: inout JSONValue, _ path: ArraySlice<String>, _ newValue: JSONValue) {
        guard let head = path.first else {
            value = newValue
            return
        }
        guard case .object(var object) = value else { return }
        var child = object[head] ?? .null
        set(&child, path.dropFirst(), newValue)
        object[head] = child
        value = .object(object)
    }
}
