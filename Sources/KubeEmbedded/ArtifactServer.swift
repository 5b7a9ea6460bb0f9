import Archive
import Crypto
import Foundation
public import KubeModel
import NIOConcurrencyHelpers
import PlainHTTP
import YAML

/// An artifact a source published through ``ArtifactServer``: what its `status.artifact` says.
public struct PublishedArtifact: Sendable, Hashable {
    /// `http://127.0.0.1:<port>/<path>`.
    public var url: String
    /// `sha256:<hex>` of the tar.gz bytes.
    public var digest: String
    /// `latest@sha256:…` (ExternalArtifact) or `main@sha1:…` (GitRepository).
    public var revision: String
    /// Storage path (`externalartifact/<ns>/<name>/<hex>.tar.gz`, `gitrepository/<ns>/<name>/<commit>.tar.gz`).
    public var path: String
    /// Bytes of the tar.gz.
    public var size: Int64
    /// When this revision was first published.
    public var lastUpdateTime: Timestamp

    public init(url: String, digest: String, revision: String, path: String, size: Int64, lastUpdateTime: Timestamp) {
        self.url = url
        self.digest = digest
        self.revision = revision
        self.path = path
        self.size = size
        self.lastUpdateTime = lastUpdateTime
    }
}

/// A failure of ``ArtifactServer``: a directory it could not archive, or an API request the embedded server refused.
public struct ArtifactServerError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Plays source-controller for an ``EmbeddedAPIServer``: serves deterministic tar.gz artifacts over plain HTTP on
/// loopback and publishes them as Flux `ExternalArtifact` / `GitRepository` (`source.toolkit.fluxcd.io/v1`) objects
/// with a Ready status, as source-controller would.
///
/// ```swift
/// let artifacts = ArtifactServer(apiServer: server)
/// try await artifacts.start()                   // installs the Flux source CRDs when absent
/// let published = try artifacts.publish(directory: dir, kind: .gitRepository, namespace: "apps", name: "web")
/// ```
///
/// Every published revision stays served (rollbacks fetch older ones). Differences from source-controller: there is
/// no Git or upstream fetch, revisions are derived from the directory contents, and nothing is garbage-collected.
public final class ArtifactServer: Sendable {
    /// The Flux source kinds this server publishes.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case externalArtifact = "ExternalArtifact"
        case gitRepository = "GitRepository"

        var plural: String { self == .externalArtifact ? "externalartifacts" : "gitrepositories" }
        var storageDirectory: String { rawValue.lowercased() }
    }

    /// The API group and version of the published objects.
    public static let apiVersion = "source.toolkit.fluxcd.io/v1"

    private struct State {
        var files: [String: [UInt8]] = [:]
        var published: [String: PublishedArtifact] = [:]
    }

    private let apiServer: EmbeddedAPIServer
    private let state = NIOLockedValueBox(State())
    private let http: PlainHTTPServer
    /// Serialises publishes (file I/O and the read-modify-write of objects).
    private let publishLock = NIOLock()

    /// Attaches to `apiServer`; nothing happens until ``start(host:port:)``.
    public init(apiServer: EmbeddedAPIServer) {
        self.apiServer = apiServer
        let state = self.state
        http = PlainHTTPServer { path in
            guard let file = state.withLockedValue({ $0.files[path] }) else { return .notFound }
            return PlainHTTPResponse(status: 200, contentType: "application/gzip", body: file)
        }
    }

    /// Installs the Flux source CRDs (v1.7.4) into the API server when absent, then serves HTTP on `host:port`
    /// (0 picks an ephemeral port).
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws {
        try installCRDs()
        try await http.start(host: host, port: port)
    }

    /// `http://<host>:<port>` (port 0 before ``start(host:port:)``).
    public var url: String {
        let address = http.address
        let host = address?.host ?? "127.0.0.1"
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(address?.port ?? 0)"
    }

    /// Closes the listener and every connection.
    public func shutdown() async throws {
        await http.shutdown()
    }

    /// Archives `directory` deterministically, stores the tar.gz, creates the `kind` object `namespace/name` when
    /// absent (and its namespace), and writes its `status` (artifact, Ready=True `Succeeded`; GitRepository also
    /// ArtifactInStorage=True) through the status subresource. The same contents give the same revision and no
    /// status write.
    @discardableResult
    public func publish(directory: String, kind: Kind, namespace: String, name: String) throws -> PublishedArtifact {
        try publishLock.withLock {
            let base = url
            guard !base.hasSuffix(":0") else { throw ArtifactServerError("artifact server not started") }
            let (bytes, content) = try Self.archive(directory)
            let digestHex = SHA256.hash(data: bytes).hex
            let revision: String
            let fileName: String
            switch kind {
            case .externalArtifact:
                revision = "latest@sha256:\(SHA256.hash(data: content).hex)"
                fileName = digestHex
            case .gitRepository:
                let commit = Insecure.SHA1.hash(data: content).hex
                revision = "main@sha1:\(commit)"
                fileName = commit
            }
            let path = "\(kind.storageDirectory)/\(namespace)/\(name)/\(fileName).tar.gz"
            let objectPath = try ensureObject(kind: kind, namespace: namespace, name: name)
            let current = apiServer.adminRequest("GET", objectPath).body ?? [:]
            let existing = current["status"]?["artifact"]
            var artifact = PublishedArtifact(
                url: "\(base)/\(path)", digest: "sha256:\(digestHex)", revision: revision, path: path,
                size: Int64(bytes.count), lastUpdateTime: Timestamp(seconds: Timestamp.now().seconds))
            if existing?["revision"]?.stringValue == revision, existing?["digest"]?.stringValue == artifact.digest,
               let text = existing?["lastUpdateTime"]?.stringValue, let time = try? Timestamp(parsing: text) {
                artifact.lastUpdateTime = time
            }
            state.withLockedValue { value in
                value.files["/" + path] = bytes
                value.published[Self.key(kind, namespace, name)] = artifact
            }
            let message = "stored artifact for revision '\(revision)'"
            var conditions = [Condition(type: "Ready", status: .true, reason: "Succeeded", message: message)]
            if kind == .gitRepository {
                conditions.append(Condition(type: "ArtifactInStorage", status: .true, reason: "Succeeded", message: message))
            }
            try writeStatus(objectPath, current: current, kind: kind, artifact: artifact, conditions: conditions)
            return artifact
        }
    }

    /// Sets the source's Ready condition to `status` (`.false` or `.unknown`) with `reason` and `message`, keeping
    /// its artifact: a source that failed or is mid-reconcile. GitRepository also gets ArtifactInStorage from
    /// whether an artifact was published.
    public func markNotReady(kind: Kind, namespace: String, name: String, status: ConditionStatus = .false,
                             reason: String, message: String) throws {
        try publishLock.withLock {
            let objectPath = try ensureObject(kind: kind, namespace: namespace, name: name)
            let current = apiServer.adminRequest("GET", objectPath).body ?? [:]
            let artifact = state.withLockedValue { $0.published[Self.key(kind, namespace, name)] }
            var conditions = [Condition(type: "Ready", status: status, reason: reason, message: message)]
            if kind == .gitRepository, let artifact {
                conditions.append(Condition(
                    type: "ArtifactInStorage", status: .true, reason: "Succeeded",
                    message: "stored artifact for revision '\(artifact.revision)'"))
            }
            try writeStatus(objectPath, current: current, kind: kind, artifact: artifact, conditions: conditions)
        }
    }

    /// What was last published for `namespace/name` of `kind`.
    public func published(kind: Kind, namespace: String, name: String) -> PublishedArtifact? {
        state.withLockedValue { $0.published[Self.key(kind, namespace, name)] }
    }

    /// Serves `bytes` as they are at `/<path>` (tests: hostile or corrupt artifacts); returns the URL.
    @discardableResult
    public func serve(_ bytes: [UInt8], at path: String) -> String {
        let trimmed = path.hasPrefix("/") ? String(path.dropFirst()) : path
        state.withLockedValue { $0.files["/" + trimmed] = bytes }
        return "\(url)/\(trimmed)"
    }

    /// The stored paths (`/<path>`), for inspection.
    public var storedPaths: [String] { state.withLockedValue { $0.files.keys.sorted() } }

    // MARK: - Internals

    private static func key(_ kind: Kind, _ namespace: String, _ name: String) -> String {
        "\(kind.rawValue)/\(namespace)/\(name)"
    }

    /// The tar.gz bytes and the content stream the revision is derived from (names and data of the regular files).
    private static func archive(_ directory: String) throws -> (bytes: [UInt8], content: [UInt8]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ArtifactServerError("\(directory) is not a directory")
        }
        let temporary = NSTemporaryDirectory() + "/stageset-artifact-server-\(UUID().uuidString).tar.gz"
        defer { unlink(temporary) }
        try TarGzWriter.writeDeterministic(directory: directory, to: temporary)
        guard let data = FileManager.default.contents(atPath: temporary) else {
            throw ArtifactServerError("cannot read \(temporary)")
        }
        let reader = try TarGzReader(path: temporary)
        var content: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while let entry = try reader.next() {
            guard entry.type == .regular else { continue }
            content += entry.nameBytes
            content.append(0)
            withUnsafeBytes(of: UInt64(entry.size).bigEndian) { content += $0 }
            while true {
                let count = try reader.read(into: &buffer)
                if count == 0 { break }
                content += buffer[..<count]
            }
        }
        return ([UInt8](data), content)
    }

    private func installCRDs() throws {
        for text in FluxSourceCRDs.all {
            let crd = try YAML.decode(text)
            guard let name = crd["metadata"]?["name"]?.stringValue else { throw ArtifactServerError("CRD without a name") }
            let path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
            if apiServer.adminRequest("GET", "\(path)/\(name)").status == 200 { continue }
            let (status, body) = apiServer.adminRequest("POST", path, body: crd)
            guard status == 201 || status == 409 else { throw Self.failure("install CRD \(name)", status, body) }
        }
    }

    /// Creates the namespace and the object when absent; returns the object's API path.
    private func ensureObject(kind: Kind, namespace: String, name: String) throws -> String {
        let collection = "/apis/\(Self.apiVersion)/namespaces/\(namespace)/\(kind.plural)"
        let objectPath = "\(collection)/\(name)"
        if apiServer.adminRequest("GET", objectPath).status == 200 { return objectPath }
        if apiServer.adminRequest("GET", "/api/v1/namespaces/\(namespace)").status == 404 {
            let (status, body) = apiServer.adminRequest(
                "POST", "/api/v1/namespaces",
                body: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
            guard status == 201 || status == 409 else { throw Self.failure("create namespace \(namespace)", status, body) }
        }
        let spec: JSONValue =
            switch kind {
            case .externalArtifact: [:]
            case .gitRepository:
                ["url": .string("https://git.embedded.invalid/\(namespace)/\(name).git"), "interval": "1m0s",
                 "ref": ["branch": "main"]]
            }
        let object: JSONValue = [
            "apiVersion": .string(Self.apiVersion), "kind": .string(kind.rawValue),
            "metadata": ["name": .string(name), "namespace": .string(namespace)], "spec": spec,
        ]
        let (status, body) = apiServer.adminRequest("POST", collection, body: object)
        guard status == 201 || status == 409 else {
            throw Self.failure("create \(kind.rawValue) \(namespace)/\(name)", status, body)
        }
        return objectPath
    }

    /// Merges `conditions` into the object's current ones (a condition keeps its lastTransitionTime while its status
    /// holds) and writes `status` through the status subresource, unless nothing changed.
    private func writeStatus(_ objectPath: String, current: JSONValue, kind: Kind, artifact: PublishedArtifact?,
                             conditions new: [Condition]) throws {
        let generation = current["metadata"]?["generation"]?.intValue ?? 1
        var conditions = (current["status"]?["conditions"]?.arrayValue ?? []).compactMap(Condition.init(json:))
        for var condition in new {
            condition.observedGeneration = generation
            conditions.setCondition(condition)
        }
        var status: JSONObject = [:]
        if let existing = current["status"]?.objectValue { status = existing }
        if kind == .gitRepository { status["observedGeneration"] = .int(generation) }
        if let artifact {
            status["artifact"] = [
                "url": .string(artifact.url), "path": .string(artifact.path), "revision": .string(artifact.revision),
                "digest": .string(artifact.digest), "lastUpdateTime": .string(artifact.lastUpdateTime.rfc3339),
                "size": .int(artifact.size),
            ]
        }
        status["conditions"] = .array(conditions.map(\.json))
        guard JSONValue.object(status) != current["status"] else { return }
        let (code, body) = apiServer.adminRequest(
            "PATCH", "\(objectPath)/status", body: ["status": .object(status)], contentType: "application/merge-patch+json")
        guard code == 200 else { throw Self.failure("write status of \(objectPath)", code, body) }
    }

    private static func failure(_ action: String, _ status: Int, _ body: JSONValue?) -> ArtifactServerError {
        ArtifactServerError("\(action): HTTP \(status) \(body?["message"]?.stringValue ?? "")")
    }
}

extension Sequence where Element == UInt8 {
    fileprivate var hex: String { map { String(format: "%02x", $0) }.joined() }
}
