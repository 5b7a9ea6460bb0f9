import Archive
import Crypto
import Foundation
import KubeEmbedded
import StageSetCore
import Testing

/// An embedded API server (not listening: the artifact server talks to it in-process) plus a started artifact
/// server, shut down after `body`.
func withArtifactServer(_ body: (EmbeddedAPIServer, ArtifactServer) async throws -> Void) async throws {
    let api = try EmbeddedAPIServer()
    let artifacts = ArtifactServer(apiServer: api)
    try await artifacts.start()
    do {
        try await body(api, artifacts)
    } catch {
        try? await artifacts.shutdown()
        throw error
    }
    try await artifacts.shutdown()
}

/// Writes a tar.gz with `entries` (header, data) and returns its bytes.
func tarball(_ entries: [(ArchiveEntry, [UInt8])]) throws -> [UInt8] {
    let tmp = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: tmp) }
    let writer = try TarGzWriter(path: tmp + "/a.tar.gz")
    for (entry, data) in entries { try writer.add(entry, data: data) }
    try writer.finish()
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: tmp + "/a.tar.gz")))
}

/// A regular entry with `text` as its data.
func file(_ name: String, _ text: String) -> (ArchiveEntry, [UInt8]) {
    (ArchiveEntry(name: name, size: Int64(text.utf8.count)), Array(text.utf8))
}

func sha256(_ bytes: [UInt8]) -> String {
    "sha256:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

/// The StageSetError `body` throws, nil (and an issue) when it throws something else or nothing.
func stageSetError(_ body: () async throws -> Void) async -> StageSetError? {
    do {
        try await body()
        Issue.record("expected a StageSetError")
    } catch let error as StageSetError {
        return error
    } catch {
        Issue.record("expected a StageSetError, got \(error)")
    }
    return nil
}

func contents(of directory: String) -> [String] {
    ((try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? []).sorted()
}

/// One hand-made ustar header block (512 bytes) with `size` written as given, and a valid checksum.
func ustarHeader(name: String, type: Character, size: Int64, linkName: String = "") -> [UInt8] {
    var block = [UInt8](repeating: 0, count: 512)
    func put(_ text: String, at offset: Int, width: Int) {
        for (index, byte) in text.utf8.prefix(width).enumerated() { block[offset + index] = byte }
    }
    func octal(_ value: Int64, width: Int) -> String {
        let digits = String(value, radix: 8)
        return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
    }
    put(name, at: 0, width: 100)
    put(octal(0o644, width: 8), at: 100, width: 8)
    put(octal(0, width: 8), at: 108, width: 8)
    put(octal(0, width: 8), at: 116, width: 8)
    put(octal(size, width: 12), at: 124, width: 12)
    put(octal(0, width: 12), at: 136, width: 12)
    put(String(type), at: 156, width: 1)
    put(linkName, at: 157, width: 100)
    put("ustar\u{0}00", at: 257, width: 8)
    for index in 148..<156 { block[index] = UInt8(ascii: " ") }
    let sum = block.reduce(0) { $0 + Int64($1) }
    put(octal(sum, width: 7), at: 148, width: 7)
    return block
}

/// `tar` (raw tar stream bytes) gzip-compressed.
func gzipped(_ tar: [UInt8]) throws -> [UInt8] {
    let tmp = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: tmp) }
    try TarGzWriter.gzip(tar, to: tmp + "/raw.gz")
    return [UInt8](try Data(contentsOf: URL(fileURLWithPath: tmp + "/raw.gz")))
}

/// `data` padded with zeros to a whole number of 512-byte blocks.
func blocks(_ data: [UInt8]) -> [UInt8] {
    data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
}

/// The two zero blocks that end a tar stream.
let endOfArchive = [UInt8](repeating: 0, count: 1024)

/// A loopback TCP listener that answers one connection with `response` (raw HTTP bytes), then closes.
/// Returns the port; the listener thread ends after that connection or when nothing connects for 30 s.
func oneShotHTTPServer(response: String) throws -> Int {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard listener >= 0 else { throw POSIXError(.EIO) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(listener, 1) == 0 else {
        close(listener)
        throw POSIXError(.EADDRINUSE)
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
    }
    let port = Int(UInt16(bigEndian: address.sin_port))
    let bytes = Array(response.utf8)
    Thread {
        defer { close(listener) }
        var poll = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard Glibc.poll(&poll, 1, 30_000) == 1 else { return }
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { return }
        defer { close(connection) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var request: [UInt8] = []
        while !request.ends(with: Array("\r\n\r\n".utf8)) {
            let count = read(connection, &buffer, buffer.count)
            if count <= 0 { return }
            request += buffer[..<count]
        }
        _ = bytes.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
    }.start()
    return port
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
