import Foundation
import KubeModel
import StageSetCore
@testable import StageSetDecryptors
import StageSetDecryptorPGP
import Testing
import YAML

/// Paths and helpers shared by the decryption suites.
enum Fixtures {
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/sops")

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relative)))
    }

    static func text(_ relative: String) throws -> String {
        String(decoding: try bytes(relative), as: UTF8.self)
    }

    /// Every test key of the corpus, named as in a decryption Secret.
    static func allKeys() throws -> DecryptionKeys {
        DecryptionKeys(entries: [
            ("flux.agekey", try bytes("flux-kustomize-controller/current/keys/age.txt")),
            ("flux-global.agekey", try bytes("flux-kustomize-controller/current/keys/age-global.txt")),
            ("getsops.agekey", try bytes("keys/age/getsops-age-keys.txt")),
            ("flux.asc", try bytes("flux-kustomize-controller/current/keys/pgp.asc")),
            ("sops.asc", try bytes("keys/pgp/sops_functional_tests_key.asc")),
        ])
    }

    static func ageKeys() throws -> DecryptionKeys {
        DecryptionKeys(entries: [("flux.agekey", try bytes("flux-kustomize-controller/current/keys/age.txt"))])
    }

    /// The built-ins plus PGP, as the composition root assembles them.
    static func registry() throws -> PluginRegistry {
        var registry = PluginRegistry.withBuiltInDecryptors()
        try registry.register(PGPDecryptor())
        return registry
    }

    struct Entry: Sendable, CustomTestStringConvertible {
        let file: String
        let format: String
        let expectedResult: String
        let expectedPlaintext: String?
        let dataKeyHex: String?
        var testDescription: String { file }
    }

    static func manifest() throws -> [Entry] {
        let value = try JSON.decode(try bytes("MANIFEST.json"))
        return (value.arrayValue ?? []).compactMap { item in
            guard let file = item["file"]?.stringValue else { return nil }
            return Entry(
                file: file, format: item["format"]?.stringValue ?? "",
                expectedResult: item["expected_result"]?.stringValue ?? "",
                expectedPlaintext: item["expected_plaintext"]?.stringValue,
                dataKeyHex: item["data_key_hex"]?.stringValue)
        }
    }

    static func hex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex, let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex) {
            out.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    /// Our output parsed back into the shape of the corpus' `.expected.json`.
    static func parse(_ output: [UInt8], format: SOPSFormat) throws -> JSONValue {
        switch format {
        case .yaml:
            let documents = try YAML.decodeAll(output)
            return documents.count == 1 ? documents[0] : .array(documents)
        case .json: return try JSON.decode(output)
        case .binary: return .string(String(decoding: output, as: UTF8.self))
        case .dotenv:
            var object = JSONObject()
            for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
                guard let eq = line.firstIndex(of: "=") else { continue }
                object[String(line[..<eq])] = .string(String(line[line.index(after: eq)...]).replacingOccurrences(of: "\\n", with: "\n"))
            }
            return .object(object)
        case .ini:
            var object = JSONObject()
            for (name, entries) in try INI.parse(String(decoding: output, as: UTF8.self)) where !(name == "DEFAULT" && entries.isEmpty) {
                object[name] = .object(entries)
            }
            return .object(object)
        }
    }
}
