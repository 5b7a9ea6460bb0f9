import Foundation
import KubeModel
import StageSetCore
@testable import StageSetDecryptors
import Testing

/// Every file of the sops corpus (files encrypted by the real sops, plus the project's synthetic and
/// negative files) decrypts to its expected plaintext, or fails as MANIFEST.json says.
struct SOPSCorpusTests {
    static let entries: [Fixtures.Entry] = (try? Fixtures.manifest()) ?? []
    static let plainDocuments = entries.filter { ["yaml", "json", "dotenv", "ini", "binary"].contains($0.format) }

    @Test func manifestIsComplete() {
        #expect(Self.entries.count >= 45)
    }

    @Test(arguments: plainDocuments)
    func decryptsWithKeys(_ entry: Fixtures.Entry) async throws {
        let format = try #require(SOPSFormat(rawValue: entry.format))
        let input = try Fixtures.bytes(entry.file)
        let registry = try Fixtures.registry()
        if entry.file.hasSuffix("age-pq.yaml") {
            // Post-quantum age stanzas are not supported: the failure must name what was tried.
            await #expect {
                _ = try await SOPS.decrypt(input, format: format, keys: try Fixtures.allKeys(), registry: registry)
            } throws: { error in
                (error as? DecryptionError)?.message.contains("group 1") == true
            }
            return
        }
        if entry.expectedResult.hasPrefix("ok") {
            let output = try await SOPS.decrypt(input, format: format, keys: try Fixtures.allKeys(), registry: registry)
            try expectPlaintext(output, entry: entry, format: format)
        } else {
            let error = await #expect(throws: DecryptionError.self) {
                _ = try await SOPS.decrypt(input, format: format, keys: try Fixtures.allKeys(), registry: registry)
            }
            #expect(error?.reason == "DecryptionFailed")
            let message = error?.message ?? ""
            if entry.expectedResult.hasPrefix("mac_mismatch") || entry.expectedResult.hasPrefix("no_mac") {
                #expect(message.contains("MAC mismatch"), "\(message)")
            } else if entry.expectedResult.contains("MAC") {
                #expect(message.contains("sops.mac") && message.contains("lastmodified"), "\(message)")
            } else {
                #expect(message.contains("authentication failed"), "\(message)")
            }
        }
    }

    /// The value layer alone, with the data keys recorded in the manifest (no age or gpg involved).
    @Test(arguments: plainDocuments.filter { $0.dataKeyHex != nil && $0.expectedResult.hasPrefix("ok") })
    func decryptsWithRecordedDataKey(_ entry: Fixtures.Entry) throws {
        let format = try #require(SOPSFormat(rawValue: entry.format))
        let key = Fixtures.hex(try #require(entry.dataKeyHex))
        let output = try SOPS.decrypt(try Fixtures.bytes(entry.file), format: format, dataKey: key)
        try expectPlaintext(output, entry: entry, format: format)
    }

    @Test func wrongDataKeyFails() throws {
        let input = try Fixtures.bytes("flux-kustomize-controller/current/algorithms/age.yaml")
        #expect(throws: DecryptionError.self) {
            _ = try SOPS.decrypt(input, format: .yaml, dataKey: [UInt8](repeating: 7, count: 32))
        }
    }

    private func expectPlaintext(_ output: [UInt8], entry: Fixtures.Entry, format: SOPSFormat) throws {
        let expectedFile = try #require(entry.expectedPlaintext)
        if expectedFile.hasSuffix(".txt") {
            #expect(output == (try Fixtures.bytes(expectedFile)))
        } else {
            let expected = try JSON.decode(try Fixtures.bytes(expectedFile))
            let actual = try Fixtures.parse(output, format: format)
            #expect(actual == expected, "\(String(decoding: output, as: UTF8.self))")
        }
    }
}
