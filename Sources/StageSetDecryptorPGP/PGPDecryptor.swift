import Foundation
import GPGME
public import StageSetCore

extension KeyType {
    /// OpenPGP keys (sops `pgp`).
    static let openPGP: KeyType = "pgp"
}

/// The `pgp` decryptor: imports the tenant's `*.asc` secret keys into a private GnuPG home created for this
/// one call (a fresh `0700` directory under the temporary directory), decrypts the data key with gpgme and
/// removes the home, its agent and all key material afterwards. The user's or controller's own keyring is
/// never read or written.
public struct PGPDecryptor: Decryptor {
    public static var keyType: KeyType { .openPGP }

    /// Where the per-call homes are created; nil means `$TMPDIR` or `/tmp`.
    public let temporaryDirectory: String?

    public init(temporaryDirectory: String? = nil) {
        self.temporaryDirectory = temporaryDirectory
    }

    public func unwrapDataKey(_ stanza: MasterKeyStanza, keys: DecryptionKeys) async throws -> [UInt8] {
        let pgpKeys = keys.pgpKeys
        guard !pgpKeys.isEmpty else { throw DecryptionError("no PGP key (*.asc) given") }
        guard !stanza.enc.isEmpty else { throw DecryptionError("the pgp entry has no enc value") }
        let home = try PrivateHome(in: temporaryDirectory)
        defer { home.remove() }
        do throws(GPGMEError) {
            let context = try GPGMEContext(homeDirectory: home.path)
            defer { context.stopAgent() }
            for key in pgpKeys {
                var bytes = key.material.withBytes { Array($0) }
                defer { SecretBytes.wipe(&bytes) }
                try context.importKeys(bytes)
            }
            return try context.decrypt(Array(stanza.enc.utf8))
        } catch {
            throw DecryptionError("gpg \(error)")
        }
    }
}

/// A fresh private directory for one GnuPG home.
struct PrivateHome {
    let path: String

    init(in directory: String?) throws(DecryptionError) {
        let base = directory ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((base + "/stageset-gnupg-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }
        }
        guard created != nil else { throw DecryptionError("cannot create a private GnuPG home: \(String(cString: strerror(errno)))") }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        chmod(path, 0o700)
    }

    /// Removes the directory tree (keys, agent sockets, trust database).
    /// An exiting gpg-agent may still be writing while the tree is removed, so removal is retried for up
    /// to two seconds.
    func remove() {
        for _ in 0..<40 {
            try? FileManager.default.removeItem(atPath: path)
            if !FileManager.default.fileExists(atPath: path) { return }
            usleep(50_000)
        }
    }
}
