import Crypto
import Foundation
import X509

/// The CA and serving certificate generated at start-up (P-256, SAN 127.0.0.1 and localhost).
struct ServingCertificates: Sendable {
    let caPEM: String
    let certificatePEM: String
    let privateKeyPEM: String

    /// Reuses `ca.pem`, `server.pem` and `server-key.pem` from `directory`, or generates and writes them.
    static func loadOrGenerate(in directory: String) throws -> ServingCertificates {
        let paths = ["ca.pem", "server.pem", "server-key.pem"].map { directory + "/" + $0 }
        let saved = paths.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        if saved.count == 3 {
            return ServingCertificates(caPEM: saved[0], certificatePEM: saved[1], privateKeyPEM: saved[2])
        }
        let generated = try generate()
        for (path, text) in zip(paths, [generated.caPEM, generated.certificatePEM, generated.privateKeyPEM]) {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
        return generated
    }

    static func generate() throws -> ServingCertificates {
        let now = Date()
        let notBefore = now.addingTimeInterval(-3600)
        let notAfter = now.addingTimeInterval(365 * 24 * 3600)
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("stageset")
            CommonName("stageset-embedded-ca")
        }
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName, subject: caName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            },
            issuerPrivateKey: .init(caKey))
        let serverKey = P256.Signing.PrivateKey()
        let serverName = try DistinguishedName { CommonName("kube-apiserver") }
        let server = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(serverKey.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: caName, subject: serverName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"), .dnsName("kubernetes"), .dnsName("kubernetes.default"),
                    .ipAddress(.init(contentBytes: [127, 0, 0, 1])),
                ])
            },
            issuerPrivateKey: .init(caKey))
        return ServingCertificates(
            caPEM: try ca.serializeAsPEM().pemString,
            certificatePEM: try server.serializeAsPEM().pemString,
            privateKeyPEM: serverKey.pemRepresentation)
    }
}
