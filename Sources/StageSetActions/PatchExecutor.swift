import KubeAPI
import KubeModel
public import StageSetAPI
public import StageSetCore
import YAML

/// Runs `patch` actions: patches one named object, or every object of a kind matching a label selector,
/// as the stage's identity.
///
/// `type: merge` (the default) sends a strategic merge patch; for kinds without strategic-merge support
/// (custom resources, answered 415) the same body is re-sent as a JSON merge patch. `type: json6902`
/// sends an RFC 6902 operation list. The `patch` text is YAML or JSON.
public struct PatchExecutor: ActionExecutor {
    public static let kind: ActionOperationKind = .patch

    public init() {}

    public func execute(_ spec: PatchAction, action: Action, context: ActionContext) async throws -> ActionResult {
        let spec = spec.defaulted()
        let patch = try Self.patch(from: spec, action: action)
        let target = spec.target
        let resolved: ResolvedKind
        do {
            resolved = try await ResolvedKind.resolve(
                apiVersion: target.apiVersion, kind: target.kind, namespace: target.namespace, context: context)
        } catch {
            throw actionFailure(action, "resolving the patch target kind \(target.kind)", error)
        }
        switch (target.name.flatMap { $0.isEmpty ? nil : $0 }, target.selector) {
        case (let name?, nil):
            _ = try await apply(patch, to: name, of: resolved, skippingMissing: false, action: action, context: context)
            return ActionResult(message: "patched \(resolved.describe(name))")
        case (nil, let selector?):
            return try await patchMatching(selector, patch, of: resolved, action: action, context: context)
        default:
            throw invalidAction(action, "the patch target must set exactly one of name and selector")
        }
    }

    private func patchMatching(_ selector: LabelSelectorSpec, _ patch: Patch, of resolved: ResolvedKind,
                               action: Action, context: ActionContext) async throws -> ActionResult {
        guard !selector.isEmpty else { throw invalidAction(action, "the patch target selector must not be empty") }
        let query: String
        do {
            query = try selector.labelSelector.selector().description
        } catch {
            throw invalidAction(action, "the patch target selector is invalid: \(error)")
        }
        let scope = resolved.namespace.isEmpty ? "" : " in namespace \(resolved.namespace)"
        let names: [String]
        do {
            let list = try await context.client.listAll(
                resolved.gvk, namespace: resolved.namespace.isEmpty ? nil : resolved.namespace,
                options: ListOptions(labelSelector: query, limit: 500))
            names = list.items.map(\.name)
        } catch {
            throw actionFailure(action, "listing \(resolved.gvk.kind) objects matching \(query)\(scope)", error)
        }
        var patched = 0
        for name in names {
            // An object deleted since the list has nothing left to patch.
            if try await apply(patch, to: name, of: resolved, skippingMissing: true, action: action, context: context) {
                patched += 1
            }
        }
        return ActionResult(message: "patched \(patched) \(resolved.gvk.kind) object(s) matching \(query)\(scope)")
    }

    /// Sends `patch` to one object; a strategic merge patch the server refuses for the kind is re-sent
    /// as a JSON merge patch. Returns false when the object is missing and `skippingMissing` is set.
    private func apply(_ patch: Patch, to name: String, of resolved: ResolvedKind, skippingMissing: Bool,
                       action: Action, context: ActionContext) async throws -> Bool {
        let client = context.client
        do {
            do {
                _ = try await client.patch(resolved.gvk, namespace: resolved.namespace, name: name, patch: patch)
            } catch let error as KubeError where error.code == 415 {
                guard case .strategicMerge(let body) = patch else { throw error }
                _ = try await client.patch(resolved.gvk, namespace: resolved.namespace, name: name, patch: .merge(body))
            }
            return true
        } catch let error as KubeError where error.isNotFound && skippingMissing {
            return false
        } catch {
            throw actionFailure(action, "patching \(resolved.describe(name))", error)
        }
    }

    /// The request body: the `patch` text parsed as YAML (or JSON), an object for `merge` and an
    /// operation list for `json6902`.
    static func patch(from spec: PatchAction, action: Action) throws -> Patch {
        let body: JSONValue
        do {
            body = try YAML.decode(spec.patch)
        } catch {
            throw invalidAction(action, "the patch is neither YAML nor JSON: \(error)")
        }
        switch spec.type ?? .merge {
        case .merge:
            guard case .object = body else { throw invalidAction(action, "a merge patch must be an object") }
            return .strategicMerge(body)
        case .json6902:
            guard case .array = body else {
                throw invalidAction(action, "a json6902 patch must be a list of operations")
            }
            return .json(body)
        }
    }
}
