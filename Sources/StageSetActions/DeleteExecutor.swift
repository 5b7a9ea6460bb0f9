import KubeAPI
import KubeModel
public import StageSetAPI
public import StageSetCore

/// Runs `delete` actions: deletes one object as the stage's identity with the spec's cascade as
/// propagation policy. An object (or kind) that does not exist counts as deleted.
public struct DeleteExecutor: ActionExecutor {
    public static let kind: ActionOperationKind = .delete

    public init() {}

    public func execute(_ spec: DeleteAction, action: Action, context: ActionContext) async throws -> ActionResult {
        let spec = spec.defaulted()
        let target = spec.target
        // An empty name would address the whole collection.
        guard !target.name.isEmpty else { throw invalidAction(action, "the delete target needs a name") }
        let resolved: ResolvedKind
        do {
            resolved = try await ResolvedKind.resolve(
                apiVersion: target.apiVersion, kind: target.kind, namespace: target.namespace, context: context)
        } catch let error as KubeClientError where error.code == .noKindMatch {
            return ActionResult(message: "\(target.kind) \(target.name) already absent: the kind is not served")
        } catch {
            throw actionFailure(action, "resolving the delete target kind \(target.kind)", error)
        }
        let described = resolved.describe(target.name)
        let options = DeleteOptions(propagationPolicy: Self.propagation(spec.cascade ?? .background))
        do {
            switch try await context.client.delete(
                resolved.gvk, namespace: resolved.namespace, name: target.name, options: options)
            {
            case .deleted: return ActionResult(message: "deleted \(described)")
            case .pending: return ActionResult(message: "deletion of \(described) requested; finalizers pending")
            }
        } catch let error as KubeError where error.isNotFound {
            return ActionResult(message: "\(described) already absent")
        } catch {
            throw actionFailure(action, "deleting \(described)", error)
        }
    }

    static func propagation(_ cascade: DeletionCascade) -> DeleteOptions.Propagation {
        switch cascade {
        case .background: .background
        case .foreground: .foreground
        case .orphan: .orphan
        }
    }
}
