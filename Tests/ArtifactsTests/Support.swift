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
