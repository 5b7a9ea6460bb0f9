import Foundation

/// Read-only access to a directory tree that never leaves its root: absolute paths, `..` past
/// the root and symbolic links resolving outside it are refused.
struct ArtifactFileSystem: Sendable {
    /// The canonical (symlink-free) absolute root path.
    let root: String

    init(root: String) throws(RenderError) {
        guard let resolved = Self.realPath(root) else {
            throw RenderError("artifact root \(root) does not exist")
        }
        guard Self.isDirectory(resolved) else {
            throw RenderError("artifact root \(root) is not a directory")
        }
        self.root = resolved
    }

    /// Joins `relative` onto `directory` (both relative to the root) lexically, refusing
    /// absolute paths and `..` that climbs above the root. Returns a normalised relative path
    /// (`""` for the root itself).
    func join(_ directory: String, _ relative: String) throws(RenderError) -> String {
        if relative.hasPrefix("/") {
            throw RenderError("absolute path \(relative) is not allowed; paths must stay inside the artifact")
        }
        var parts = directory.split(separator: "/").map(String.init)
        for component in relative.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..":
                guard !parts.isEmpty else {
                    throw RenderError("path \(relative) leaves the artifact root")
                }
                parts.removeLast()
            default: parts.append(String(component))
            }
        }
        return parts.joined(separator: "/")
    }

    /// The absolute path of `relative`, after checking that following symbolic links keeps it
    /// inside the root. `nil` when nothing exists there.
    func resolve(_ relative: String) throws(RenderError) -> String? {
        let absolute = relative.isEmpty ? root : root + "/" + relative
        guard let real = Self.realPath(absolute) else {
            // A dangling symlink is reported as missing; lstat tells apart "nothing there".
            return nil
        }
        guard real == root || real.hasPrefix(root + "/") else {
            throw RenderError("\(relative) resolves (through a symbolic link) outside the artifact root")
        }
        return real
    }

    /// What is at a path.
    enum EntryKind: Sendable { case file, directory, other, missing }

    /// The kind of `relative` and its resolved absolute path, with one symlink resolution.
    func entry(_ relative: String) throws(RenderError) -> (kind: EntryKind, real: String) {
        guard let real = try resolve(relative) else { return (.missing, "") }
        var info = stat()
        guard stat(real, &info) == 0 else { return (.missing, real) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return (.file, real)
        case S_IFDIR: return (.directory, real)
        default: return (.other, real)
        }
    }

    /// The bytes of an already resolved regular file (`relative` names it in errors).
    static func readResolved(_ real: String, relative: String) throws(RenderError) -> [UInt8] {
        let descriptor = Glibc.open(real, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw RenderError("\(relative): cannot read file") }
        defer { _ = Glibc.close(descriptor) }
        var bytes: [UInt8] = []
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_size > 0 { bytes.reserveCapacity(Int(info.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw RenderError("\(relative): cannot read file")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    func isDirectory(_ relative: String) throws(RenderError) -> Bool {
        guard let real = try resolve(relative) else { return false }
        return Self.isDirectory(real)
    }

    func isFile(_ relative: String) throws(RenderError) -> Bool {
        guard let real = try resolve(relative) else { return false }
        var info = stat()
        return stat(real, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// The bytes of a regular file.
    func read(_ relative: String) throws(RenderError) -> [UInt8] {
        guard let real = try resolve(relative) else {
            throw RenderError("\(relative): no such file")
        }
        guard !Self.isDirectory(real) else { throw RenderError("\(relative) is a directory, not a file") }
        guard let data = FileManager.default.contents(atPath: real) else {
            throw RenderError("\(relative): cannot read file")
        }
        return [UInt8](data)
    }

    /// The entry names of a directory, sorted bytewise as Go's `filepath.Walk` visits them.
    func list(_ relative: String) throws(RenderError) -> [String] {
        guard let real = try resolve(relative) else { throw RenderError("\(relative): no such directory") }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: real) else {
            throw RenderError("\(relative.isEmpty ? "." : relative): cannot read directory")
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    static func realPath(_ path: String) -> String? {
        guard let pointer = realpath(path, nil) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    static func isDirectory(_ absolute: String) -> Bool {
        var info = stat()
        return stat(absolute, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
