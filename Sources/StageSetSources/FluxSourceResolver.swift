import KubeAPI
public import KubeModel
public import StageSetAPI
public import StageSetCore

/// Resolves Flux sources (`source.toolkit.fluxcd.io`): an `ExternalArtifact` (the default kind), a
/// `GitRepository`, `OCIRepository` or `Bucket` by name, and any other kind as a *producer* — the one
/// ExternalArtifact in the namespace whose `spec.sourceRef` points back at it (e.g. a JaaS JsonnetSnippet).
///
/// The source must be `Ready=True` and publish `status.artifact` with a `url` and a `digest`, as the
/// reference controller requires (a source mid-reconcile, Ready=Unknown, holds the stage back).
public struct FluxSourceResolver: SourceResolver {
    /// The API group of the Flux source kinds.
    public static let group = "source.toolkit.fluxcd.io"
    /// The version read when a reference names none.
    public static let defaultAPIVersion = "source.toolkit.fluxcd.io/v1"
    public static let kinds = ["ExternalArtifact", "GitRepository", "OCIRepository", "Bucket"]
    public static let handlesProducers = true
    /// The four kinds in `source.toolkit.fluxcd.io/v1` (producers are seen through their ExternalArtifact).
    public static let watchedKinds = kinds.map { GroupVersionKind(apiVersion: defaultAPIVersion, kind: $0) }

    public init() {}

    /// The object named directly, or — for a producer reference — the ExternalArtifact whose back-pointer
    /// names the producer (same kind, name and group; same namespace).
    public static func reference(_ reference: SourceReference, in namespace: String, dependsOn source: KubeObject) -> Bool {
        let referenceNamespace = reference.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? namespace
        guard referenceNamespace == source.namespace else { return false }
        if reference.effectiveKind == source.kind && reference.name == source.name { return true }
        guard reference.isProducer, source.kind == "ExternalArtifact",
              let back = source.json["spec"]?["sourceRef"] else { return false }
        let backGroup = (try? GroupVersion(parsing: back["apiVersion"]?.stringValue ?? ""))?.group ?? ""
        let group = (try? GroupVersion(parsing: reference.apiVersion ?? ""))?.group ?? ""
        return back["kind"]?.stringValue == reference.effectiveKind && back["name"]?.stringValue == reference.name
            && backGroup == group
    }

    public func resolve(_ reference: SourceReference, context: SourceContext) async throws -> ResolvedSource {
        let namespace = reference.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? context.namespace
        let kind = reference.effectiveKind
        let crossNamespace = namespace != context.namespace
        if crossNamespace && !context.allowCrossNamespace {
            throw StageSetError(
                .resolveFailed, "cross-namespace source references are disabled (--no-cross-namespace-refs)",
                retry: .terminal)
        }
        let apiVersion = reference.apiVersion.flatMap { $0.isEmpty ? nil : $0 }
        let gvk = GroupVersionKind(apiVersion: apiVersion ?? Self.defaultAPIVersion, kind: kind)
        do {
            let object: KubeObject
            if kind == "ExternalArtifact" || (Self.kinds.contains(kind) && [Self.group, ""].contains(gvk.group)) {
                object = try await getSource(gvk, namespace: namespace, name: reference.name, context: context)
            } else {
                guard let apiVersion else {
                    throw StageSetError(
                        .invalidSpec,
                        "sourceRef \(kind) \"\(reference.name)\" is a producer kind and needs an apiVersion",
                        retry: .terminal)
                }
                object = try await producerArtifact(
                    GroupVersionKind(apiVersion: apiVersion, kind: kind), namespace: namespace, name: reference.name,
                    context: context)
            }
            return try Self.resolved(object, pinned: Self.pinned(object))
        } catch let error as StageSetError {
            // A cross-namespace failure says nothing about the other namespace.
            if crossNamespace && [.artifactNotFound, .rbacDenied, .resolveFailed].contains(error.reason) {
                throw StageSetError(
                    error.reason, "source in another namespace could not be resolved", retry: error.retry)
            }
            throw error
        }
    }

    private func getSource(_ gvk: GroupVersionKind, namespace: String, name: String, context: SourceContext)
        async throws -> KubeObject
    {
        do {
            return try await context.client.get(gvk, namespace: namespace, name: name)
        } catch {
            throw Self.readFailure(error, what: "\(gvk.kind) \(namespace)/\(name)")
        }
    }

    private func producerArtifact(_ producer: GroupVersionKind, namespace: String, name: String,
                                  context: SourceContext) async throws -> KubeObject
    {
        let externalArtifact = GroupVersionKind(apiVersion: Self.defaultAPIVersion, kind: "ExternalArtifact")
        let list: ObjectList
        do {
            list = try await context.client.listAll(externalArtifact, namespace: namespace)
        } catch {
            throw Self.readFailure(error, what: "ExternalArtifacts in \(namespace)")
        }
        let matches = list.items.filter { item in
            guard let ref = item.json["spec"]?["sourceRef"] else { return false }
            let refGroup = (try? GroupVersion(parsing: ref["apiVersion"]?.stringValue ?? ""))?.group ?? ""
            return ref["kind"]?.stringValue == producer.kind && ref["name"]?.stringValue == name
                && refGroup == producer.group
        }
        switch matches.count {
        case 0:
            throw StageSetError(
                .artifactNotFound,
                "no ExternalArtifact in \(namespace) back-references \(producer.kind) \"\(name)\" (\(producer.apiVersion))",
                retry: .transient)
        case 1:
            return matches[0]
        default:
            let names = matches.map(\.name).sorted().joined(separator: ", ")
            throw StageSetError(
                .resolveFailed,
                "\(matches.count) ExternalArtifacts in \(namespace) back-reference \(producer.kind) \"\(name)\": \(names)",
                retry: .terminal)
        }
    }

    /// The pinned source an object publishes, or why it cannot be used yet.
    static func resolved(_ object: KubeObject, pinned: Bool?) throws -> ResolvedSource {
        let what = "\(object.kind) \(object.namespace)/\(object.name)"
        let conditions = (object.json["status"]?["conditions"]?.arrayValue ?? []).compactMap(Condition.init(json:))
        guard !conditions.isEmpty else {
            throw StageSetError(.sourceNotReady, "\(what) is not ready: status.conditions not populated", retry: .transient)
        }
        guard let ready = conditions.condition("Ready") else {
            throw StageSetError(.sourceNotReady, "\(what) is not ready: no Ready condition", retry: .transient)
        }
        guard ready.status == .true else {
            var message = "\(what) is not ready: Ready=\(ready.status) reason=\(ready.reason)"
            if !ready.message.isEmpty { message += ": \(ready.message)" }
            throw StageSetError(.sourceNotReady, message, retry: .transient)
        }
        let artifact = object.json["status"]?["artifact"]
        guard let url = artifact?["url"]?.stringValue, !url.isEmpty,
              let digest = artifact?["digest"]?.stringValue, !digest.isEmpty
        else {
            throw StageSetError(
                .artifactNotFound, "\(what) is Ready but publishes no status.artifact with a url and a digest",
                retry: .transient)
        }
        let verified = conditions.condition("SourceVerified").map { $0.status == .true }
        return ResolvedSource(
            object: ObjectIdentity(namespace: object.namespace, name: object.name, group: object.gvk.group,
                                   kind: object.kind),
            artifact: Artifact(
                url: url, digest: digest, revision: artifact?["revision"]?.stringValue ?? "",
                size: artifact?["size"]?.intValue, path: artifact?["path"]?.stringValue,
                lastUpdateTime: artifact?["lastUpdateTime"]?.stringValue.flatMap { try? Timestamp(parsing: $0) }),
            verified: verified, pinned: pinned)
    }

    /// Whether the source pins an immutable revision: a Git commit or an OCI digest; `nil` when not applicable.
    static func pinned(_ object: KubeObject) -> Bool? {
        let ref = object.json["spec"]?["ref"]
        switch object.kind {
        case "GitRepository": return !(ref?["commit"]?.stringValue ?? "").isEmpty
        case "OCIRepository": return !(ref?["digest"]?.stringValue ?? "").isEmpty
        case "Bucket": return false
        default: return nil
        }
    }

    /// A failed read in the user's terms: not found waits, denial and unknown kinds stop.
    static func readFailure(_ error: any Error, what: String) -> StageSetError {
        if let error = error as? KubeError {
            if error.isNotFound { return StageSetError(.artifactNotFound, "\(what) not found", retry: .transient) }
            if error.isForbidden {
                return StageSetError.rbacDenied("reading \(what)", grantee: "the controller's ServiceAccount", error)
            }
        }
        if let error = error as? KubeClientError, error.code == .noKindMatch {
            return StageSetError.unknownKind(what)
        }
        return StageSetError(.resolveFailed, "reading \(what): \(error)", retry: .backoff)
    }
}
