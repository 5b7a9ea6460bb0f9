import Archive
import Foundation
import Testing

/// A fresh directory under the system temp dir, removed by the caller.
func makeTemporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("artifacts-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// All entries of a tar.gz with their data.
func readAll(_ path: String) throws -> [(ArchiveEntry, [UInt8])] {
    let reader = try TarGzReader(path: path)
    var result: [(ArchiveEntry, [UInt8])] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while let entry = try reader.next() {
        var data: [UInt8] = []
        while true {
            let count = try reader.read(into: &buffer)
            if count == 0 { break }
            data += buffer[..<count]
        }
        result.append((entry, data))
    }
    return result
}

struct ArchiveTests {
    @Test func deterministicArchiveIsSortedNormalisedAndReproducible() throws {
        let tmp = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let source = tmp + "/src"
        try write("b", to: source + "/b.yaml")
        try write("a", to: source + "/a/x.yaml")
        try write("z", to: source + "/a/sub/z.yaml")
        try FileManager.default.createSymbolicLink(atPath: source + "/link", withDestinationPath: "b.yaml")
        chmod(source + "/b.yaml", 0o600)

        let first = tmp + "/one.tar.gz", second = tmp + "/two.tar.gz"
        #expect(try TarGzWriter.writeDeterministic(directory: source, to: first) == 3)
        // Touch the files: a new mtime must not change the bytes.
        try write("b", to: source + "/b.yaml")
        try TarGzWriter.writeDeterministic(directory: source, to: second)
        let bytesOne = try Data(contentsOf: URL(fileURLWithPath: first))
        let bytesTwo = try Data(contentsOf: URL(fileURLWithPath: second))
        #expect(bytesOne == bytesTwo)
        // gzip header: no timestamp.
        #expect(Array(bytesOne[4..<8]) == [0, 0, 0, 0])

        let entries = try readAll(first)
        #expect(entries.map(\.0.name) == ["a/", "a/sub/", "a/sub/z.yaml", "a/x.yaml", "b.yaml"])
        #expect(entries.map(\.0.type) == [.directory, .directory, .regular, .regular, .regular])
        #expect(entries.map(\.0.permissions) == [0o755, 0o755, 0o644, 0o644, 0o644])
        #expect(entries[4].1 == Array("b".utf8))

        try write("changed", to: source + "/b.yaml")
        try TarGzWriter.writeDeterministic(directory: source, to: second)
        #expect(try Data(contentsOf: URL(fileURLWithPath: second)) != bytesOne)
    }

    @Test func rawEntriesRoundTripLinksAndHostileNames() throws {
        let tmp = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let path = tmp + "/hostile.tar.gz"
        let writer = try TarGzWriter(path: path)
        try writer.add(ArchiveEntry(name: "../escape", size: 1), data: [0x41])
        try writer.add(ArchiveEntry(name: "/etc/passwd", size: 1), data: [0x42])
        try writer.add(ArchiveEntry(name: "ln", type: .symbolicLink, linkTarget: "/etc/shadow"))
        try writer.add(ArchiveEntry(name: "hard", type: .hardLink, linkTarget: "../escape"))
        try writer.add(ArchiveEntry(name: "short", size: 4), data: [1])
        try writer.finish()

        let entries = try readAll(path)
        #expect(entries.map(\.0.name) == ["../escape", "/etc/passwd", "ln", "hard", "short"])
        #expect(entries[2].0.type == .symbolicLink)
        #expect(entries[2].0.linkTarget == "/etc/shadow")
        #expect(entries[3].0.type == .hardLink)
        #expect(entries[3].0.linkTarget == "../escape")
        #expect(entries[4].1 == [1, 0, 0, 0])
    }

    @Test func readingRejectsMissingAndUncompressedFiles() throws {
        let tmp = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        #expect(throws: ArchiveError.self) { try TarGzReader(path: tmp + "/missing.tar.gz") }
        try write("definitely not a tarball", to: tmp + "/junk.tar.gz")
        #expect(throws: ArchiveError.self) { _ = try readAll(tmp + "/junk.tar.gz") }
    }
}
