import Foundation
public import KubeAPI
public import KubeModel
public import StageSetAPI

/// An artifact a Flux source publishes in `status.artifact` (fluxcd/pkg `meta.Artifact`).
public struct Artifact: Sendable, Hashable, Codable {
    /// Where the tar.gz is downloaded from.
    public var url: String
    /// `sha256:<hex>` of the tar.gz bytes.
    public var digest: String
    /// The producer's revision; opaque, compared for equality only.
    public var revision: String
    /// Size of the tar.gz in bytes, when the producer says.
    public var size: Int64?
    /// Path relative to the producer's storage root (informational).
    public var path: String?
    /// When the artifact was last written.
    public var lastUpdateTime: Timestamp?

    public init(url: String, digest: String, revision: String, size: Int64? = nil, path: String? = nil,
                lastUpdateTime: Timestamp? = nil) {
        self.url = url
        self.digest = digest
        self.revision = revision
        self.size = size
        self.path = path
        self.lastUpdateTime = lastUpdateTime
    }
}

/// A stage source resolved to the object that carries its artifact, pinned for one run.
public struct ResolvedSource: Sendable, Hashable {
    /// `"<namespace>/<name>"` of the object carrying the artifact (the key of `status.lastAttemptedRevisions`).
    public var key: String { "\(object.namespace)/\(object.name)" }
    /// The object carrying the artifact (an ExternalArtifact even when the stage named its producer).
    public var object: ObjectIdentity
    public var artifact: Artifact
    /// The `SourceVerified` condition: `nil` when absent.
    public var verified: Bool?
    /// Whether the source pins an immutable revision (Git commit, OCI digest); `nil` when not applicable.
    public var pinned: Bool?

    public init(object: ObjectIdentity, artifact: Artifact, verified: Bool? = nil, pinned: Bool? = nil) {
        self.object = object
        self.artifact = artifact
        self.verified = verified
        self.pinned = pinned
    }
}

/// What a ``SourceResolver`` may use.
public struct SourceContext: Sendable {
    /// The client reading sources (the controller's identity).
    public var client: any KubernetesClient
    /// The StageSet's namespace: the default of `sourceRef.namespace`.
    public var namespace: String
    /// `--no-cross-namespace-refs`.
    public var allowCrossNamespace: Bool

    public init(client: any KubernetesClient, namespace: String, allowCrossNamespace: Bool = true) {
        self.client = client
        self.namespace = namespace
        self.allowCrossNamespace = allowCrossNamespace
    }
}

/// Turns a stage's `sourceRef` into a pinned artifact.
///
/// Register one per source kind on the ``PluginRegistry``; a resolver with ``handlesProducers`` set
/// answers for every kind no other resolver names (producers publishing an ExternalArtifact).
/// Throw ``StageSetError`` with `SourceNotReady`, `ArtifactNotFound`, `ResolveFailed`, `InvalidSpec`
/// or `RBACDenied`.
public protocol SourceResolver: Sendable {
    /// The `sourceRef.kind` values this resolver answers for.
    static var kinds: [String] { get }
    /// True for the resolver of producer kinds (any kind not registered otherwise).
    static var handlesProducers: Bool { get }
    /// The kinds the controller watches for this resolver: a new artifact revision or a readiness change of
    /// one of them wakes the StageSets that name it.
    static var watchedKinds: [GroupVersionKind] { get }

    /// Whether a change of `source` (an object of one of ``watchedKinds``) can change what `reference`, in a
    /// StageSet of `namespace`, resolves to — so that StageSet must be looked at again.
    static func reference(_ reference: SourceReference, in namespace: String, dependsOn source: KubeObject) -> Bool

    func resolve(_ reference: SourceReference, context: SourceContext) async throws -> ResolvedSource
}

extension SourceResolver {
    public static var handlesProducers: Bool { false }
    public static var watchedKinds: [GroupVersionKind] { [] }

    /// The object the reference names: same kind, name and namespace.
    public static func reference(_ reference: SourceReference, in namespace: String, dependsOn source: KubeObject) -> Bool {
        reference.effectiveKind == source.kind && reference.name == source.name
            && (reference.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? namespace) == source.namespace
    }
}

/// Downloads an artifact, checks its digest before unpacking, and extracts it into a private directory.
public protocol ArtifactFetcher: Sendable {
    /// The extracted artifact; the caller removes it with ``ExtractedArtifact/remove()``.
    /// Throws ``StageSetError`` (`ArtifactNotFound` for a 404, `StageFailed` otherwise).
    func fetch(_ artifact: Artifact) async throws -> ExtractedArtifact
}

/// A directory holding an extracted artifact, owned by one stage run.
public struct ExtractedArtifact: Sendable, Hashable {
    /// Absolute path of the extraction root.
    public var root: String
    /// Regular files extracted.
    public var fileCount: Int

    public init(root: String, fileCount: Int) {
        self.root = root
        self.fileCount = fileCount
    }

    /// Deletes the directory and everything below it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: root)
    }
}
