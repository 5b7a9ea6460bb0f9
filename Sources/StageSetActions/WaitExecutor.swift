import CEL
import KubeAPI
import KubeModel
public import StageSetAPI
public import StageSetCore

/// Runs `wait` actions: sleeps for `duration`, or reads `target` every poll interval until the CEL
/// `expr` is true, bounded by the spec's `timeout` (default 5m; the action's own timeout still applies).
///
/// The expression sees the object's top-level fields (`apiVersion`, `kind`, `metadata`, `spec`,
/// `status`, …) as variables, as `readyChecks.exprs` do. A missing object or kind, an expression that
/// does not evaluate to true (a missing field, a non-bool result) and transient read errors keep the
/// wait going; the timeout reports the last of them. A denied read fails at once.
public struct WaitExecutor: ActionExecutor {
    public static let kind: ActionOperationKind = .wait

    /// How often the target is read (2s in the reference).
    public var pollInterval: Duration

    public init(pollInterval: Duration = .seconds(2)) {
        self.pollInterval = pollInterval
    }

    public func execute(_ spec: WaitAction, action: Action, context: ActionContext) async throws -> ActionResult {
        let spec = spec.defaulted()
        if let expr = spec.expr, !expr.isEmpty {
            guard let target = spec.target, !target.name.isEmpty else {
                throw invalidAction(action, "a wait with expr needs a target with a name")
            }
            let expression: CELExpression
            do {
                expression = try CELExpression(parsing: expr)
            } catch {
                throw invalidAction(action, "expr \(expr) does not parse: \(error.message)")
            }
            return try await wait(until: expression, on: target, timeout: spec.timeout ?? .zero, action: action,
                                  context: context)
        }
        guard let duration = spec.duration else { throw invalidAction(action, "a wait needs duration or expr") }
        try await Task.sleep(for: duration.swiftDuration)
        return ActionResult(message: "waited \(duration)")
    }

    private func wait(until expression: CELExpression, on target: NamespacedObjectKindReference, timeout: GoDuration,
                      action: Action, context: ActionContext) async throws -> ActionResult {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeout.swiftDuration
        var resolved: ResolvedKind?
        var last = "not read yet"
        while true {
            do {
                let kind: ResolvedKind
                if let resolved {
                    kind = resolved
                } else {
                    kind = try await ResolvedKind.resolve(
                        apiVersion: target.apiVersion, kind: target.kind, namespace: target.namespace, context: context)
                    resolved = kind
                }
                let object = try await context.client.get(kind.gvk, namespace: kind.namespace, name: target.name)
                let bindings = Dictionary(object.object.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
                do {
                    if try expression.evaluateBool(json: bindings) {
                        let waited = (clock.now - start).components.seconds
                        return ActionResult(
                            message: "\(kind.describe(target.name)): \(expression.source) holds after \(waited)s")
                    }
                    last = "\(expression.source) is false"
                } catch {
                    last = "evaluating \(expression.source): \(error.message)"
                }
            } catch let error as KubeError where error.isNotFound {
                last = "\(target.kind) \(target.name) does not exist"
            } catch let error as KubeClientError where error.code == .noKindMatch {
                last = "the kind \(target.kind) is not served"
            } catch let error as KubeError where error.isForbidden {
                throw actionFailure(action, "reading \(target.kind) \(target.name)", error)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                last = "reading \(target.kind) \(target.name): \(error)"
            }
            let remaining = deadline - clock.now
            guard remaining > .zero else {
                throw StageSetError(
                    .stageFailed,
                    "action \"\(action.name)\": timed out after \(timeout) waiting for \(target.kind) \(target.name): \(last)",
                    retry: .transient)
            }
            try await Task.sleep(for: min(pollInterval, remaining))
        }
    }
}
