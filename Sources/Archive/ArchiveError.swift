import CArchive

/// A libarchive failure, or a misuse detected on this side of the C boundary.
public struct ArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libarchive's `errno`-style code (`archive_errno`), `0` when there was none.
    public let code: Int
    /// libarchive's message (`archive_error_string`) or ours.
    public let message: String

    public init(code: Int = 0, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { code == 0 ? "archive error: \(message)" : "archive error \(code): \(message)" }

    /// The one place a libarchive status becomes a Swift error: anything below `ARCHIVE_WARN` throws.
    static func check(_ status: Int32, _ handle: OpaquePointer, _ action: String) throws(ArchiveError) {
        guard status < ARCHIVE_WARN else { return }
        throw ArchiveError(handle, action)
    }

    init(_ handle: OpaquePointer, _ action: String) {
        let text = archive_error_string(handle).map { String(cString: $0) } ?? "unknown error"
        self.init(code: Int(archive_errno(handle)), message: "\(action): \(text)")
    }
}
