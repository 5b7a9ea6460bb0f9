import CArchive
import Foundation

/// Reads a gzip-compressed tar file entry by entry, streaming: nothing is held beyond one read buffer.
///
/// Call ``next()`` for each header, then ``read(into:)`` for that entry's data (unread data is skipped by the
/// following ``next()``). Any libarchive error throws ``ArchiveError``; the reader is unusable afterwards.
public final class TarGzReader {
    private let handle: OpaquePointer

    /// Opens `path`; gzip compression is required.
    public init(path: String) throws(ArchiveError) {
        guard let handle = archive_read_new() else { throw ArchiveError(message: "archive_read_new failed") }
        self.handle = handle
        try ArchiveError.check(archive_read_support_filter_gzip(handle), handle, "enable gzip")
        try ArchiveError.check(archive_read_support_format_tar(handle), handle, "enable tar")
        try ArchiveError.check(archive_read_open_filename(handle, path, 64 * 1024), handle, "open \(path)")
        // A plain (uncompressed) tar is refused: artifacts are tar.gz by contract.
        guard archive_filter_count(handle) > 1, archive_filter_code(handle, 0) == ARCHIVE_FILTER_GZIP else {
            throw ArchiveError(message: "open \(path): not gzip-compressed")
        }
    }

    deinit { archive_read_free(handle) }

    /// Bytes of the inflated stream consumed so far (what a decompression cap counts).
    public var inflatedBytes: Int64 { archive_filter_bytes(handle, 0) }

    /// The next entry header, `nil` at the end of the archive.
    public func next() throws(ArchiveError) -> ArchiveEntry? {
        var raw: OpaquePointer?
        let status = archive_read_next_header(handle, &raw)
        if status == ARCHIVE_EOF { return nil }
        try ArchiveError.check(status, handle, "read header")
        guard let raw else { throw ArchiveError(message: "read header: no entry") }
        var nameBytes: [UInt8] = []
        if let name = archive_entry_pathname(raw) ?? archive_entry_pathname_utf8(raw) {
            nameBytes = Array(UnsafeBufferPointer(start: name, count: strlen(name))).map { UInt8(bitPattern: $0) }
        }
        let hardLink = archive_entry_hardlink(raw).map { String(cString: $0) }
        let symlink = archive_entry_symlink(raw).map { String(cString: $0) }
        let type = ArchiveEntryType(fileType: UInt32(archive_entry_filetype(raw)), hasHardLink: hardLink != nil)
        return ArchiveEntry(
            nameBytes: nameBytes, type: type, size: archive_entry_size_is_set(raw) != 0 ? archive_entry_size(raw) : 0,
            permissions: UInt32(archive_entry_perm(raw)), linkTarget: hardLink ?? symlink)
    }

    /// Reads up to `buffer.count` bytes of the current entry's data; `0` at its end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let count = archive_read_data(handle, base, buffer.count)
        guard count >= 0 else { throw ArchiveError(handle, "read data") }
        return count
    }

    /// Reads up to `buffer.count` bytes of the current entry's data into the start of `buffer`; `0` at its end.
    public func read(into buffer: inout [UInt8]) throws(ArchiveError) -> Int {
        let count = buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress, raw.count > 0 else { return 0 }
            return archive_read_data(handle, base, raw.count)
        }
        guard count >= 0 else { throw ArchiveError(handle, "read data") }
        return count
    }
}
