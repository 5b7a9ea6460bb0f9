import KubeAPI
import KubeModel
import StageSetAPI
import StageSetCore

/// A target kind resolved on the API server, and the namespace its objects are addressed in.
struct ResolvedKind: Sendable {
    var gvk: GroupVersionKind
    /// Empty for cluster-scoped kinds.
    var namespace: String

    /// `Kind namespace/name` (or `Kind name` when cluster-scoped), for messages.
    func describe(_ name: String) -> String {
        namespace.isEmpty ? "\(gvk.kind) \(name)" : "\(gvk.kind) \(namespace)/\(name)"
    }

    /// Resolves `apiVersion` (empty or nil: the preferred version of the core-group kind) and `kind`;
    /// a namespaced kind defaults to the StageSet's namespace.
    static func resolve(apiVersion: String?, kind: String, namespace: String?, context: ActionContext) async throws
        -> ResolvedKind
    {
        let mapping: ResourceMapping
        if let apiVersion, !apiVersion.isEmpty {
            mapping = try await context.client.mapper.mapping(for: GroupVersionKind(apiVersion: apiVersion, kind: kind))
        } else {
            mapping = try await context.client.mapper.preferredMapping(for: GroupKind(group: "", kind: kind))
        }
        let requested = namespace ?? ""
        return ResolvedKind(
            gvk: mapping.gvk,
            namespace: mapping.namespaced ? (requested.isEmpty ? context.stageSet.namespace : requested) : "")
    }
}

extension KubeError {
    /// A client error the same request would hit again: any 4xx except 408 (timeout) and 429 (throttled).
    var isPermanent: Bool { (400..<500).contains(code) && code != 408 && code != 429 }
}

/// `error` as the failure of `action` while `doing` something: a denial is ``StageSetReason/rbacDenied``
/// (terminal), a request the server will refuse again is terminal, a missing object or kind waits for
/// the cluster to change, anything else backs off. Cancellation and ``StageSetError``s pass through.
func actionFailure(_ action: Action, _ doing: String, _ error: any Error) -> any Error {
    if error is CancellationError || error is StageSetError { return error }
    let prefix = "action \"\(action.name)\": \(doing)"
    if let error = error as? KubeError {
        if error.isForbidden {
            return StageSetError(.rbacDenied, "\(prefix): RBAC denied — \(StageSetError.rbacAdvice(error))", retry: .terminal)
        }
        if error.isNotFound { return StageSetError(.stageFailed, "\(prefix): not found: \(error)", retry: .transient) }
        if error.isPermanent { return StageSetError(.stageFailed, "\(prefix): \(error)", retry: .terminal) }
    }
    if let error = error as? KubeClientError, error.code == .noKindMatch {
        return StageSetError(.stageFailed, "\(prefix): the kind is not served by the API server", retry: .transient)
    }
    return StageSetError(.stageFailed, "\(prefix): \(error)", retry: .backoff)
}

/// A failure of `action` that only a change of its spec fixes.
func invalidAction(_ action: Action, _ message: String) -> StageSetError {
    StageSetError(.stageFailed, "action \"\(action.name)\": \(message)", retry: .terminal)
}
