import CArchive
import Foundation

/// Writes a gzip-compressed tar file.
///
/// ``add(_:data:)`` writes one header exactly as given (the raw tool, also for building hostile archives);
/// ``writeDeterministic(directory:to:)`` writes a reproducible archive of a directory.
public final class TarGzWriter {
    private let handle: OpaquePointer
    private var closed = false

    /// Creates (or truncates) `path`. The gzip header carries no timestamp, the tar format is POSIX pax
    /// (extended headers only where ustar cannot hold a field).
    public init(path: String) throws(ArchiveError) {
        guard let handle = archive_write_new() else { throw ArchiveError(message: "archive_write_new failed") }
        self.handle = handle
        try ArchiveError.check(archive_write_add_filter_gzip(handle), handle, "enable gzip")
        try ArchiveError.check(archive_write_set_filter_option(handle, "gzip", "timestamp", nil), handle, "gzip options")
        try ArchiveError.check(archive_write_set_format_pax_restricted(handle), handle, "select pax")
        try ArchiveError.check(archive_write_open_filename(handle, path), handle, "open \(path)")
    }

    deinit {
        if !closed { archive_write_close(handle) }
        archive_write_free(handle)
    }

    /// Writes `entry`'s header (mtime 0, uid/gid 0, no owner names) followed by `data`.
    ///
    /// libarchive writes at most the declared size and pads a shorter `data` with zero bytes.
    public func add(_ entry: ArchiveEntry, data: [UInt8] = []) throws(ArchiveError) {
        guard let raw = archive_entry_new() else { throw ArchiveError(message: "archive_entry_new failed") }
        defer { archive_entry_free(raw) }
        var name = entry.nameBytes.map { CChar(bitPattern: $0) }
        name.append(0)
        archive_entry_copy_pathname(raw, name)
        archive_entry_set_filetype(raw, entry.type.fileType)
        archive_entry_set_perm(raw, mode_t(entry.permissions))
        archive_entry_set_mtime(raw, 0, 0)
        archive_entry_set_uid(raw, 0)
        archive_entry_set_gid(raw, 0)
        switch entry.type {
        case .hardLink: archive_entry_copy_hardlink(raw, entry.linkTarget ?? "")
        case .symbolicLink: archive_entry_copy_symlink(raw, entry.linkTarget ?? "")
        default: break
        }
        archive_entry_set_size(raw, entry.size)
        try ArchiveError.check(archive_write_header(handle, raw), handle, "write header \(entry.name)")
        if !data.isEmpty {
            let written = data.withUnsafeBytes { archive_write_data(handle, $0.baseAddress, $0.count) }
            guard written >= 0 else { throw ArchiveError(handle, "write data \(entry.name)") }
        }
        try ArchiveError.check(archive_write_finish_entry(handle), handle, "finish \(entry.name)")
    }

    /// Writes the end-of-archive marker and flushes; further ``add(_:data:)`` calls fail.
    public func finish() throws(ArchiveError) {
        guard !closed else { return }
        closed = true
        try ArchiveError.check(archive_write_close(handle), handle, "close")
    }

    /// Writes `bytes` gzip-compressed (no timestamp) to `path`, as they are: for tests that hand-craft tar streams
    /// libarchive's writer would refuse to produce.
    public static func gzip(_ bytes: [UInt8], to path: String) throws(ArchiveError) {
        guard let handle = archive_write_new() else { throw ArchiveError(message: "archive_write_new failed") }
        defer { archive_write_free(handle) }
        try ArchiveError.check(archive_write_add_filter_gzip(handle), handle, "enable gzip")
        try ArchiveError.check(archive_write_set_filter_option(handle, "gzip", "timestamp", nil), handle, "gzip options")
        try ArchiveError.check(archive_write_set_format_raw(handle), handle, "select raw")
        try ArchiveError.check(archive_write_open_filename(handle, path), handle, "open \(path)")
        guard let entry = archive_entry_new() else { throw ArchiveError(message: "archive_entry_new failed") }
        defer { archive_entry_free(entry) }
        archive_entry_set_filetype(entry, CArchive_AE_IFREG)
        try ArchiveError.check(archive_write_header(handle, entry), handle, "write raw header")
        if !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { archive_write_data(handle, $0.baseAddress, $0.count) }
            guard written >= 0 else { throw ArchiveError(handle, "write raw data") }
        }
        try ArchiveError.check(archive_write_close(handle), handle, "close")
    }

    /// Archives the regular files and directories below `directory` into `path`, reproducibly: entries sorted
    /// by path, names relative to `directory` (directories with a trailing `/`), mtime 0, uid/gid 0, no owner
    /// names, mode 0644 (files) / 0755 (directories). Symbolic links and special files are skipped.
    ///
    /// The same directory contents always give the same bytes.
    /// - Returns: the number of regular files written.
    @discardableResult
    public static func writeDeterministic(directory: String, to path: String) throws(ArchiveError) -> Int {
        let root = URL(fileURLWithPath: directory).standardizedFileURL.path
        var entries: [(name: String, isDirectory: Bool)] = []
        try collect(root: root, relative: "", into: &entries)
        // Byte-wise order of the UTF-8 names, independent of locale.
        entries.sort { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
        let writer = try TarGzWriter(path: path)
        var files = 0
        for entry in entries {
            if entry.isDirectory {
                try writer.add(ArchiveEntry(name: entry.name + "/", type: .directory, size: 0, permissions: 0o755))
                continue
            }
            let full = root + "/" + entry.name
            guard let data = FileManager.default.contents(atPath: full) else {
                throw ArchiveError(message: "read \(full): cannot open")
            }
            try writer.add(ArchiveEntry(name: entry.name, type: .regular, size: Int64(data.count), permissions: 0o644),
                           data: [UInt8](data))
            files += 1
        }
        try writer.finish()
        return files
    }

    private static func collect(root: String, relative: String, into entries: inout [(name: String, isDirectory: Bool)])
        throws(ArchiveError)
    {
        let directory = relative.isEmpty ? root : root + "/" + relative
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ArchiveError(message: "list \(directory): \(error.localizedDescription)")
        }
        for name in names {
            let child = relative.isEmpty ? name : relative + "/" + name
            var status = stat()
            guard lstat(root + "/" + child, &status) == 0 else {
                throw ArchiveError(code: Int(errno), message: "stat \(root)/\(child)")
            }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                entries.append((child, true))
                try collect(root: root, relative: child, into: &entries)
            case S_IFREG:
                entries.append((child, false))
            default:
                continue
            }
        }
    }
}
