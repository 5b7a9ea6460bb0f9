public import KubeModel

// Defaulting: every unconditional default is read from the type's `schemaDefaults` table;
// the few context-dependent ones (named below) are computed here. Namespace defaults (the
// StageSet's own namespace) and controller-flag defaults (`--default-interval`) are left to
// the controller, which knows them.

extension StageSet {
    /// This StageSet with every default applied; see ``StageSetSpec/defaulted()``.
    public func defaulted() -> StageSet {
        var copy = self
        copy.apiVersion = apiVersion ?? Self.apiVersion
        copy.kind = kind ?? Self.kind
        copy.spec = spec.defaulted()
        return copy
    }
}

extension StageSetSpec {
    /// Default verify timeout when no level of the timeout ladder sets one.
    public static let defaultTimeout = GoDuration.minutes(15)

    /// The spec with every default applied. Context-dependent defaults: `version.fromObject.stage`
    /// and `migrations[].stage` become the first stage's name; `errorBudget.resumeThreshold`
    /// becomes `freezeThreshold`; `sourceRef.apiVersion` becomes `source.toolkit.fluxcd.io/v1`
    /// for Flux source kinds only. Action `scope` stays unset (its effective default, Revision,
    /// applies only to pre/post actions).
    public func defaulted() -> StageSetSpec {
        var copy = self
        copy.timeout = timeout ?? Self.defaultTimeout
        copy.onTimeout = onTimeout ?? Self.schemaDefault("onTimeout")
        copy.suspend = suspend ?? Self.schemaDefault("suspend")
        copy.windowScope = windowScope ?? Self.schemaDefault("windowScope")
        copy.kubeConfig = kubeConfig?.defaulted()
        copy.errorBudget = errorBudget?.defaulted()
        copy.updateWindows = updateWindows?.map { $0.defaulted() }
        copy.onRollback = onRollback?.map { $0.defaulted() }
        copy.stages = stages.map { $0.defaulted() }
        let firstStage = stages.first?.name
        if var version {
            version = version.defaulted()
            if var fromObject = version.fromObject, fromObject.stage == nil || fromObject.stage == "" {
                fromObject.stage = firstStage
                version.fromObject = fromObject
            }
            copy.version = version
        }
        copy.migrations = migrations?.map { migration in
            var migration = migration.defaulted()
            if migration.stage == nil || migration.stage == "" { migration.stage = firstStage }
            return migration
        }
        if var source = migrationsSourceRef {
            source.sourceRef = source.sourceRef.defaulted()
            copy.migrationsSourceRef = source
        }
        return copy
    }
}

extension KubeConfigReference {
    func defaulted() -> KubeConfigReference {
        var copy = self
        if var secretRef, secretRef.key == nil || secretRef.key == "" {
            secretRef.key = Self.schemaDefault("secretRef.key")
            copy.secretRef = secretRef
        }
        return copy
    }
}

extension SourceReference {
    /// The reference with `kind` defaulted, and `apiVersion` defaulted for Flux source kinds
    /// (a producer kind keeps its required, authored apiVersion).
    public func defaulted() -> SourceReference {
        var copy = self
        if kind == nil || kind == "" { copy.kind = Self.schemaDefault("kind") }
        if (apiVersion == nil || apiVersion == "") && !copy.isProducer {
            copy.apiVersion = Self.fluxSourceAPIVersion
        }
        return copy
    }
}

extension Stage {
    func defaulted() -> Stage {
        var copy = self
        copy.sourceRef = sourceRef.defaulted()
        if path == nil || path == "" { copy.path = Self.schemaDefault("path") }
        copy.prune = prune ?? Self.schemaDefault("prune")
        copy.applyHelmHookResources = applyHelmHookResources ?? Self.schemaDefault("applyHelmHookResources")
        copy.conflictPolicy = conflictPolicy?.defaulted()
        if var actions {
            actions.pre = actions.pre?.map { $0.defaulted() }
            actions.post = actions.post?.map { $0.defaulted() }
            actions.onFailure = actions.onFailure?.map { $0.defaulted() }
            copy.actions = actions
        }
        copy.promotion = promotion?.defaulted()
        copy.errorBudget = errorBudget?.defaulted()
        return copy
    }
}

extension ConflictPolicy {
    func defaulted() -> ConflictPolicy {
        var copy = self
        copy.default = self.default ?? Self.schemaDefault("default")
        return copy
    }
}

extension Action {
    /// The action with its operation's defaults applied (`scope` is left as authored).
    public func defaulted() -> Action {
        var copy = self
        copy.operations = operations.map { ActionOperation(kind: $0.kind, spec: $0.spec.defaultedErased()) }
        return copy
    }
}

extension Promotion {
    func defaulted() -> Promotion {
        var copy = self
        copy.requireManualPromotion = requireManualPromotion ?? Self.schemaDefault("requireManualPromotion")
        copy.analysis = analysis?.defaulted()
        if var fastTrack {
            fastTrack.after = fastTrack.after ?? FastTrack.schemaDefault("after")
            copy.fastTrack = fastTrack
        }
        if var restartGate {
            restartGate.onFailure = restartGate.onFailure ?? RestartGate.schemaDefault("onFailure")
            restartGate.checks = restartGate.checks.map { check in
                var check = check
                check.maxRestarts = check.maxRestarts ?? RestartCheck.schemaDefault("maxRestarts")
                check.onFailure = check.onFailure ?? restartGate.onFailure
                return check
            }
            copy.restartGate = restartGate
        }
        if var eventGate {
            eventGate.onFailure = eventGate.onFailure ?? EventGate.schemaDefault("onFailure")
            eventGate.checks = eventGate.checks.map { check in
                var check = check
                check.maxEvents = check.maxEvents ?? EventCheck.schemaDefault("maxEvents")
                check.onFailure = check.onFailure ?? eventGate.onFailure
                return check
            }
            copy.eventGate = eventGate
        }
        return copy
    }
}

extension PromotionAnalysis {
    func defaulted() -> PromotionAnalysis {
        var copy = self
        copy.failureLimit = failureLimit ?? Self.schemaDefault("failureLimit")
        copy.onFailure = onFailure ?? Self.schemaDefault("onFailure")
        copy.onSourceError = onSourceError ?? Self.schemaDefault("onSourceError")
        copy.dryRun = dryRun ?? Self.schemaDefault("dryRun")
        return copy
    }
}

extension ErrorBudget {
    func defaulted() -> ErrorBudget {
        var copy = self
        if resumeThreshold == nil || resumeThreshold == "" { copy.resumeThreshold = freezeThreshold }
        copy.onSourceError = onSourceError ?? Self.schemaDefault("onSourceError")
        copy.dryRun = dryRun ?? Self.schemaDefault("dryRun")
        return copy
    }
}

extension UpdateWindow {
    func defaulted() -> UpdateWindow {
        var copy = self
        if timeZone == nil || timeZone == "" { copy.timeZone = Self.schemaDefault("timeZone") }
        return copy
    }
}

extension VersionSource {
    func defaulted() -> VersionSource {
        var copy = self
        copy.requireMigrationCoverage = requireMigrationCoverage ?? Self.schemaDefault("requireMigrationCoverage")
        copy.approvalMode = approvalMode ?? Self.schemaDefault("approvalMode")
        copy.allowDowngrade = allowDowngrade ?? Self.schemaDefault("allowDowngrade")
        return copy
    }
}

extension Migration {
    func defaulted() -> Migration {
        var copy = self
        copy.actions = actions?.map { $0.defaulted() }
        copy.down = down?.map { $0.defaulted() }
        return copy
    }
}
