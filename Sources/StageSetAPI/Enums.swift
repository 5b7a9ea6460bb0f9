/// What a failure (or a verify timeout) leads to: `Hold` parks the rollout, `Rollback` reverts.
public enum FailurePolicy: String, WireEnum {
    case hold = "Hold"
    case rollback = "Rollback"
}

/// What happens when a metric source cannot be read: `Allow` proceeds, `Hold` blocks.
public enum SourceErrorPolicy: String, WireEnum {
    case allow = "Allow"
    case hold = "Hold"
}

/// What a closed update window blocks.
public enum WindowScope: String, WireEnum {
    /// Hold only new revisions; keep correcting drift.
    case updates = "Updates"
    /// Hard freeze: no applies at all.
    case all = "All"
}

/// Whether an update window permits or forbids rollouts.
public enum UpdateWindowType: String, WireEnum {
    case allow = "Allow"
    case deny = "Deny"
}

/// Which version transitions wait for the `stages.metio.wtf/approved-version` annotation.
public enum ApprovalMode: String, WireEnum {
    case never = "Never"
    case onMigrations = "OnMigrations"
    case always = "Always"
}

/// The answer to an immutable-field conflict.
public enum ConflictAction: String, WireEnum {
    case fail = "Fail"
    case recreate = "Recreate"
    case keepExisting = "KeepExisting"
}

/// The kind of object `postBuild.substituteFrom` reads.
public enum SubstituteKind: String, WireEnum {
    case configMap = "ConfigMap"
    case secret = "Secret"
}

/// Which ledger gates a pre/post action: how often it runs.
public enum ActionScope: String, WireEnum {
    /// Once per pinned artifact revision (the effective default).
    case revision = "Revision"
    /// Once per resolved `spec.version` episode.
    case version = "Version"
    /// At most once in the StageSet's lifetime, recorded in a StageLedger.
    case lifetime = "Lifetime"
}

/// The patch format of a `patch` action.
public enum PatchType: String, WireEnum {
    /// Strategic-merge patch.
    case merge
    /// RFC 6902 JSON patch.
    case json6902
}

/// The HTTP method of an `http` action.
public enum HTTPMethod: String, WireEnum {
    case get = "GET"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"
    case head = "HEAD"
}

/// What happens to a deleted object's dependents (kubectl `--cascade`).
public enum DeletionCascade: String, WireEnum {
    case background = "Background"
    case foreground = "Foreground"
    case orphan = "Orphan"
}

/// The decryption backend of `spec.decryption`.
public enum DecryptionProvider: String, WireEnum {
    case sops
}

/// The lifecycle phase of a stage in status.
public enum StagePhase: String, WireEnum {
    case pending = "Pending"
    case applying = "Applying"
    case pruning = "Pruning"
    case verifying = "Verifying"
    case ready = "Ready"
    case failed = "Failed"
}

/// Where a stage stands against its promotion gate.
public enum PromotionPhase: String, WireEnum {
    case soaking = "Soaking"
    case analyzing = "Analyzing"
    case blocked = "Blocked"
    case awaitingManual = "AwaitingManual"
    case promoted = "Promoted"
}

/// Whether a ledger completion was executed by the controller or asserted by a baseline.
public enum LedgerOrigin: String, WireEnum {
    case executed = "Executed"
    case baselined = "Baselined"
}
