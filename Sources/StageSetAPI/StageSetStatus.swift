public import KubeModel

/// What the controller observed and did for a StageSet.
public struct StageSetStatus: Codable, Sendable, Hashable {
    /// The `reconcile.fluxcd.io/requestedAt` token most recently handled.
    public var lastHandledReconcileAt: String?
    /// Conditions; one `Ready` condition.
    public var conditions: [Condition]?
    /// The last reconciled generation.
    public var observedGeneration: Int64?
    /// Revisions of the current or last run, keyed by `namespace/name` of the source.
    public var lastAttemptedRevisions: StringMap?
    /// Revisions of the last fully successful run, keyed by `namespace/name`.
    public var lastAppliedRevisions: StringMap?
    /// Per-stage progress, in spec order.
    public var stages: [StageStatus]?
    /// The deployed version, written after a fully successful run.
    public var version: String?
    /// The version held awaiting approval.
    public var pendingVersion: String?
    /// Migrations the next run will execute.
    public var pendingMigrations: [PendingMigration]?
    /// Completed migrations of the current transition (`name@digest12`).
    public var executedMigrations: [String]?
    /// Completed migration actions of the current transition (`name@digest12/action`, `name@digest12/down/action`).
    public var executedMigrationActions: [String]?
    /// Consecutive migration failures; at the threshold the migration goes MigrationDirty.
    public var migrationFailureCount: Int?
    /// Consecutive failures of a stage with an incomplete Lifetime action; at the threshold ActionDirty.
    public var actionFailureCount: Int?
    /// Per-stage artifact coordinates of the last good run (with rollbackOnFailure).
    public var lastAppliedSnapshot: [StageArtifactRef]?
    /// Set while an update window holds a rollout.
    public var pendingUpdate: PendingUpdate?
    /// The `stages.metio.wtf/update-now` token most recently honoured.
    public var lastHandledUpdateOverride: String?
    /// The `stages.metio.wtf/reset-scope` token most recently honoured.
    public var lastHandledResetScope: String?
    /// Set while a rollout-wide error-budget freeze holds (or would, under dryRun).
    public var budgetFreeze: BudgetFreeze?
    /// The `stages.metio.wtf/budget-override` token most recently honoured.
    public var lastHandledBudgetOverride: String?

    public init() {}
}

/// Progress of one stage.
public struct StageStatus: Codable, Sendable, Hashable {
    /// Name of the stage.
    public var name: String
    /// Lifecycle phase.
    public var phase: StagePhase?
    /// Revision last applied by the stage.
    public var appliedRevision: String?
    /// Number of inventory entries the stage owns.
    public var entriesCount: Int64?
    /// Number of StageInventory shards backing the stage.
    public var shards: Int?
    /// Human-readable progress or failure detail.
    public var message: String?
    /// Action names already run at `ledgerRevision`.
    public var executedActions: [String]?
    /// Revision the `executedActions` ledger applies to.
    public var ledgerRevision: String?
    /// Version-scoped action names already run at `ledgerVersion`.
    public var executedVersionActions: [String]?
    /// Version the `executedVersionActions` ledger applies to.
    public var ledgerVersion: String?
    /// The `stages.metio.wtf/reconcile-stage` token most recently handled.
    public var lastHandledReconcileAt: String?
    /// Where the stage stands against its promotion gate.
    public var promotionState: PromotionState?
    /// The `stages.metio.wtf/promote` token most recently handled.
    public var lastHandledPromotion: String?
    /// Set while this stage's own error budget holds a new revision out.
    public var budgetFreeze: BudgetFreeze?

    public init(name: String) {
        self.name = name
    }
}

/// A stage's promotion-gate progress, keyed to its applied revision.
public struct PromotionState: Codable, Sendable, Hashable {
    /// Current promotion phase.
    public var phase: PromotionPhase?
    /// When the current phase began.
    public var since: Timestamp?
    /// When the soak window closes.
    public var soakUntil: Timestamp?
    /// Consecutive failing analysis evaluations.
    public var analysisFailures: Int?
    /// The restart check whose breach blocks the rollout.
    public var restartCheck: String?
    /// Restarts the breaching check observed above its baseline.
    public var observedRestarts: Int?
    /// Per restart check, the lifetime restart total at the stage's last promotion.
    public var restartBaseline: [RestartCheckBaseline]?
    /// The event check whose breach blocks the rollout.
    public var eventCheck: String?
    /// Matching Warning events the breaching check observed.
    public var observedEvents: Int?
    /// Revision an analysis rollback reverted away from.
    public var abortedRevision: String?
    /// The most recent analysis evaluation.
    public var lastAnalysis: AnalysisResult?

    public init() {}
}

/// A restart check's starting point.
public struct RestartCheckBaseline: Codable, Sendable, Hashable {
    /// The restart check.
    public var name: String
    /// Lifetime restart total at the baseline instant.
    public var restarts: Int?

    public init(name: String, restarts: Int? = nil) {
        self.name = name
        self.restarts = restarts
    }
}

/// The outcome of one analysis evaluation.
public struct AnalysisResult: Codable, Sendable, Hashable {
    /// When the evaluation ran.
    public var time: Timestamp?
    /// True when every check stayed within its threshold.
    public var passed: Bool?
    /// Each check's value and verdict.
    public var checks: [AnalysisCheckResult]?

    public init() {}
}

/// One check's observed value and verdict.
public struct AnalysisCheckResult: Codable, Sendable, Hashable {
    /// Name of the check.
    public var name: String
    /// Observed scalar as a decimal string; empty when unreadable.
    public var value: String?
    /// True when the value stayed within the threshold.
    public var ok: Bool?
    /// Why the source could not be read.
    public var error: String?

    public init(name: String) {
        self.name = name
    }
}

/// A migration the next run will execute.
public struct PendingMigration: Codable, Sendable, Hashable {
    /// Name of the migration.
    public var name: String
    /// Version boundary it crosses up to.
    public var to: String
    /// Constraint on the current version.
    public var from: String?
    /// Resolved stage it anchors before.
    public var stage: String?
    /// Action verbs in run order.
    public var actions: [String]?
    /// Content digest, the ledger key.
    public var digest: String?

    public init(name: String, to: String) {
        self.name = name
        self.to = to
    }
}

/// A stage's resolved artifact of the last good run.
public struct StageArtifactRef: Codable, Sendable, Hashable {
    /// The stage.
    public var stage: String
    /// URL of the artifact tarball.
    public var url: String
    /// Digest (`algo:hex`) the tarball must match.
    public var digest: String
    /// Human-readable revision.
    public var revision: String?
    /// sha256 over the resolved substitution inputs (no values).
    public var substitutionDigest: String?

    public init(stage: String, url: String, digest: String) {
        self.stage = stage
        self.url = url
        self.digest = digest
    }
}

/// A rollout held by an update window.
public struct PendingUpdate: Codable, Sendable, Hashable {
    /// Held revisions keyed by `namespace/name`; empty under a hard freeze of a steady state.
    public var revisions: StringMap?
    /// When delivery may resume.
    public var nextWindowOpens: Timestamp?

    public init() {}
}

/// An active (or, under dryRun, simulated) error-budget freeze.
public struct BudgetFreeze: Codable, Sendable, Hashable {
    /// Last observed remaining budget, as a decimal string.
    public var remaining: String?
    /// Threshold the freeze tripped at.
    public var freezeThreshold: String?
    /// Threshold the freeze resumes at.
    public var resumeThreshold: String?
    /// When the freeze began.
    public var since: Timestamp?
    /// True when recorded but not enforced.
    public var dryRun: Bool?

    public init() {}
}
