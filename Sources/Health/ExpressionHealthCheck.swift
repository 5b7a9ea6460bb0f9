public import CEL
public import KubeModel

/// A readiness rule written in CEL for one kind (`readyChecks.exprs[]`), evaluated as Flux's
/// `healthCheckExprs` are: it replaces kstatus for objects of that group and kind.
///
/// The object's top-level fields (`apiVersion`, `kind`, `metadata`, `spec`, `status`, …) are bound
/// as variables. When `status.observedGeneration` is present and differs from
/// `metadata.generation` the object is InProgress; otherwise `inProgress`, `failed` and `current`
/// are tried in that order and the first that is true decides; when none is true the object is
/// InProgress. An expression that fails to evaluate (a missing field, a non-bool result, the cost
/// limit) makes the object InProgress with the error in the message — a broken expression holds a
/// stage, it never crashes the controller or passes it.
public struct ExpressionHealthCheck: Sendable {
    /// The group the rule applies to (from `apiVersion`; the version is ignored).
    public let group: String
    /// The kind the rule applies to.
    public let kind: String
    private let current: CELExpression
    private let inProgress: CELExpression?
    private let failed: CELExpression?
    private let options: CELEvaluationOptions

    /// Compiles a rule; throws the first expression that does not parse.
    public init(
        apiVersion: String?, kind: String, current: String, inProgress: String? = nil, failed: String? = nil,
        options: CELEvaluationOptions = CELEvaluationOptions()
    ) throws(CELError) {
        let version = apiVersion ?? ""
        self.group = version.contains("/") ? String(version.prefix { $0 != "/" }) : ""
        self.kind = kind
        self.current = try CELExpression(parsing: current)
        self.inProgress = try inProgress.map { source throws(CELError) in try CELExpression(parsing: source) }
        self.failed = try failed.map { source throws(CELError) in try CELExpression(parsing: source) }
        self.options = options
    }

    /// Whether the rule governs `object` (same group and kind; any version).
    public func applies(to object: JSONValue) -> Bool {
        let identity = ObjectIdentity(of: object)
        return identity.kind == kind && identity.group == group
    }

    /// The health of `object` under this rule.
    public func evaluate(_ object: JSONValue) -> HealthResult {
        if let generation = object[path: "metadata", "generation"]?.intValue,
            let observed = object[path: "status", "observedGeneration"]?.intValue, generation != observed
        {
            let message = "\(kind) generation is \(generation), but latest observed generation is \(observed)"
            return .inProgress("LatestGenerationNotObserved", message)
        }
        let bindings = object.objectValue.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key, $0.value) }) } ?? [:]
        let rules: [(CELExpression?, KStatus)] = [(inProgress, .inProgress), (failed, .failed), (current, .current)]
        for (expression, status) in rules {
            guard let expression else { continue }
            do {
                guard try expression.evaluateBool(json: bindings, options: options) else { continue }
            } catch {
                return .inProgress(
                    "HealthCheckExpressionError",
                    "evaluating \(status.rawValue) expression \(expression.source): \(error.message)")
            }
            switch status {
            case .current: return .current("\(kind) is healthy: \(expression.source)")
            case .failed: return .failed("HealthCheckFailed", "\(kind) failed: \(expression.source)")
            default: return .inProgress("HealthCheckInProgress", "\(kind) is in progress: \(expression.source)")
            }
        }
        return .inProgress("HealthCheckNotCurrent", "\(kind) is not yet healthy: \(current.source) is false")
    }
}
