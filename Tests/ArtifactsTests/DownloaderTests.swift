import Archive
import Artifacts
import Foundation
import KubeEmbedded
import StageSetCore
import Testing

struct DownloaderTests {
    /// Serves `bytes`, fetches them with `limits` into a private work directory, hands back result or error.
    private func fetch(_ bytes: [UInt8], digest: String? = nil, limits: ArtifactLimits = ArtifactLimits(),
                       check: (Result<ExtractedArtifact, StageSetError>, String) throws -> Void) async throws {
        let work = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        try await withArtifactServer { _, server in
            let url = server.serve(bytes, at: "test/\(UUID().uuidString).tar.gz")
            let downloader = try ArtifactDownloader(policy: .allowLoopback, limits: limits, workDirectory: work)
            let artifact = Artifact(url: url, digest: digest ?? sha256(bytes), revision: "r1")
            let result: Result<ExtractedArtifact, StageSetError>
            do {
                result = .success(try await downloader.fetch(artifact))
            } catch let error as StageSetError {
                result = .failure(error)
            }
            try check(result, work)
        }
    }

    private func expectFailure(_ result: Result<ExtractedArtifact, StageSetError>, work: String, containing text: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        switch result {
        case .success(let extracted):
            Issue.record("extracted \(extracted.fileCount) files", sourceLocation: sourceLocation)
        case .failure(let error):
            #expect(error.reason == .stageFailed, sourceLocation: sourceLocation)
            #expect(error.retry == .terminal, sourceLocation: sourceLocation)
            #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
        }
        // Neither the temp file nor a partial directory is left behind.
        #expect(contents(of: work).isEmpty, sourceLocation: sourceLocation)
    }

    @Test func happyPathOverLoopbackHTTP() async throws {
        let bytes = try tarball([
            (ArchiveEntry(name: "deploy/", type: .directory, permissions: 0o755), []),
            file("deploy/app.yaml", "kind: ConfigMap\n"), file("kustomization.yaml", "resources: [deploy/app.yaml]\n"),
        ])
        try await fetch(bytes) { result, work in
            let extracted = try result.get()
            defer { extracted.remove() }
            #expect(extracted.fileCount == 2)
            #expect(extracted.root.hasPrefix(work + "/"))
            #expect(contents(of: extracted.root) == ["deploy", "deploy/app.yaml", "kustomization.yaml"])
            #expect(try String(contentsOfFile: extracted.root + "/deploy/app.yaml", encoding: .utf8) == "kind: ConfigMap\n")
            let mode = try FileManager.default.attributesOfItem(atPath: extracted.root)[.posixPermissions] as? Int
            #expect(mode == 0o700)
            // Only the extraction directory remains: the download temp file is gone.
            #expect(contents(of: work).filter { !$0.contains("/") } == [(extracted.root as NSString).lastPathComponent])
            extracted.remove()
            #expect(contents(of: work).isEmpty)
        }
    }

    @Test func digestIsTrimmedAndCaseInsensitive() async throws {
        let bytes = try tarball([file("a.yaml", "a: 1\n")])
        try await fetch(bytes, digest: "  " + sha256(bytes).uppercased() + "\n") { result, _ in
            let extracted = try result.get()
            #expect(extracted.fileCount == 1)
            extracted.remove()
        }
    }

    @Test func digestMismatchExtractsNothing() async throws {
        let bytes = try tarball([file("a.yaml", "a: 1\n")])
        let wrong = "sha256:" + String(repeating: "ab", count: 32)
        try await fetch(bytes, digest: wrong) { result, work in
            expectFailure(result, work: work, containing: "artifact digest mismatch: declared \(wrong), got \(sha256(bytes))")
        }
    }

    @Test(arguments: ["sha512:" + String(repeating: "a", count: 128), "md5:d41d8cd98f00b204e9800998ecf8427e",
                      String(repeating: "a", count: 64), "sha256:abc", "sha256:" + String(repeating: "g", count: 64), ""])
    func unsupportedOrMalformedDigestsAreRefusedBeforeDownloading(_ digest: String) async throws {
        // Nothing listens on the URL: refusing must come first.
        let downloader = try ArtifactDownloader(policy: .allowLoopback)
        let error = await stageSetError {
            _ = try await downloader.fetch(Artifact(url: "http://127.0.0.1:1/a.tar.gz", digest: digest, revision: "r"))
        }
        #expect(error?.retry == .terminal)
        if digest.hasPrefix("sha512") || digest.hasPrefix("md5") {
            #expect(error?.message.contains("unsupported algorithm") == true)
        }
    }

    @Test func notFoundIsTransient() async throws {
        try await withArtifactServer { _, server in
            let downloader = try ArtifactDownloader(policy: .allowLoopback)
            let error = await stageSetError {
                _ = try await downloader.fetch(Artifact(url: server.url + "/missing.tar.gz",
                                                        digest: sha256([]), revision: "r"))
            }
            #expect(error?.reason == .artifactNotFound)
            #expect(error?.retry == .transient)
        }
    }

    @Test(arguments: [(503, "Service Unavailable"), (500, "Internal Server Error"), (302, "Found"), (403, "Forbidden")])
    func otherStatusesBackOff(_ status: Int, _ text: String) async throws {
        let port = try oneShotHTTPServer(
            response: "HTTP/1.1 \(status) \(text)\r\nLocation: http://127.0.0.1:1/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        let downloader = try ArtifactDownloader(policy: .allowLoopback)
        let error = await stageSetError {
            _ = try await downloader.fetch(
                Artifact(url: "http://127.0.0.1:\(port)/a.tar.gz", digest: sha256([]), revision: "r"))
        }
        #expect(error?.reason == .stageFailed)
        #expect(error?.retry == .backoff)
        #expect(error?.message.contains("HTTP \(status)") == true)
    }

    @Test func productionPolicyRefusesTheLoopbackServer() async throws {
        try await withArtifactServer { _, server in
            let bytes = try tarball([file("a.yaml", "a")])
            let url = server.serve(bytes, at: "a.tar.gz")
            let downloader = try ArtifactDownloader()
            let error = await stageSetError {
                _ = try await downloader.fetch(Artifact(url: url, digest: sha256(bytes), revision: "r"))
            }
            #expect(error?.reason == .stageFailed)
            #expect(error?.retry == .terminal)
            #expect(error?.message.contains("refused") == true)
        }
    }

    @Test func hostNamesAreDialledAtTheVettedAddress() async throws {
        try await withArtifactServer { _, server in
            let bytes = try tarball([file("a.yaml", "a: 1\n")])
            let url = server.serve(bytes, at: "named.tar.gz")
            let port = try #require(URLComponents(string: url)?.port)
            // A name no DNS knows: only the pinned resolution can take libcurl to the server.
            let pinned = try ArtifactDownloader(policy: .allowLoopback, resolver: { _ in ["127.0.0.1"] })
            let extracted = try await pinned.fetch(
                Artifact(url: "http://artifacts.invalid:\(port)/named.tar.gz", digest: sha256(bytes), revision: "r"))
            #expect(extracted.fileCount == 1)
            extracted.remove()
            // The same name resolving to a forbidden address never gets a connection.
            let rebound = try ArtifactDownloader(policy: .allowLoopback, resolver: { _ in ["169.254.169.254"] })
            let error = await stageSetError {
                _ = try await rebound.fetch(
                    Artifact(url: "http://artifacts.invalid:\(port)/named.tar.gz", digest: sha256(bytes), revision: "r"))
            }
            #expect(error?.retry == .terminal)
            // localhost through the system resolver.
            let local = try ArtifactDownloader(policy: .allowLoopback)
            let viaLocalhost = try await local.fetch(
                Artifact(url: "http://localhost:\(port)/named.tar.gz", digest: sha256(bytes), revision: "r"))
            #expect(viaLocalhost.fileCount == 1)
            viaLocalhost.remove()
        }
    }

    @Test func oversizeDownloadIsTerminal() async throws {
        let bytes = try tarball([file("a.yaml", String(repeating: "x", count: 10_000))] +
                                (0..<50).map { file("f\($0).yaml", UUID().uuidString + UUID().uuidString) })
        try await fetch(bytes, limits: ArtifactLimits(maxDownloadBytes: Int64(bytes.count - 1))) { result, work in
            expectFailure(result, work: work, containing: "download limit")
        }
    }

    @Test func inflationCapCountsSkippedEntriesToo() async throws {
        // Well-compressible data under names that are skipped: nothing is written, but the inflated stream is counted.
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let entries = (0..<4).map { (ArchiveEntry(name: ".hidden/\($0)", size: Int64(zeros.count)), zeros) }
        let bytes = try tarball(entries)
        #expect(bytes.count < 64 << 10)
        try await fetch(bytes, limits: ArtifactLimits(maxInflatedBytes: 2 << 20)) { result, work in
            expectFailure(result, work: work, containing: "inflates beyond")
        }
    }

    @Test func perEntryAndTotalCaps() async throws {
        let big = String(repeating: "y", count: 3000)
        let bytes = try tarball([file("a.yaml", big), file("b.yaml", big)])
        try await fetch(bytes, limits: ArtifactLimits(maxEntryBytes: 2000)) { result, work in
            expectFailure(result, work: work, containing: "per-entry limit")
        }
        try await fetch(bytes, limits: ArtifactLimits(maxTotalBytes: 5000)) { result, work in
            expectFailure(result, work: work, containing: "extraction limit")
        }
    }

    @Test func lyingHeaderSizeIsCaught() async throws {
        // The header claims 20 MiB (over the 16 MiB default) but only a few bytes follow: refused on the header.
        let tmp = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        var bytes = try tarball([(ArchiveEntry(name: "big.yaml", size: 20 << 20), Array("tiny".utf8))])
        try await fetch(bytes) { result, work in
            expectFailure(result, work: work, containing: "per-entry limit")
        }
        // A header that declares less than follows: the surplus is read as the next header, which is garbage.
        let lying = try gzipped(ustarHeader(name: "small.yaml", type: "0", size: 4)
                                + blocks([UInt8](repeating: UInt8(ascii: "z"), count: 4096)) + endOfArchive)
        try await fetch(lying) { result, work in
            if case .success(let extracted) = result {
                // libarchive may resynchronise past the junk; then only the declared 4 bytes were taken.
                defer { extracted.remove() }
                #expect(extracted.fileCount == 1)
                let data = try Data(contentsOf: URL(fileURLWithPath: extracted.root + "/small.yaml"))
                #expect(data.count == 4)
            } else {
                expectFailure(result, work: work, containing: "artifact extraction")
            }
        }
        // A header that promises more data than the (truncated) stream holds: an error, nothing left behind.
        bytes = try tarball([(ArchiveEntry(name: "cut.yaml", size: 100_000), [UInt8](repeating: 7, count: 100_000))])
        let truncated = Array(bytes.prefix(bytes.count / 2))
        try await fetch(truncated) { result, work in
            expectFailure(result, work: work, containing: "artifact extraction")
        }
    }

    @Test(arguments: ["5", "2", "1", "6", "3"] as [Character])
    func bulkyNonRegularEntriesCannotInflateUnbounded(_ type: Character) async throws {
        // A special entry declaring (and carrying) 16 MiB of zeros, with a 1 MiB entry cap and an 8 MiB inflation cap.
        // libarchive either reports the size (refused by the entry cap), skips it (refused by the inflation cap) or
        // ignores it for this type (the zeros then end the archive): never is anything extracted.
        let size = 16 << 20
        let bytes = try gzipped(ustarHeader(name: "x", type: type, size: Int64(size), linkName: "y")
                                + [UInt8](repeating: 0, count: size) + endOfArchive)
        let limits = ArtifactLimits(maxInflatedBytes: 8 << 20, maxEntryBytes: 1 << 20)
        try await fetch(bytes, limits: limits) { result, work in
            switch result {
            case .success(let extracted):
                #expect(extracted.fileCount == 0)
                extracted.remove()
            case .failure(let error):
                #expect(error.message.contains("per-entry limit") || error.message.contains("inflates beyond"),
                        "\(error.message)")
                #expect(contents(of: work).isEmpty)
            }
        }
        // The hand-made format itself is sound: the same kind of stream with a regular file extracts.
        let sound = try gzipped(ustarHeader(name: "ok.yaml", type: "0", size: 3) + blocks(Array("a:1".utf8)) + endOfArchive)
        try await fetch(sound) { result, _ in
            let extracted = try result.get()
            #expect(extracted.fileCount == 1)
            extracted.remove()
        }
    }

    @Test func defaultExtractionIsUnderTheSystemTempDirectory() throws {
        let tmp = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        try write("a", to: tmp + "/src/a.yaml")
        try TarGzWriter.writeDeterministic(directory: tmp + "/src", to: tmp + "/a.tar.gz")
        let extracted = try ArtifactExtractor().extract(tmp + "/a.tar.gz")
        defer { extracted.remove() }
        let parent = URL(fileURLWithPath: NSTemporaryDirectory()).standardizedFileURL.path
        #expect(extracted.root.hasPrefix(parent + "/stageset-artifact-"))
        #expect(!extracted.root.contains("//"))
        #expect(extracted.fileCount == 1)
    }

    @Test func hostileEntriesAreSkipped() async throws {
        let bytes = try tarball([
            file("../escape.yaml", "no"), file("a/../../escape2.yaml", "no"), file("/etc/absolute.yaml", "no"),
            file(".git/config", "no"), file("a/.hidden.yaml", "no"), file("dir/./ok.yaml", "ok"),
            file("back\\slash.yaml", "no"), file("spaced name.yaml", "no"), file("ünï.yaml", "no"),
            (ArchiveEntry(name: "link.yaml", type: .symbolicLink, linkTarget: "/etc/passwd"), []),
            (ArchiveEntry(name: "hard.yaml", type: .hardLink, linkTarget: "dir/ok.yaml"), []),
            (ArchiveEntry(name: "fifo", type: .other(0o010000)), []),
            file("kept.yaml", "kept"),
        ])
        try await fetch(bytes) { result, work in
            let extracted = try result.get()
            defer { extracted.remove() }
            #expect(extracted.fileCount == 2)
            #expect(contents(of: extracted.root) == ["dir", "dir/ok.yaml", "kept.yaml"])
            #expect(!FileManager.default.fileExists(atPath: work + "/escape.yaml"))
            #expect(!FileManager.default.fileExists(atPath: (work as NSString).deletingLastPathComponent + "/escape2.yaml"))
        }
    }

    @Test func symlinkThenFileThroughItIsNeverFollowed() async throws {
        // The classic two-step escape: a link to a directory outside, then a file "through" it.
        let outside = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let bytes = try tarball([
            (ArchiveEntry(name: "sub", type: .symbolicLink, linkTarget: outside), []), file("sub/pwned.yaml", "x"),
        ])
        try await fetch(bytes) { result, _ in
            let extracted = try result.get()
            defer { extracted.remove() }
            #expect(contents(of: outside).isEmpty)
            #expect(extracted.fileCount == 1)
            var status = stat()
            #expect(lstat(extracted.root + "/sub", &status) == 0)
            #expect(status.st_mode & S_IFMT == S_IFDIR)
        }
    }

    @Test func duplicateEntriesAreAnError() async throws {
        let bytes = try tarball([file("a.yaml", "one"), file("./a.yaml", "two")])
        try await fetch(bytes) { result, work in
            expectFailure(result, work: work, containing: "duplicate entry a.yaml")
        }
        let nested = try tarball([file("x/b.yaml", "one"), file("x//b.yaml", "two")])
        try await fetch(nested) { result, work in
            expectFailure(result, work: work, containing: "duplicate entry x/b.yaml")
        }
    }

    @Test func notGzipIsRefused() async throws {
        try await fetch(Array("plain text, not a tarball".utf8)) { result, work in
            expectFailure(result, work: work, containing: "artifact extraction")
        }
    }

    @Test(arguments: [
        ("a/b.yaml", "a/b.yaml"), ("./a//b.yaml", "a/b.yaml"), ("a/x/../b.yaml", "a/b.yaml"), ("../a", nil),
        ("/a", nil), (".a", nil), ("a/.b/c", nil), ("a\\b", nil), ("a b", nil), ("", nil), (".", nil), ("a/..", nil),
        ("-_.9Az", "-_.9Az"),
    ] as [(String, String?)])
    func sanitise(_ name: String, _ expected: String?) {
        #expect(ArtifactExtractor.sanitise(Array(name.utf8)) == expected)
    }

    @Test func nulInNameIsSkipped() {
        #expect(ArtifactExtractor.sanitise([0x61, 0x00, 0x62]) == nil)
    }
}
