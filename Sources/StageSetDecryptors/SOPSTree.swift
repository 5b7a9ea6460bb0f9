import Foundation
public import StageSetCore

extension SOPS {
    /// A private copy of the directory tree at `root` in which every SOPS-encrypted file (YAML, JSON,
    /// dotenv, INI or binary, recognised by its metadata) is replaced by its plaintext, as
    /// kustomize-controller decrypts an artifact before the build so generators read plaintext.
    /// Files without SOPS metadata are copied unchanged; symbolic links are copied as links (the
    /// render step decides whether they may be followed).
    ///
    /// All or nothing: on any failure the copy is removed and the error names the file.
    /// - Returns: the copy's path; the caller removes it when done.
    public static func decryptedCopy(
        of root: String, keys: DecryptionKeys, registry: PluginRegistry
    ) async throws(DecryptionError) -> String {
        let files = FileManager.default
        let copy = files.temporaryDirectory.appending(path: "stageset-decrypt-\(UUID().uuidString)").path
        do {
            try files.copyItem(atPath: root, toPath: copy)
            try files.setAttributes([.posixPermissions: 0o700], ofItemAtPath: copy)
        } catch {
            try? files.removeItem(atPath: copy)
            throw DecryptionError("cannot copy \(root): \(error.localizedDescription)")
        }
        do throws(DecryptionError) {
            for relative in regularFiles(under: copy) {
                let path = copy + "/" + relative
                guard let data = files.contents(atPath: path) else { continue }
                let bytes = Array(data)
                let format = SOPSFormat(fileName: relative)
                guard mayBeEncrypted(bytes), isEncrypted(bytes, format: format) else { continue }
                let plain: [UInt8]
                do {
                    plain = try await decrypt(bytes, format: format, keys: keys, registry: registry)
                } catch {
                    throw DecryptionError("\(relative): \(error.message)")
                }
                guard files.createFile(atPath: path, contents: Data(plain), attributes: [.posixPermissions: 0o600]) else {
                    throw DecryptionError("\(relative): cannot write the decrypted file")
                }
            }
        } catch {
            try? files.removeItem(atPath: copy)
            throw error
        }
        return copy
    }

    /// Regular files below `directory`, relative to it, without following symbolic links.
    private static func regularFiles(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var result: [String] = []
        while let relative = walker.nextObject() as? String {
            if walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular { result.append(relative) }
        }
        return result.sorted()
    }

    /// A cheap filter before parsing: every SOPS document carries its `sops` metadata and a `mac`.
    private static func mayBeEncrypted(_ bytes: [UInt8]) -> Bool {
        func contains(_ needle: String) -> Bool {
            let pattern = Array(needle.utf8)
            guard bytes.count >= pattern.count else { return false }
            var index = 0
            while index <= bytes.count - pattern.count {
                if bytes[index] == pattern[0], bytes[index..<index + pattern.count].elementsEqual(pattern) { return true }
                index += 1
            }
            return false
        }
        return contains("sops") && contains("mac")
    }
}
