public import KubeAPI
public import StageSetAPI

/// A failure the controller reports on the StageSet: the `Ready` reason, a message in the user's terms,
/// and what the reconciler does next.
public struct StageSetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the reconciler does after this failure.
    public enum Retry: Sendable, Hashable {
        /// Waiting on something outside the StageSet (a source, a dependency): requeue at `retryInterval`.
        case transient
        /// Retrying will not help until the spec or the source changes: no requeue on a timer.
        case terminal
        /// An unexpected error (API hiccup): requeue with exponential backoff.
        case backoff
    }

    /// The `Ready` condition reason.
    public var reason: StageSetReason
    /// What went wrong, naming the object or field involved.
    public var message: String
    public var retry: Retry

    public init(_ reason: StageSetReason, _ message: String, retry: Retry) {
        self.reason = reason
        self.message = message
        self.retry = retry
    }

    public var description: String { "\(reason.rawValue): \(message)" }

    /// `error` as a ``StageSetError``; anything else becomes `fallback` with the error's description.
    public static func wrapping(_ error: any Error, as fallback: StageSetReason, context: String,
                                retry: Retry = .backoff) -> StageSetError {
        if let error = error as? StageSetError { return error }
        return StageSetError(fallback, "\(context): \(error)", retry: retry)
    }
}

extension StageSetError {
    /// A 403 in the user's terms (CTL-49): `RBACDenied`, terminal, naming what was denied and who needs the
    /// missing verb — e.g. "RBAC denied applying Deployment apps/web — grant the missing verb to the tenant
    /// ServiceAccount (…)".
    public static func rbacDenied(_ what: String, grantee: String = "the tenant ServiceAccount", _ error: KubeError)
        -> StageSetError
    {
        StageSetError(.rbacDenied, "RBAC denied \(what) — \(rbacAdvice(error, grantee: grantee))", retry: .terminal)
    }

    /// What to do about a 403: "grant the missing verb to `grantee` (the server's message)".
    public static func rbacAdvice(_ error: KubeError, grantee: String = "the tenant ServiceAccount") -> String {
        "grant the missing verb to \(grantee) (\(error.message))"
    }

    /// A kind the API server does not serve (CTL-49): `RBACDenied`, terminal until the CRD is installed.
    public static func unknownKind(_ object: String) -> StageSetError {
        StageSetError(
            .rbacDenied, "\(object) refers to a kind not registered with the apiserver — install the corresponding CRD.",
            retry: .terminal)
    }
}
