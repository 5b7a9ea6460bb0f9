import Foundation
public import KubeModel
public import StageSetCore

extension SOPS {
    /// Text that only a SOPS document carries, per format (kustomize-controller's markers).
    private static let nestedMarkers = [#""mac": "ENC["#, "sops_mac=ENC[", "[sops]", "mac: ENC["]

    /// `secret` with every `data` value that is a whole SOPS document (base64 of it) replaced by its
    /// plaintext, as kustomize-controller decrypts Secrets after the build. The format comes from the data
    /// key's extension (`.yaml`, `.json`, `.env`, `.ini`; none → binary). Other values are left alone.
    public static func decryptingSecretData(
        _ secret: KubeObject, keys: DecryptionKeys, registry: PluginRegistry
    ) async throws(DecryptionError) -> KubeObject {
        let nested = nestedDocuments(in: secret)
        guard !nested.isEmpty, let data = secret.json["data"]?.objectValue else { return secret }
        var result = secret
        var decrypted = data
        for (name, payload) in nested {
            let plain: [UInt8]
            do {
                plain = try await decrypt(Array(payload), format: SOPSFormat(fileName: name), keys: keys, registry: registry)
            } catch {
                throw DecryptionError("Secret \(secret.namespace)/\(secret.name) data \"\(name)\": \(error.message)")
            }
            decrypted[name] = .string(Data(plain).base64EncodedString())
        }
        result.object["data"] = .object(decrypted)
        return result
    }

    /// The `data` entries of a v1 Secret that hold whole SOPS documents (decoded from base64), in order.
    public static func nestedDocuments(in secret: KubeObject) -> [(key: String, payload: Data)] {
        guard secret.kind == "Secret", secret.apiVersion == "v1",
              let data = secret.json["data"]?.objectValue else { return [] }
        return data.compactMap { name, value in
            guard let encoded = value.stringValue, let payload = Data(base64Encoded: encoded),
                  nestedMarkers.contains(where: String(decoding: payload, as: UTF8.self).contains) else { return nil }
            return (name, payload)
        }
    }
}
