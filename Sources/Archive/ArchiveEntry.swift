import CArchive

/// What a tar entry is.
public enum ArchiveEntryType: Sendable, Hashable {
    case regular
    case directory
    case symbolicLink
    /// A hard link to an earlier entry (``ArchiveEntry/linkTarget`` names it).
    case hardLink
    /// Devices, FIFOs, sockets: the raw `AE_IF*` file type.
    case other(UInt32)
}

/// One entry header: as read from an archive, or as written by ``TarGzWriter/add(_:data:)``.
///
/// For writing, the fields are taken literally, so tests can build hostile archives
/// (absolute or `../` names, links, sizes that do not match the data).
public struct ArchiveEntry: Sendable, Hashable {
    /// The path name bytes as stored (not validated, not necessarily UTF-8).
    public var nameBytes: [UInt8]
    public var type: ArchiveEntryType
    /// The size the header declares.
    public var size: Int64
    /// Permission bits.
    public var permissions: UInt32
    /// The target of a symbolic or hard link.
    public var linkTarget: String?

    /// The name decoded as UTF-8 (invalid sequences replaced).
    public var name: String { String(decoding: nameBytes, as: UTF8.self) }

    public init(name: String, type: ArchiveEntryType = .regular, size: Int64 = 0, permissions: UInt32 = 0o644,
                linkTarget: String? = nil) {
        self.init(nameBytes: Array(name.utf8), type: type, size: size, permissions: permissions, linkTarget: linkTarget)
    }

    public init(nameBytes: [UInt8], type: ArchiveEntryType, size: Int64, permissions: UInt32, linkTarget: String?) {
        self.nameBytes = nameBytes
        self.type = type
        self.size = size
        self.permissions = permissions
        self.linkTarget = linkTarget
    }
}

extension ArchiveEntryType {
    init(fileType: UInt32, hasHardLink: Bool) {
        if hasHardLink {
            self = .hardLink
            return
        }
        switch fileType {
        case CArchive_AE_IFREG: self = .regular
        case CArchive_AE_IFDIR: self = .directory
        case CArchive_AE_IFLNK: self = .symbolicLink
        default: self = .other(fileType)
        }
    }

    /// The `AE_IF*` type written for this kind (a hard link is written as a regular entry with a link name).
    var fileType: UInt32 {
        switch self {
        case .regular, .hardLink: CArchive_AE_IFREG
        case .directory: CArchive_AE_IFDIR
        case .symbolicLink: CArchive_AE_IFLNK
        case .other(let raw): raw
        }
    }
}
