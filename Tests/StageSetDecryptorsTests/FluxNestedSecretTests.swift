import Foundation
import KubeModel
import StageSetCore
import StageSetDecryptors
import Testing
import YAML

/// The two corpus Secrets whose `data` values are base64 of whole sops documents, decrypted the way
/// kustomize-controller does it (``SOPS/decryptingSecretData(_:keys:registry:)``).
struct FluxNestedSecretTests {
    @Test(arguments: [
        "flux-kustomize-controller/current/inside/secret.yaml",
        "flux-kustomize-controller/historical/secret.day.yaml",
    ])
    func nestedDocumentsDecrypt(_ file: String) async throws {
        let encrypted = try #require(KubeObject(json: try YAML.decode(try Fixtures.text(file))))
        let secret = try await SOPS.decryptingSecretData(
            encrypted, keys: try Fixtures.allKeys(), registry: try Fixtures.registry()).json
        #expect(secret == (try JSON.decode(try Fixtures.bytes(file + ".expected.json"))))
    }
}
