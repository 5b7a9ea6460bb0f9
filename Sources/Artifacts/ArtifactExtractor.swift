import Archive
import Foundation
public import StageSetCore

/// Unpacks a tar.gz into a fresh private directory by the reference's rules.
///
/// Only regular files are kept. A name must be relative, free of NUL and `\`, made of `[A-Za-z0-9._/-]`, and
/// after cleaning hold no `..` and no segment starting with `.`; other entries are skipped. Two entries that
/// clean to the same path are an error. Links are never created or followed. Caps come from ``ArtifactLimits``.
public struct ArtifactExtractor: Sendable {
    public var limits: ArtifactLimits
    /// Where extraction directories are created: the system temp dir when nil.
    public var workDirectory: String?

    public init(limits: ArtifactLimits = ArtifactLimits(), workDirectory: String? = nil) {
        self.limits = limits
        self.workDirectory = workDirectory
    }

    /// Extracts `archivePath` into a new 0700 directory under ``workDirectory``; on failure nothing is left.
    /// Throws `StageSetError(.stageFailed, …, retry: .terminal)`.
    public func extract(_ archivePath: String) throws(StageSetError) -> ExtractedArtifact {
        var template = Array((temporaryParent(workDirectory) + "/stageset-artifact-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard created != nil else {
            throw StageSetError(.stageFailed, "artifact directory: \(String(cString: strerror(errno)))", retry: .backoff)
        }
        let root = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            let count = try unpack(archivePath, into: root)
            return ExtractedArtifact(root: root, fileCount: count)
        } catch {
            try? FileManager.default.removeItem(atPath: root)
            throw error
        }
    }

    /// The cleaned relative path of an acceptable entry name, nil when the entry is to be skipped.
    public static func sanitise(_ name: [UInt8]) -> String? {
        guard !name.isEmpty, name.first != UInt8(ascii: "/") else { return nil }
        let allowed: (UInt8) -> Bool = { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "/"),
                 UInt8(ascii: "-"):
                true
            default:
                false  // also NUL and `\`
            }
        }
        guard name.allSatisfy(allowed) else { return nil }
        // Clean as Go's path.Clean does for a relative path.
        var segments: [Substring] = []
        for segment in String(decoding: name, as: UTF8.self).split(separator: "/", omittingEmptySubsequences: true) {
            switch segment {
            case ".": continue
            case "..":
                if let last = segments.last, last != ".." { segments.removeLast() } else { segments.append(segment) }
            default: segments.append(segment)
            }
        }
        guard !segments.isEmpty, !segments.contains(where: { $0.hasPrefix(".") }) else { return nil }
        return segments.joined(separator: "/")
    }

    private func unpack(_ archivePath: String, into root: String) throws(StageSetError) -> Int {
        let reader: TarGzReader
        do { reader = try TarGzReader(path: archivePath) } catch { throw Self.failure("open", error) }
        var seen: Set<String> = []
        var total: Int64 = 0
        var files = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let next: ArchiveEntry?
            do { next = try reader.next() } catch { throw Self.failure("read", error) }
            try checkInflated(reader)
            guard let entry = next else { break }
            // Checked for every type: libarchive inflates the data of a skipped entry too.
            guard entry.size >= 0, entry.size <= limits.maxEntryBytes else {
                throw Self.failure("entry \(entry.name) declares \(entry.size) bytes, over the per-entry limit of \(limits.maxEntryBytes)")
            }
            guard entry.type == .regular else { continue }
            guard let path = Self.sanitise(entry.nameBytes) else { continue }
            guard total + entry.size <= limits.maxTotalBytes else {
                throw Self.failure("artifact exceeds the extraction limit of \(limits.maxTotalBytes) bytes")
            }
            guard seen.insert(path).inserted else { throw Self.failure("duplicate entry \(path)") }
            let output = try create(path, in: root)
            defer { close(output) }
            var written: Int64 = 0
            while true {
                let count: Int
                do throws(ArchiveError) {
                    count = try reader.read(into: &buffer)
                } catch {
                    throw Self.failure("read \(path)", error)
                }
                try checkInflated(reader)
                if count == 0 { break }
                written += Int64(count)
                total += Int64(count)
                guard written <= entry.size, written <= limits.maxEntryBytes else {
                    throw Self.failure("entry \(path) holds more bytes than its header declares")
                }
                guard total <= limits.maxTotalBytes else {
                    throw Self.failure("artifact exceeds the extraction limit of \(limits.maxTotalBytes) bytes")
                }
                try write(buffer, count: count, to: output, path: path)
            }
            files += 1
        }
        return files
    }

    private func checkInflated(_ reader: TarGzReader) throws(StageSetError) {
        guard reader.inflatedBytes <= limits.maxInflatedBytes else {
            throw Self.failure("artifact inflates beyond the limit of \(limits.maxInflatedBytes) bytes")
        }
    }

    /// Creates the parent directories (0700) and the file (0600, exclusive, never through a link).
    private func create(_ path: String, in root: String) throws(StageSetError) -> Int32 {
        var directory = root
        let parts = path.split(separator: "/")
        for part in parts.dropLast() {
            directory += "/" + part
            if mkdir(directory, 0o700) != 0, errno != EEXIST {
                throw Self.failure("create directory \(path): \(String(cString: strerror(errno)))")
            }
            var status = stat()
            guard lstat(directory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                throw Self.failure("entry \(path) conflicts with a file of the same name")
            }
        }
        let fd = open(root + "/" + path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.failure("create \(path): \(String(cString: strerror(errno)))") }
        return fd
    }

    private func write(_ buffer: [UInt8], count: Int, to fd: Int32, path: String) throws(StageSetError) {
        var offset = 0
        while offset < count {
            let written = buffer.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return 0 }
                return Foundation.write(fd, base + offset, count - offset)
            }
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw Self.failure("write \(path): \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    private static func failure(_ message: String, _ error: ArchiveError? = nil) -> StageSetError {
        StageSetError(.stageFailed, "artifact extraction: \(message)\(error.map { ": \($0.message)" } ?? "")",
                      retry: .terminal)
    }
}

/// `directory` (or the system temp dir) without a trailing slash.
func temporaryParent(_ directory: String?) -> String {
    var path = directory ?? NSTemporaryDirectory()
    while path.count > 1, path.hasSuffix("/") { path.removeLast() }
    return path
}
