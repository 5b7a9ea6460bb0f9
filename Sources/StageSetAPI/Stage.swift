public import KubeModel

/// One ordered, gated unit of a StageSet: build a source, apply it, verify it, gate promotion.
public struct Stage: Codable, Sendable, Equatable, SchemaDescribed {
    /// Name of the stage: a DNS label, unique within the StageSet; the inventory and label key.
    public var name: String
    /// Stable role a migration's `stage` can name instead of the stage name; unique across names and anchors.
    public var migrationAnchor: String?
    /// Source of this stage's manifests (an ExternalArtifact by default).
    public var sourceRef: SourceReference
    /// Directory inside the artifact to build; default `./`; must stay inside the artifact.
    public var path: String?
    /// ServiceAccount impersonated for this stage's cluster operations; empty inherits `spec.serviceAccountName`.
    public var serviceAccountName: String?
    /// Garbage-collect objects that left the stage, and tear the stage down on delete; default true.
    public var prune: Bool?
    /// Verify timeout for this stage, overriding `spec.timeout`.
    public var timeout: GoDuration?
    /// What a verify timeout means for this stage: Hold or Rollback; overrides `spec.onTimeout`.
    public var onTimeout: FailurePolicy?
    /// Recreate objects on immutable-field conflicts; sugar for `conflictPolicy.default: Recreate`.
    public var force: Bool?
    /// Per-resource answers to immutable-field conflicts.
    public var conflictPolicy: ConflictPolicy?
    /// Apply `helm.sh/hook` objects with a warning event (true, default) or strip them (false).
    public var applyHelmHookResources: Bool?
    /// Kustomize patches applied after the build.
    public var patches: [KustomizePatch]?
    /// Variable substitution after build and patches.
    public var postBuild: PostBuild?
    /// Typed steps before, after and on failure of the stage.
    public var actions: StageActions?
    /// What "healthy" means for this stage (kstatus and CEL checks).
    public var readyChecks: ReadyChecks?
    /// Gates advancing past this stage once it is healthy.
    public var promotion: Promotion?
    /// Freezes new revisions from entering this stage while its error budget is exhausted.
    public var errorBudget: ErrorBudget?

    public init(name: String, sourceRef: SourceReference) {
        self.name = name
        self.sourceRef = sourceRef
    }

    public static let schemaDefaults: [String: JSONValue] = [
        "path": "./", "prune": true, "applyHelmHookResources": true,
    ]

    /// The answer to a conflict no rule matches: an explicit `conflictPolicy.default` other
    /// than Fail wins; otherwise `force: true` means Recreate (API-34); otherwise Fail. (The
    /// CRD stamps `default: Fail` into every `conflictPolicy`, so Fail cannot outrank `force`.)
    public var effectiveConflictDefault: ConflictAction {
        if let explicit = conflictPolicy?.default, explicit != .fail { return explicit }
        return force == true ? .recreate : .fail
    }
}

/// The source of a stage's (or job/apply action's) manifests: an ExternalArtifact directly,
/// a Flux GitRepository/OCIRepository/Bucket, or a producer object behind an ExternalArtifact.
public struct SourceReference: Codable, Sendable, Hashable, SchemaDescribed {
    /// API version of the referent; default `source.toolkit.fluxcd.io/v1`; required for producer kinds.
    public var apiVersion: String?
    /// Kind of the referent; default ExternalArtifact; any kind other than ExternalArtifact, GitRepository, OCIRepository and Bucket is a producer.
    public var kind: String?
    /// Name of the referent.
    public var name: String
    /// Namespace of the referent; defaults to the StageSet's namespace.
    public var namespace: String?

    public init(apiVersion: String? = nil, kind: String? = nil, name: String, namespace: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }

    /// The Flux source API version, default of `apiVersion` for Flux kinds.
    public static let fluxSourceAPIVersion = "source.toolkit.fluxcd.io/v1"
    /// The API group of Flux sources.
    public static let fluxSourceGroup = "source.toolkit.fluxcd.io"
    /// Kinds read directly (not through a producer) when their group is empty or Flux's.
    public static let directKinds: Set<String> = ["ExternalArtifact", "GitRepository", "OCIRepository", "Bucket"]

    /// `kind`, defaulted.
    public var effectiveKind: String { kind.flatMap { $0.isEmpty ? nil : $0 } ?? "ExternalArtifact" }

    /// True when the reference names a producer object rather than a Flux source: any kind
    /// outside ``directKinds``, or a direct kind under an API group other than Flux's.
    public var isProducer: Bool {
        guard Self.directKinds.contains(effectiveKind) else { return true }
        let group = Self.group(ofAPIVersion: apiVersion ?? "")
        return !(group.isEmpty || group == Self.fluxSourceGroup)
    }

    /// The group of an `apiVersion` (`""` for the core group or an empty value).
    public static func group(ofAPIVersion apiVersion: String) -> String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    /// The `kind` default; `apiVersion` defaults to ``fluxSourceAPIVersion`` only for Flux kinds.
    public static let schemaDefaults: [String: JSONValue] = ["kind": "ExternalArtifact"]
}

/// Per-resource answers to immutable-field conflicts.
public struct ConflictPolicy: Codable, Sendable, Hashable, SchemaDescribed {
    /// Answer for conflicts no rule matches: Fail (default), Recreate or KeepExisting.
    public var `default`: ConflictAction?
    /// Rules matched in order; the first match wins.
    public var rules: [ConflictRule]?

    public init(default: ConflictAction? = nil, rules: [ConflictRule]? = nil) {
        self.default = `default`
        self.rules = rules
    }

    public static let schemaDefaults: [String: JSONValue] = ["default": "Fail"]
    public static let apiServerDefaultedFields: Set<String> = ["default"]
}

/// Maps the objects a target matches to a conflict answer.
public struct ConflictRule: Codable, Sendable, Hashable {
    /// Objects the rule governs; unset fields match any value.
    public var target: ConflictTarget
    /// Answer for matching objects: Fail, Recreate or KeepExisting.
    public var action: ConflictAction
    /// Allows Recreate of a PersistentVolumeClaim or PersistentVolume; only valid with action Recreate.
    public var allowDataLoss: Bool?

    public init(target: ConflictTarget, action: ConflictAction, allowDataLoss: Bool? = nil) {
        self.target = target
        self.action = action
        self.allowDataLoss = allowDataLoss
    }
}

/// A partial object selector; unset fields match any value.
public struct ConflictTarget: Codable, Sendable, Hashable {
    /// API version the object must have.
    public var apiVersion: String?
    /// Kind the object must have.
    public var kind: String?
    /// Name the object must have.
    public var name: String?
    /// Namespace the object must be in.
    public var namespace: String?

    public init(apiVersion: String? = nil, kind: String? = nil, name: String? = nil, namespace: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
    }
}

/// Post-build `${var}` substitution, as in kustomize-controller.
public struct PostBuild: Codable, Sendable, Hashable {
    /// Inline variables.
    public var substitute: StringMap?
    /// ConfigMaps and Secrets in the StageSet's namespace whose data become variables.
    public var substituteFrom: [SubstituteReference]?

    public init(substitute: StringMap? = nil, substituteFrom: [SubstituteReference]? = nil) {
        self.substitute = substitute
        self.substituteFrom = substituteFrom
    }
}

/// A ConfigMap or Secret whose data feed post-build substitution.
public struct SubstituteReference: Codable, Sendable, Hashable {
    /// Kind of the referent: ConfigMap or Secret.
    public var kind: SubstituteKind
    /// Name of the referent.
    public var name: String
    /// Tolerate a missing referent (NotFound only).
    public var optional: Bool?

    public init(kind: SubstituteKind, name: String, optional: Bool? = nil) {
        self.kind = kind
        self.name = name
        self.optional = optional
    }
}

/// The typed steps around a stage.
public struct StageActions: Codable, Sendable, Equatable {
    /// Run before the build; a failure aborts the stage untouched.
    public var pre: [Action]?
    /// Run after verification; the stage is Ready only when these succeed.
    public var post: [Action]?
    /// Run best-effort on any failure from apply onward.
    public var onFailure: [Action]?

    public init(pre: [Action]? = nil, post: [Action]? = nil, onFailure: [Action]? = nil) {
        self.pre = pre
        self.post = post
        self.onFailure = onFailure
    }
}

/// What "healthy" means for a stage; purely observational.
public struct ReadyChecks: Codable, Sendable, Hashable {
    /// Bound of this stage's verify phase; the most specific level of the timeout ladder.
    public var timeout: GoDuration?
    /// Skip the kstatus wait over the applied objects (explicit `checks` are still waited on).
    public var disableWait: Bool?
    /// Extra objects waited on with kstatus; kind and name required.
    public var checks: [NamespacedObjectKindReference]?
    /// CEL health rules per kind; each expression must compile to a bool.
    public var exprs: [CustomHealthCheck]?

    public init() {}
}

/// Gates advancing past a healthy stage; with nothing set the stage advances once Ready.
public struct Promotion: Codable, Sendable, Hashable, SchemaDescribed {
    /// Hold the rollout at this stage this long after it becomes Ready; no default (no soak).
    public var soak: GoDuration?
    /// Hold until `stagesetctl promote` stamps the promote annotation; default false.
    public var requireManualPromotion: Bool?
    /// Metric checks that must keep passing before the stage promotes.
    public var analysis: PromotionAnalysis?
    /// Promote before the soak ends when a metric is within bounds; requires `soak`.
    public var fastTrack: FastTrack?
    /// Block promotion when watched pods restart too often.
    public var restartGate: RestartGate?
    /// Block promotion when watched pods collect too many Warning events.
    public var eventGate: EventGate?

    public init() {}

    public static let schemaDefaults: [String: JSONValue] = ["requireManualPromotion": false]
}

/// Metric checks evaluated at a stage boundary.
public struct PromotionAnalysis: Codable, Sendable, Hashable, SchemaDescribed {
    /// The checks; all must pass. At least one; names unique.
    public var checks: [AnalysisCheck]
    /// Re-evaluation cadence while the analysis holds; defaults to `spec.retryInterval`, then the interval.
    public var interval: GoDuration?
    /// Consecutive failing evaluations tolerated; ≥0, default 0.
    public var failureLimit: Int?
    /// What a failed analysis does: Hold (default) or Rollback.
    public var onFailure: FailurePolicy?
    /// What an unreadable source does: Hold (default) or Allow.
    public var onSourceError: SourceErrorPolicy?
    /// Record what would block without holding the rollout.
    public var dryRun: Bool?

    public init(checks: [AnalysisCheck]) {
        self.checks = checks
    }

    public static let schemaDefaults: [String: JSONValue] = [
        "failureLimit": 0, "onFailure": "Hold", "onSourceError": "Hold", "dryRun": false,
    ]
}

/// One metric comparison of an analysis.
public struct AnalysisCheck: Codable, Sendable, Hashable {
    /// Name of the check, unique within the analysis.
    public var name: String
    /// Where the scalar comes from.
    public var source: MetricSource
    /// Bounds the scalar must stay within; at least one bound.
    public var threshold: Threshold

    public init(name: String, source: MetricSource, threshold: Threshold) {
        self.name = name
        self.source = source
        self.threshold = threshold
    }
}

/// Promotes early during a soak when a metric is within bounds.
public struct FastTrack: Codable, Sendable, Hashable, SchemaDescribed {
    /// Where the scalar comes from (typically a burn rate).
    public var source: MetricSource
    /// Highest value that still allows early promotion (a decimal string).
    public var max: String
    /// Minimum soak before early promotion is considered; default 0.
    public var after: GoDuration?

    public init(source: MetricSource, max: String) {
        self.source = source
        self.max = max
    }

    public static let schemaDefaults: [String: JSONValue] = ["after": "0s"]
}

/// Blocks promotion when watched pods restart too often during the soak.
public struct RestartGate: Codable, Sendable, Hashable, SchemaDescribed {
    /// Default answer to a breach: Hold (default) or Rollback.
    public var onFailure: FailurePolicy?
    /// Pod groups to watch; at least one; names unique.
    public var checks: [RestartCheck]

    public init(checks: [RestartCheck]) {
        self.checks = checks
    }

    public static let schemaDefaults: [String: JSONValue] = ["onFailure": "Hold"]
}

/// One pod group of a restart gate.
public struct RestartCheck: Codable, Sendable, Hashable, SchemaDescribed {
    /// Name of the check, unique within the gate.
    public var name: String
    /// Pods in the StageSet's namespace to watch; must not be empty.
    public var selector: LabelSelectorSpec
    /// Container restarts tolerated (summed over the pods); ≥0, default 0.
    public var maxRestarts: Int?
    /// Answer to a breach of this check; defaults to the gate's onFailure.
    public var onFailure: FailurePolicy?

    public init(name: String, selector: LabelSelectorSpec) {
        self.name = name
        self.selector = selector
    }

    public static let schemaDefaults: [String: JSONValue] = ["maxRestarts": 0]
}

/// Blocks promotion when watched pods collect too many Warning events during the soak.
public struct EventGate: Codable, Sendable, Hashable, SchemaDescribed {
    /// Default answer to a breach: Hold (default) or Rollback.
    public var onFailure: FailurePolicy?
    /// Pod groups to watch; at least one; names unique.
    public var checks: [EventCheck]

    public init(checks: [EventCheck]) {
        self.checks = checks
    }

    public static let schemaDefaults: [String: JSONValue] = ["onFailure": "Hold"]
}

/// One pod group of an event gate.
public struct EventCheck: Codable, Sendable, Hashable, SchemaDescribed {
    /// Name of the check, unique within the gate.
    public var name: String
    /// Pods in the StageSet's namespace to watch; must not be empty.
    public var selector: LabelSelectorSpec
    /// Warning event reasons that count, e.g. FailedScheduling; at least one.
    public var reasons: [String]
    /// Matching events tolerated (summed by count); ≥0, default 0.
    public var maxEvents: Int?
    /// Answer to a breach of this check; defaults to the gate's onFailure.
    public var onFailure: FailurePolicy?

    public init(name: String, selector: LabelSelectorSpec, reasons: [String]) {
        self.name = name
        self.selector = selector
        self.reasons = reasons
    }

    public static let schemaDefaults: [String: JSONValue] = ["maxEvents": 0]
}
