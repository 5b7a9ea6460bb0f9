public import KubeAPI
public import KubeModel
public import Logging
public import StageSetAPI

/// What an ``ActionExecutor`` may use while it runs.
public struct ActionContext: Sendable {
    /// The client acting as the stage's identity (the tenant ServiceAccount when one is set).
    public var client: any KubernetesClient
    /// The StageSet running the action.
    public var stageSet: ObjectKey
    /// The stage the action belongs to.
    public var stage: String
    /// The pinned revision of the stage's source.
    public var revision: String
    public var logger: Logger

    public init(client: any KubernetesClient, stageSet: ObjectKey, stage: String, revision: String, logger: Logger) {
        self.client = client
        self.stageSet = stageSet
        self.stage = stage
        self.revision = revision
        self.logger = logger
    }
}

/// What a finished action reports.
public struct ActionResult: Sendable, Hashable {
    /// One line for logs and events.
    public var message: String

    public init(message: String) { self.message = message }
}

/// Runs one action operation (`patch`, `http`, …, or an extension's).
///
/// Registering an executor on the ``PluginRegistry`` also registers its ``Spec`` for decoding, so an
/// extension adds an action kind with one type. Throw to fail the action; the pipeline applies the
/// action's `timeout` (over all attempts) and `retries`, except after a ``StageSetError`` with
/// `retry: .terminal` or a ``KubeError`` that is a denial or a 4xx other than 408/429.
public protocol ActionExecutor: Sendable {
    /// The operation's typed configuration.
    associatedtype Spec: ActionOperationSpec
    /// The operation's key in an action.
    static var kind: ActionOperationKind { get }

    func execute(_ spec: Spec, action: Action, context: ActionContext) async throws -> ActionResult
}

/// An executor with its spec type erased, as the registry stores it.
struct ErasedActionExecutor: Sendable {
    let specType: any ActionOperationSpec.Type
    let run: @Sendable (any ActionOperationSpec, Action, ActionContext) async throws -> ActionResult

    init<E: ActionExecutor>(_ executor: E) {
        specType = E.Spec.self
        run = { spec, action, context in
            guard let spec = spec as? E.Spec else {
                throw StageSetError(
                    .stageFailed, "action \"\(action.name)\": the \(E.kind) operation was decoded as \(type(of: spec))",
                    retry: .terminal)
            }
            return try await executor.execute(spec, action: action, context: context)
        }
    }
}
