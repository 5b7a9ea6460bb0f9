import Archive
import Crypto
import Curl
import Foundation
public import StageSetCore

/// The ``ArtifactFetcher`` over libcurl and libarchive: one GET to a private temp file while hashing, the
/// digest checked before anything is unpacked, then a capped, sanitising extraction into a private directory.
public final class ArtifactDownloader: ArtifactFetcher {
    public let policy: ArtifactURLPolicy
    public let limits: ArtifactLimits
    /// Limit on the whole transfer.
    public let timeout: Duration
    /// Parent of the download temp file and the extraction directory: the system temp dir when nil.
    public let workDirectory: String?
    private let client: HTTPClient
    private let resolver: @Sendable (String) -> [String]

    /// - Parameters:
    ///   - policy: ``ArtifactURLPolicy/production`` outside tests and the embedded default.
    ///   - timeout: whole-request limit (the reference uses 5 minutes).
    ///   - resolver: host name → addresses, vetted and then pinned for libcurl (the system resolver by default).
    public init(policy: ArtifactURLPolicy = .production, limits: ArtifactLimits = ArtifactLimits(),
                timeout: Duration = .seconds(300), workDirectory: String? = nil,
                resolver: @escaping @Sendable (String) -> [String] = ArtifactURLGuard.resolve) throws {
        self.resolver = resolver
        self.policy = policy
        self.limits = limits
        self.timeout = timeout
        self.workDirectory = workDirectory
        // An empty proxy disables the environment's proxies: the vetted address is the one dialled.
        client = try HTTPClient(proxy: "", streamBufferLimit: 1 << 20)
    }

    public func fetch(_ artifact: Artifact) async throws -> ExtractedArtifact {
        let expected = try Self.parseDigest(artifact.digest)
        let vetted = try ArtifactURLGuard.vet(artifact.url, policy: policy, resolver: resolver)
        let file = try TemporaryFile(in: temporaryParent(workDirectory))
        defer { file.remove() }
        let actual = try await download(vetted, to: file)
        guard actual == expected else {
            throw StageSetError(
                .stageFailed, "artifact digest mismatch: declared sha256:\(expected), got sha256:\(actual)",
                retry: .terminal)
        }
        return try ArtifactExtractor(limits: limits, workDirectory: workDirectory).extract(file.path)
    }

    /// The lowercase hex of a `sha256:<64 hex>` digest (trimmed, case-insensitive); anything else is refused.
    public static func parseDigest(_ digest: String) throws(StageSetError) -> String {
        let text = digest.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard let colon = text.firstIndex(of: ":") else {
            throw StageSetError(.stageFailed, "artifact digest \"\(digest)\": missing algorithm", retry: .terminal)
        }
        let algorithm = text[..<colon], hex = text[text.index(after: colon)...]
        guard algorithm == "sha256" else {
            throw StageSetError(
                .stageFailed, "artifact digest \"\(digest)\": unsupported algorithm \(algorithm)", retry: .terminal)
        }
        guard hex.count == 64, hex.allSatisfy({ $0.isHexDigit && $0.isASCII }) else {
            throw StageSetError(.stageFailed, "artifact digest \"\(digest)\": not 64 hex digits", retry: .terminal)
        }
        return String(hex)
    }

    /// Streams the body into `file`; returns the SHA-256 hex of what was written.
    private func download(_ vetted: VettedArtifactURL, to file: TemporaryFile) async throws -> String {
        let request = HTTPRequest(url: vetted.url, timeout: timeout, connectTimeout: .seconds(30),
                                  resolve: [vetted.resolveEntry])
        let response: HTTPStreamingResponse
        do {
            response = try await client.stream(request)
        } catch let error as CurlError {
            throw StageSetError(.stageFailed, "artifact download \(vetted.url): \(error)", retry: .backoff)
        }
        switch response.status {
        case 200:
            break
        case 404:
            throw StageSetError(.artifactNotFound, "artifact \(vetted.url) not found (HTTP 404)", retry: .transient)
        default:
            throw StageSetError(
                .stageFailed, "artifact download \(vetted.url): HTTP \(response.status)", retry: .backoff)
        }
        if let length = response.header("content-length").flatMap({ Int64($0) }), length > limits.maxDownloadBytes {
            throw StageSetError(
                .stageFailed, "artifact \(vetted.url) is \(length) bytes, over the download limit of \(limits.maxDownloadBytes) bytes",
                retry: .terminal)
        }
        var hasher = SHA256()
        var total: Int64 = 0
        do {
            for try await chunk in response.body {
                total += Int64(chunk.count)
                guard total <= limits.maxDownloadBytes else {
                    throw StageSetError(
                        .stageFailed, "artifact \(vetted.url) exceeds the download limit of \(limits.maxDownloadBytes) bytes",
                        retry: .terminal)
                }
                hasher.update(data: chunk)
                try file.write(chunk)
            }
        } catch let error as CurlError {
            throw StageSetError(.stageFailed, "artifact download \(vetted.url): \(error)", retry: .backoff)
        }
        try Task.checkCancellation()
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// A private (0600) file under the system temp dir, written through its descriptor.
final class TemporaryFile {
    let path: String
    private var descriptor: Int32

    init(in directory: String) throws(StageSetError) {
        var template = Array((directory + "/stageset-artifact-XXXXXX.tar.gz").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemps(base, 7)
        }
        guard fd >= 0 else {
            throw StageSetError(.stageFailed, "artifact temp file: \(String(cString: strerror(errno)))", retry: .backoff)
        }
        descriptor = fd
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { remove() }

    func write(_ bytes: [UInt8]) throws(StageSetError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                guard let base = raw.baseAddress else { return 0 }
                return Foundation.write(descriptor, base + offset, raw.count - offset)
            }
            guard written > 0 else {
                if written < 0, errno == EINTR { continue }
                throw StageSetError(.stageFailed, "artifact temp file: \(String(cString: strerror(errno)))", retry: .backoff)
            }
            offset += written
        }
    }

    func remove() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
            unlink(path)
        }
    }
}
