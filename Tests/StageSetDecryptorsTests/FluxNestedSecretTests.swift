import Foundation
import KubeModel
import StageSetCore
import StageSetDecryptors
import Testing
import YAML

/// The two corpus Secrets whose `data` values are base64 of whole sops documents, decrypted the way
/// kustomize-controller does it: marker check, format from the data key's extension (none → binary),
/// re-encoded as base64.
struct FluxNestedSecretTests {
    @Test(arguments: [
        "flux-kustomize-controller/current/inside/secret.yaml",
        "flux-kustomize-controller/historical/secret.day.yaml",
    ])
    func nestedDocumentsDecrypt(_ file: String) async throws {
        var secret = try YAML.decode(try Fixtures.text(file))
        let markers = [#""mac": "ENC["#, "sops_mac=ENC[", "[sops]", "mac: ENC["]
        for (name, value) in secret["data"]?.objectValue ?? [:] {
            let encoded = try #require(value.stringValue)
            let payload = Array(try #require(Data(base64Encoded: encoded)))
            let text = String(decoding: payload, as: UTF8.self)
            guard markers.contains(where: text.contains) else { continue }
            let plain = try await SOPS.decrypt(
                payload, format: SOPSFormat(fileName: name), keys: try Fixtures.allKeys(), registry: try Fixtures.registry())
            secret["data"]?[name] = .string(Data(plain).base64EncodedString())
        }
        #expect(secret == (try JSON.decode(try Fixtures.bytes(file + ".expected.json"))))
    }
}
