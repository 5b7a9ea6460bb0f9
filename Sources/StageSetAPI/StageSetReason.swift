/// The reasons of a StageSet's `Ready` condition (wire-stable; each has a runbook under `docs/runbooks/`).
public enum StageSetReason: String, WireEnum, CaseIterable {
    case succeeded = "Succeeded"
    case suspended = "Suspended"
    case invalidSpec = "InvalidSpec"
    case sourceNotReady = "SourceNotReady"
    case artifactNotFound = "ArtifactNotFound"
    case resolveFailed = "ResolveFailed"
    case dependencyNotReady = "DependencyNotReady"
    case stalled = "Stalled"
    case invalidVersion = "InvalidVersion"
    case downgradeNotAllowed = "DowngradeNotAllowed"
    case downgradeRequiresMigration = "DowngradeRequiresMigration"
    case migrationStageNotFound = "MigrationStageNotFound"
    case migrationArtifactInvalid = "MigrationArtifactInvalid"
    case migrationSourceNotVerified = "MigrationSourceNotVerified"
    case migrationSourceNotPinned = "MigrationSourceNotPinned"
    case awaitingApproval = "AwaitingApproval"
    case migrationCoverageMissing = "MigrationCoverageMissing"
    case migrationFailed = "MigrationFailed"
    case migrationDirty = "MigrationDirty"
    case actionDirty = "ActionDirty"
    case previousRevisionUnavailable = "PreviousRevisionUnavailable"
    case updateDeferred = "UpdateDeferred"
    case stageFailed = "StageFailed"
    case stageProgressing = "StageProgressing"
    case imageUnverified = "ImageUnverified"
    case rbacDenied = "RBACDenied"
    case soaking = "Soaking"
    case awaitingPromotion = "AwaitingPromotion"
    case budgetExhausted = "BudgetExhausted"
    case budgetSourceUnavailable = "BudgetSourceUnavailable"
    case promotionBlocked = "PromotionBlocked"

    /// The runbook link appended to non-happy messages (none for `Succeeded` and `Suspended`).
    public var runbookSuffix: String {
        switch self {
        case .succeeded, .suspended: ""
        default: " (runbook: https://stageset.projects.metio.wtf/runbooks/\(rawValue.lowercased())/)"
        }
    }
}
