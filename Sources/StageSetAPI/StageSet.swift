public import KubeModel

/// An ordered, gated, multi-stage delivery of Flux sources (`stages.metio.wtf/v1`, kind `StageSet`).
public struct StageSet: Codable, Sendable, Equatable {
    /// The API group/version of the kind.
    public static let apiVersion = "stages.metio.wtf/v1"
    /// The kind.
    public static let kind = "StageSet"

    /// API version of the object: `stages.metio.wtf/v1`.
    public var apiVersion: String?
    /// Kind of the object: `StageSet`.
    public var kind: String?
    /// Standard object metadata.
    public var metadata: ObjectMeta
    /// The desired rollout.
    public var spec: StageSetSpec
    /// What the controller observed and did.
    public var status: StageSetStatus?

    public init(metadata: ObjectMeta, spec: StageSetSpec, status: StageSetStatus? = nil) {
        self.apiVersion = Self.apiVersion
        self.kind = Self.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, spec, status
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decode(StageSetSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(StageSetStatus.self, forKey: .status)
    }
}

/// The desired rollout of a StageSet. Only `stages` is required.
public struct StageSetSpec: Codable, Sendable, Equatable, SchemaDescribed {
    /// Steady-state re-apply cadence; omitted or ≤0 uses the controller's `--default-interval` (10m).
    public var interval: GoDuration?
    /// Requeue delay after a failed or held run; defaults to the interval.
    public var retryInterval: GoDuration?
    /// Re-apply cadence for drift correction; used only when >0 and shorter than the interval.
    public var driftDetectionInterval: GoDuration?
    /// Default per-stage verify timeout; effective default 15m.
    public var timeout: GoDuration?
    /// What a verify timeout of still-progressing objects means: Hold (default) or Rollback.
    public var onTimeout: FailurePolicy?
    /// Pause reconciliation: nothing is applied; default false.
    public var suspend: Bool?
    /// StageSets that must be Ready (optionally at a minimum version) before this one rolls.
    public var dependsOn: [Dependency]?
    /// ServiceAccount impersonated for every cluster operation; empty uses the controller's identity.
    public var serviceAccountName: String?
    /// Remote cluster to apply stage objects to.
    public var kubeConfig: KubeConfigReference?
    /// SOPS decryption of every stage source before the build.
    public var decryption: Decryption?
    /// The deployed system's version, enabling versioned migrations; unset disables versioning.
    public var version: VersionSource?
    /// Version-gated action ladders; requires `version`; mutually exclusive with `migrationsSourceRef`.
    public var migrations: [Migration]?
    /// Migration ladder read from a source artifact; requires `version`; mutually exclusive with `migrations`.
    public var migrationsSourceRef: MigrationsSourceRef?
    /// Restore the last applied revisions when a run fails (best-effort).
    public var rollbackOnFailure: Bool?
    /// Actions run best-effort after a rollback restored the previous manifests; names unique; no scope or completionAnchor.
    public var onRollback: [Action]?
    /// Windows gating when new revisions roll out; empty means always allowed.
    public var updateWindows: [UpdateWindow]?
    /// What a closed window blocks: Updates (default; drift correction continues) or All (hard freeze).
    public var windowScope: WindowScope?
    /// Rollout-wide freeze while the SLO error budget is exhausted.
    public var errorBudget: ErrorBudget?
    /// The stages, executed in order; at least one.
    public var stages: [Stage]

    public init(stages: [Stage]) {
        self.stages = stages
    }

    public static let schemaDefaults: [String: JSONValue] = [
        "onTimeout": "Hold", "suspend": false, "windowScope": "Updates",
    ]
}

/// A StageSet this one waits for.
public struct Dependency: Codable, Sendable, Hashable {
    /// Name of the StageSet depended on.
    public var name: String
    /// Namespace of the dependency; defaults to this StageSet's namespace.
    public var namespace: String?
    /// Semver the dependency's `status.version` must be at or above; omit to gate on readiness alone.
    public var minVersion: String?

    public init(name: String, namespace: String? = nil, minVersion: String? = nil) {
        self.name = name
        self.namespace = namespace
        self.minVersion = minVersion
    }
}

/// An allow or deny window: recurring (`schedule` + `duration`) or absolute (`from` + `to`), never both.
public struct UpdateWindow: Codable, Sendable, Hashable, SchemaDescribed {
    /// Allow or Deny; Deny takes precedence.
    public var type: UpdateWindowType
    /// Standard 5-field cron expression for a recurring window's start (descriptors like `@daily` accepted).
    public var schedule: String?
    /// Length of a recurring window; must be positive.
    public var duration: GoDuration?
    /// IANA time zone the schedule is evaluated in; default UTC.
    public var timeZone: String?
    /// Start of an absolute window.
    public var from: Timestamp?
    /// Exclusive end of an absolute window; after `from`.
    public var to: Timestamp?

    public init(type: UpdateWindowType) {
        self.type = type
    }

    public static let schemaDefaults: [String: JSONValue] = ["timeZone": "UTC"]
}

/// A rollout-wide (or per-stage) error-budget freeze.
public struct ErrorBudget: Codable, Sendable, Hashable, SchemaDescribed {
    /// Where the remaining budget (typically 0..1) is read.
    public var source: MetricSource
    /// Freeze new revisions while the remaining budget is strictly below this decimal.
    public var freezeThreshold: String
    /// Resume once the remaining budget reaches this decimal; default freezeThreshold; must be ≥ freezeThreshold.
    public var resumeThreshold: String?
    /// What an unreadable source does: Allow (default) or Hold.
    public var onSourceError: SourceErrorPolicy?
    /// Re-check cadence while frozen; defaults to retryInterval, then interval.
    public var interval: GoDuration?
    /// Record the freeze without holding the rollout.
    public var dryRun: Bool?

    public init(source: MetricSource, freezeThreshold: String) {
        self.source = source
        self.freezeThreshold = freezeThreshold
    }

    public static let schemaDefaults: [String: JSONValue] = ["onSourceError": "Allow", "dryRun": false]
}

/// SOPS decryption of stage sources.
public struct Decryption: Codable, Sendable, Hashable {
    /// Decryption backend; only `sops`.
    public var provider: DecryptionProvider
    /// Secret in the StageSet's namespace with age (`*.agekey`) or PGP (`*.asc`) keys; omit for cloud KMS.
    public var secretRef: LocalObjectReference?

    public init(provider: DecryptionProvider = .sops, secretRef: LocalObjectReference? = nil) {
        self.provider = provider
        self.secretRef = secretRef
    }
}

/// The deployed system's version: exactly one of `value`, `fromObject` and `fromArtifact`.
public struct VersionSource: Codable, Sendable, Hashable, SchemaDescribed {
    /// Read a semver from a file in a stage's artifact.
    public var fromArtifact: ArtifactVersionRef?
    /// Read the version from a field of a rendered object.
    public var fromObject: ObjectVersionRef?
    /// The version inline (semver; a leading `v` is accepted).
    public var value: String?
    /// Fail a major-version increase that no migration covers; default false.
    public var requireMigrationCoverage: Bool?
    /// Which transitions wait for approval: Never (default), OnMigrations or Always.
    public var approvalMode: ApprovalMode?
    /// Allow an intentional version decrease, running `down` actions; default false.
    public var allowDowngrade: Bool?

    public init() {}

    public static let schemaDefaults: [String: JSONValue] = [
        "requireMigrationCoverage": false, "approvalMode": "Never", "allowDowngrade": false,
    ]
}

/// Reads the version from a field of one rendered object.
public struct ObjectVersionRef: Codable, Sendable, Hashable {
    /// Stage whose rendered manifests carry the version; default the first stage.
    public var stage: String?
    /// Kind of the object.
    public var kind: String
    /// Name of the object.
    public var name: String
    /// API version of the object; empty matches on kind and name alone.
    public var apiVersion: String?
    /// kubectl JSONPath to the version; default the `app.kubernetes.io/version` label.
    public var fieldPath: String?

    public init(kind: String, name: String) {
        self.kind = kind
        self.name = name
    }
}

/// Reads the version from a file inside a stage's artifact.
public struct ArtifactVersionRef: Codable, Sendable, Hashable {
    /// Stage whose artifact holds the file.
    public var stage: String
    /// Path of the file inside the artifact.
    public var path: String

    public init(stage: String, path: String) {
        self.stage = stage
        self.path = path
    }
}

/// A version-gated action ladder.
public struct Migration: Codable, Sendable, Equatable {
    /// Name of the migration; the ledger key.
    public var name: String
    /// The exact version boundary crossed upward (a semver, not a range).
    public var to: String
    /// Semver constraint on the current version (e.g. `>=1.0.0, <2.0.0`, `1.x`); a bare version is rejected.
    public var from: String?
    /// Stage (by migrationAnchor, then name) before whose pre-actions it runs; default the first stage.
    public var stage: String?
    /// Run in order when the boundary is crossed upward; at most 100; retries 0..10.
    public var actions: [Action]?
    /// Run in order when crossed downward; omit to make the boundary irreversible.
    public var down: [Action]?

    public init(name: String, to: String) {
        self.name = name
        self.to = to
    }
}

/// A migration ladder read from a source artifact.
public struct MigrationsSourceRef: Codable, Sendable, Hashable {
    /// Source whose artifact holds the serialized migrations; same namespace as the StageSet.
    public var sourceRef: SourceReference
    /// File or directory inside the artifact; default the artifact root.
    public var path: String?

    public init(sourceRef: SourceReference, path: String? = nil) {
        self.sourceRef = sourceRef
        self.path = path
    }
}
