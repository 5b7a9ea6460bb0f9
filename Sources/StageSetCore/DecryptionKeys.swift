#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Key material for SOPS decryption, as found in a tenant's decryption Secret: entries named `*.agekey`
/// (age identity files) and `*.asc` (ASCII-armoured OpenPGP secret keys).
///
/// The bytes live in ``SecretBytes`` buffers that are overwritten with zeros (`explicit_bzero`) when the
/// last copy of the `DecryptionKeys` value goes away; callers should drop the value as soon as the
/// decryption is done. The material is never part of `description` or any error message.
public struct DecryptionKeys: Sendable {
    /// One key entry.
    public struct Entry: Sendable {
        /// The Secret data key (or file name) the entry came from.
        public let name: String
        /// The raw content.
        public let material: SecretBytes
    }

    /// Every entry, in the order given.
    public let entries: [Entry]

    /// Entries whose names end in `.agekey`.
    public var ageKeys: [Entry] { entries.filter { $0.name.hasSuffix(".agekey") } }
    /// Entries whose names end in `.asc`.
    public var pgpKeys: [Entry] { entries.filter { $0.name.hasSuffix(".asc") } }

    /// Keys from a Secret's `data` (already base64-decoded), keeping only `*.agekey` and `*.asc` entries.
    public init(secretData: [String: [UInt8]]) {
        entries = secretData.keys.sorted()
            .filter { $0.hasSuffix(".agekey") || $0.hasSuffix(".asc") }
            .compactMap { name in secretData[name].map { Entry(name: name, material: SecretBytes($0)) } }
    }

    /// Keys given as (name, bytes) pairs; names decide the kind as in ``init(secretData:)``.
    public init(entries: [(name: String, bytes: [UInt8])]) {
        self.entries = entries.map { Entry(name: $0.name, material: SecretBytes($0.bytes)) }
    }

    /// No keys.
    public init() { entries = [] }

    /// Keys read from files (`stagesetctl build --decryption-key-file`): a file whose content holds an
    /// `AGE-SECRET-KEY-` line is an age identity file, one holding `-----BEGIN PGP PRIVATE KEY BLOCK-----`
    /// an armoured PGP key; anything else is an error.
    public init(files: [String]) throws(DecryptionError) {
        var result: [Entry] = []
        for (index, path) in files.enumerated() {
            let bytes = try Self.readFile(path)
            let text = String(decoding: bytes, as: UTF8.self)
            let kind: String
            if text.contains("AGE-SECRET-KEY-") {
                kind = "agekey"
            } else if text.contains("-----BEGIN PGP PRIVATE KEY BLOCK-----") {
                kind = "asc"
            } else {
                throw DecryptionError("decryption key file \(path) holds neither an age identity nor an armoured PGP private key")
            }
            result.append(Entry(name: "file\(index).\(kind)", material: SecretBytes(bytes)))
        }
        entries = result
    }

    private static func readFile(_ path: String) throws(DecryptionError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw DecryptionError("cannot read decryption key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
            if bytes.count > 1 << 20 { throw DecryptionError("decryption key file \(path) is larger than 1 MiB") }
        }
        SecretBytes.wipe(&buffer)
        return bytes
    }
}

/// Bytes of key material in a private allocation that is zeroed with `explicit_bzero` on deinit.
public final class SecretBytes: @unchecked Sendable {
    private let pointer: UnsafeMutableRawBufferPointer

    /// Copies `bytes`; the caller should wipe its own copy (see ``wipe(_:)``).
    public init(_ bytes: [UInt8]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress, let target = storage.baseAddress {
                target.copyMemory(from: base, byteCount: source.count)
            }
        }
        pointer = storage
        count = bytes.count
    }

    /// Number of bytes.
    public let count: Int

    /// Calls `body` with the bytes; do not let the buffer escape.
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(rebasing: pointer[0..<count]))
    }

    deinit {
        if let base = pointer.baseAddress { explicit_bzero(base, pointer.count) }
        pointer.deallocate()
    }

    /// Overwrites an array of key bytes with zeros in place.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { explicit_bzero(base, buffer.count) }
        }
    }
}
