import CEL
import Foundation
public import KubeModel
import Version

/// Admission validation of StageSets: the webhook rules (WHK-03..WHK-23) plus the CRD-level
/// rules (enums, ranges, patterns, MinItems) that a JSON schema would enforce, so one pass
/// reports every problem with its field path.
///
/// Deliberate decisions:
/// - Unknown fields are errors (`Unknown field`), as under the API server's strict field
///   validation; `metadata` may carry anything.
/// - `allowDataLoss: true` on a conflict rule whose action is not `Recreate` is rejected,
///   because it would silently do nothing.
/// - A stage's `migrationAnchor` may equal its own name; it may not equal another stage's
///   name or anchor.
/// - Decode errors (wrong JSON types, unknown enum spellings, bad durations) are collected
///   across the document; a failing required member drops its nearest optional ancestor (or,
///   with no such ancestor, ends decoding). Semantic rules run once decoding is clean.
public struct StageSetValidator: Sendable {
    /// The action operations that exist.
    public var registry: ActionOperationRegistry
    /// Returns why a CEL expression does not compile, or `nil` when it does.
    public var celCheck: @Sendable (String) -> String?

    /// A validator over `registry` that compiles CEL with the `CEL` module's parser.
    public init(registry: ActionOperationRegistry = .builtIn, celCheck: @escaping @Sendable (String) -> String? = Self.parseCEL) {
        self.registry = registry
        self.celCheck = celCheck
    }

    /// The default CEL check: the expression must parse.
    public static let parseCEL: @Sendable (String) -> String? = { source in
        do {
            _ = try CELExpression(parsing: source)
            return nil
        } catch let error as CELError {
            return "\(error.line):\(error.column): \(error.message)"
        } catch {
            return "\(error)"
        }
    }

    /// Whether an update from `old` to `new` needs validating (WHK-02): only when the spec
    /// changed in something other than `suspend`, so suspending or annotating an object that
    /// became invalid under newer rules is never refused.
    public static func needsValidation(old: StageSet, new: StageSet) -> Bool {
        var oldSpec = old.spec
        var newSpec = new.spec
        oldSpec.suspend = nil
        newSpec.suspend = nil
        return oldSpec != newSpec
    }

    /// Every error in `stageSet`, in document order.
    public func validate(_ stageSet: StageSet) -> [ValidationError] {
        var walker = ValidationWalker(validator: self, stageSet: stageSet)
        walker.validateObject()
        return walker.errors
    }

    /// Decodes `value` and validates the result.
    ///
    /// Reports unknown fields first, then decode errors (decoding continues past a bad optional
    /// member, so several are reported at once); semantic validation runs only when decoding
    /// produced no errors, so a member dropped for a decode error cannot cause follow-on noise.
    public func decodeAndValidate(_ value: JSONValue) -> Result<StageSet, ValidationErrors> {
        let decoder = JSONValueDecoder(registry: registry)
        let (decoded, decodeErrors, unknown) = decoder.decodeCollectingErrors(StageSet.self, from: value)
        var errors = unknown.map { ValidationError($0, "Unknown field") }
        errors += decodeErrors.map(ValidationError.init(decodingError:))
        if let decoded, decodeErrors.isEmpty {
            errors += validate(decoded)
            if errors.isEmpty { return .success(decoded) }
        }
        return .failure(ValidationErrors(errors))
    }
}

extension StageSet {
    /// Every validation error of this StageSet; see ``StageSetValidator``.
    public func validate(registry: ActionOperationRegistry = .builtIn) -> [ValidationError] {
        StageSetValidator(registry: registry).validate(self)
    }

    /// Decodes and validates `value`; see ``StageSetValidator/decodeAndValidate(_:)``.
    public static func decodeAndValidate(
        _ value: JSONValue, registry: ActionOperationRegistry = .builtIn
    ) -> Result<StageSet, ValidationErrors> {
        StageSetValidator(registry: registry).decodeAndValidate(value)
    }
}

// MARK: - Shared checks (also used by operation specs)

/// Limits of the admission rules.
enum Limits {
    static let maxMigrations = 200
    static let maxMigrationActions = 100
    static let actionRetries = 0...100
    static let migrationRetries = 0...10
    static let httpStatus = 100...599
    static let maxStageNameLength = 63
}

extension ValidationContext {
    /// Errors of a source reference at `path`.
    func check(_ ref: SourceReference, at path: FieldPath) -> [ValidationError] {
        var errors: [ValidationError] = []
        if ref.name.isEmpty { errors.append(.required(path.child("name"))) }
        if ref.isProducer && (ref.apiVersion ?? "").isEmpty {
            errors.append(.required(path.child("apiVersion"), "apiVersion is required for producer kind \"\(ref.effectiveKind)\""))
        }
        return errors
    }

    /// Errors of an artifact-relative directory at `path`.
    func check(artifactPath: String?, at path: FieldPath) -> [ValidationError] {
        guard let artifactPath, escapesRoot(artifactPath) else { return [] }
        return [.invalid(path, artifactPath, "must not escape the artifact root")]
    }

    /// Errors of an object reference with required kind and name.
    func check(_ ref: NamespacedObjectKindReference, at path: FieldPath) -> [ValidationError] {
        var errors: [ValidationError] = []
        if ref.kind.isEmpty { errors.append(.required(path.child("kind"))) }
        if ref.name.isEmpty { errors.append(.required(path.child("name"))) }
        return errors
    }

    /// Errors of a label selector that must select something and be valid (apimachinery's rules).
    func check(nonEmpty selector: LabelSelectorSpec, at path: FieldPath) -> [ValidationError] {
        if selector.isEmpty { return [.required(path, "selector must not be empty")] }
        do {
            _ = try selector.labelSelector.selector()
            return []
        } catch {
            return [ValidationError(path, error.description)]
        }
    }

    /// Errors of an absolute http(s) URL.
    func check(url: String, at path: FieldPath) -> [ValidationError] {
        if url.isEmpty { return [.required(path)] }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = parsed.host, !host.isEmpty
        else { return [.invalid(path, url, "must be an absolute http or https URL")] }
        return []
    }

    /// Errors of a CEL expression.
    func check(cel expression: String, at path: FieldPath) -> [ValidationError] {
        guard let problem = celCheck(expression) else { return [] }
        return [.invalid(path, expression, "does not compile: \(problem)")]
    }

    /// Errors of a positive duration.
    func check(positive duration: GoDuration?, at path: FieldPath) -> [ValidationError] {
        guard let duration, duration.nanoseconds <= 0 else { return [] }
        return [.invalid(path, duration.description, "must be greater than zero")]
    }

    private func escapesRoot(_ path: String) -> Bool {
        var depth = 0
        for component in path.split(separator: "/") {
            switch component {
            case ".": continue
            case "..":
                depth -= 1
                if depth < 0 { return true }
            default: depth += 1
            }
        }
        return false
    }
}

/// A decimal string as the thresholds use: `[+-]digits[.digits][e[+-]digits]`.
func isDecimalString(_ text: String) -> Bool {
    var chars = Substring(text)
    if chars.first == "+" || chars.first == "-" { chars = chars.dropFirst() }
    var mantissa = chars
    var exponent: Substring?
    if let e = chars.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        mantissa = chars[..<e]
        exponent = chars[chars.index(after: e)...]
    }
    let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    let digitsOK = parts.allSatisfy { $0.allSatisfy(\.isASCIIDigit) } && parts.contains { !$0.isEmpty }
    guard digitsOK, !mantissa.isEmpty else { return false }
    if var exponent {
        if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
        guard !exponent.isEmpty, exponent.allSatisfy(\.isASCIIDigit) else { return false }
    }
    return true
}

// MARK: - Operation specs

extension PatchAction {
    public func validate(at path: FieldPath, context: ValidationContext) -> [ValidationError] {
        var errors: [ValidationError] = []
        let targetPath = path.child("target")
        if target.kind.isEmpty { errors.append(.required(targetPath.child("kind"))) }
        let hasName = !(target.name ?? "").isEmpty
        if hasName == (target.selector != nil) {
            errors.append(ValidationError(targetPath, "exactly one of name, selector must be set"))
        }
        if let selector = target.selector {
            errors += context.check(nonEmpty: selector, at: targetPath.child("selector"))
        }
        if patch.isEmpty { errors.append(.required(path.child("patch"))) }
        return errors
    }
}

extension HTTPAction {
    public func validate(at path: FieldPath, context: ValidationContext) -> [ValidationError] {
        var errors = context.check(url: url, at: path.child("url"))
        if let bodyFrom { errors += checkSecretKey(bodyFrom, at: path.child("bodyFrom")) }
        for (index, header) in (headersFrom ?? []).enumerated() {
            errors += checkSecretKey(header, at: path.child("headersFrom").index(index))
        }
        for (index, status) in (expectedStatus ?? []).enumerated() where !Limits.httpStatus.contains(status) {
            errors.append(.invalid(path.child("expectedStatus").index(index), status, "must be between 100 and 599, inclusive"))
        }
        return errors
    }

    private func checkSecretKey(_ ref: SecretKeyReference, at path: FieldPath) -> [ValidationError] {
        var errors: [ValidationError] = []
        if ref.name.isEmpty { errors.append(.required(path.child("name"))) }
        if (ref.key ?? "").isEmpty { errors.append(.required(path.child("key"))) }
        return errors
    }
}

extension WaitAction {
    public func validate(at path: FieldPath, context: ValidationContext) -> [ValidationError] {
        var errors: [ValidationError] = []
        let hasExpr = !(expr ?? "").isEmpty
        if (duration != nil) == hasExpr {
            errors.append(ValidationError(path, "exactly one of duration, expr must be set"))
        }
        errors += context.check(positive: duration, at: path.child("duration"))
        if hasExpr, target == nil {
            errors.append(.required(path.child("target"), "expr needs a target"))
        }
        if !hasExpr, target != nil {
            errors.append(.required(path.child("expr"), "target needs an expr"))
        }
        if let target { errors += context.check(target, at: path.child("target")) }
        if let expr, hasExpr { errors += context.check(cel: expr, at: path.child("expr")) }
        errors += context.check(positive: timeout, at: path.child("timeout"))
        return errors
    }
}

extension JobAction {
    public func validate(at path: FieldPath, context: ValidationContext) -> [ValidationError] {
        context.check(sourceRef, at: path.child("sourceRef")) + context.check(artifactPath: self.path, at: path.child("path"))
    }
}

extension ApplyAction {
    public func validate(at path: FieldPath, context: ValidationContext) -> [ValidationError] {
        context.check(sourceRef, at: path.child("sourceRef")) + context.check(artifactPath: self.path, at: path.child("path"))
    }
}

extension DeleteAction {
    public func validate(at path: FieldPath, context: ValidationContext) -> [ValidationError] {
        context.check(target, at: path.child("target"))
    }
}

// MARK: - Walker

private struct ValidationWalker {
    let validator: StageSetValidator
    let stageSet: StageSet
    let context: ValidationContext
    var errors: [ValidationError] = []

    init(validator: StageSetValidator, stageSet: StageSet) {
        self.validator = validator
        self.stageSet = stageSet
        self.context = ValidationContext(celCheck: validator.celCheck, hasVersion: stageSet.spec.version != nil)
    }

    private var spec: StageSetSpec { stageSet.spec }

    mutating func validateObject() {
        if let apiVersion = stageSet.apiVersion, apiVersion != StageSet.apiVersion {
            errors.append(ValidationError(FieldPath("apiVersion"), "Unsupported value: \"\(apiVersion)\": supported values: \"\(StageSet.apiVersion)\""))
        }
        if let kind = stageSet.kind, kind != StageSet.kind {
            errors.append(ValidationError(FieldPath("kind"), "Unsupported value: \"\(kind)\": supported values: \"\(StageSet.kind)\""))
        }
        validateSpec(at: FieldPath("spec"))
    }

    // MARK: Spec

    mutating func validateSpec(at path: FieldPath) {
        for (index, dependency) in (spec.dependsOn ?? []).enumerated() {
            let at = path.child("dependsOn").index(index)
            if dependency.name.isEmpty { errors.append(.required(at.child("name"))) }
            if let minVersion = dependency.minVersion, !minVersion.isEmpty, Version(semver: minVersion) == nil {
                errors.append(.invalid(at.child("minVersion"), minVersion, "must be a semantic version"))
            }
        }
        if let kubeConfig = spec.kubeConfig { validateKubeConfig(kubeConfig, at: path.child("kubeConfig")) }
        if let decryption = spec.decryption, let secretRef = decryption.secretRef, secretRef.name.isEmpty {
            errors.append(.required(path.child("decryption").child("secretRef").child("name")))
        }
        if let version = spec.version { validateVersion(version, at: path.child("version")) }
        validateMigrations(at: path)
        validateActionList(spec.onRollback, at: path.child("onRollback"), placement: .onRollback)
        if let onRollback = spec.onRollback { checkUniqueNames(onRollback, at: path.child("onRollback")) }
        for (index, window) in (spec.updateWindows ?? []).enumerated() {
            validateWindow(window, at: path.child("updateWindows").index(index))
        }
        if let budget = spec.errorBudget { validateErrorBudget(budget, at: path.child("errorBudget")) }
        validateStages(at: path.child("stages"))
    }

    mutating func validateKubeConfig(_ kubeConfig: KubeConfigReference, at path: FieldPath) {
        if (kubeConfig.secretRef != nil) == (kubeConfig.configMapRef != nil) {
            errors.append(ValidationError(path, "exactly one of secretRef, configMapRef must be set"))
        }
        if let secretRef = kubeConfig.secretRef, secretRef.name.isEmpty {
            errors.append(.required(path.child("secretRef").child("name")))
        }
        if let configMapRef = kubeConfig.configMapRef, configMapRef.name.isEmpty {
            errors.append(.required(path.child("configMapRef").child("name")))
        }
    }

    mutating func validateVersion(_ version: VersionSource, at path: FieldPath) {
        let sources = [version.value.map { _ in "value" }, version.fromObject.map { _ in "fromObject" },
                       version.fromArtifact.map { _ in "fromArtifact" }].compactMap { $0 }
        if sources.count != 1 {
            errors.append(ValidationError(path, "exactly one of value, fromObject, fromArtifact must be set"))
        }
        if let value = version.value, Version(semver: value) == nil {
            errors.append(.invalid(path.child("value"), value, "must be a semantic version"))
        }
        let stageNames = Set(spec.stages.map(\.name))
        if let fromObject = version.fromObject {
            let at = path.child("fromObject")
            if fromObject.kind.isEmpty { errors.append(.required(at.child("kind"))) }
            if fromObject.name.isEmpty { errors.append(.required(at.child("name"))) }
            if let stage = fromObject.stage, !stage.isEmpty, !stageNames.contains(stage) {
                errors.append(.invalid(at.child("stage"), stage, "must name a stage of spec.stages"))
            }
        }
        if let fromArtifact = version.fromArtifact {
            let at = path.child("fromArtifact")
            if fromArtifact.stage.isEmpty {
                errors.append(.required(at.child("stage")))
            } else if !stageNames.contains(fromArtifact.stage) {
                errors.append(.invalid(at.child("stage"), fromArtifact.stage, "must name a stage of spec.stages"))
            }
            if fromArtifact.path.isEmpty { errors.append(.required(at.child("path"))) }
        }
    }

    mutating func validateMigrations(at path: FieldPath) {
        if spec.migrations != nil, spec.migrationsSourceRef != nil {
            errors.append(.forbidden(path.child("migrationsSourceRef"), "migrations and migrationsSourceRef are mutually exclusive"))
        }
        if spec.version == nil {
            if spec.migrations != nil {
                errors.append(.forbidden(path.child("migrations"), "requires spec.version"))
            }
            if spec.migrationsSourceRef != nil {
                errors.append(.forbidden(path.child("migrationsSourceRef"), "requires spec.version"))
            }
        }
        if let source = spec.migrationsSourceRef {
            let at = path.child("migrationsSourceRef")
            errors += context.check(source.sourceRef, at: at.child("sourceRef"))
            if let namespace = source.sourceRef.namespace, !namespace.isEmpty, namespace != stageSet.metadata.namespace {
                errors.append(.forbidden(at.child("sourceRef").child("namespace"), "must be the StageSet's namespace"))
            }
            errors += context.check(artifactPath: source.path, at: at.child("path"))
        }
        guard let migrations = spec.migrations else { return }
        let listPath = path.child("migrations")
        if migrations.count > Limits.maxMigrations {
            errors.append(ValidationError(listPath, "Too many: \(migrations.count): must have at most \(Limits.maxMigrations) items"))
        }
        let anchors = Set(spec.stages.map(\.name) + spec.stages.compactMap(\.migrationAnchor))
        var names = Set<String>()
        for (index, migration) in migrations.enumerated() {
            let at = listPath.index(index)
            if migration.name.isEmpty {
                errors.append(.required(at.child("name")))
            } else if !names.insert(migration.name).inserted {
                errors.append(.duplicate(at.child("name"), migration.name))
            }
            if migration.to.isEmpty {
                errors.append(.required(at.child("to")))
            } else if Version(semver: migration.to) == nil {
                errors.append(.invalid(at.child("to"), migration.to, "must be a semantic version"))
            }
            if let from = migration.from, !from.isEmpty {
                if SemverConstraint.isBareVersion(from) {
                    errors.append(.invalid(at.child("from"), from, "must be a version constraint, not a bare version (write \"=\(from.trimmingSpaces)\" or a range)"))
                } else {
                    do {
                        _ = try SemverConstraint(parsing: from)
                    } catch {
                        errors.append(.invalid(at.child("from"), from, "must be a version constraint: \(error.description)"))
                    }
                }
            }
            if let stage = migration.stage, !stage.isEmpty, !anchors.contains(stage) {
                errors.append(.invalid(at.child("stage"), stage, "must name a stage or migrationAnchor of spec.stages"))
            }
            for (field, list) in [("actions", migration.actions), ("down", migration.down)] {
                guard let list else { continue }
                let listAt = at.child(field)
                if list.count > Limits.maxMigrationActions {
                    errors.append(ValidationError(listAt, "Too many: \(list.count): must have at most \(Limits.maxMigrationActions) items"))
                }
                validateActionList(list, at: listAt, placement: .migration)
                checkUniqueNames(list, at: listAt)
            }
        }
    }

    mutating func validateWindow(_ window: UpdateWindow, at path: FieldPath) {
        let recurring = !(window.schedule ?? "").isEmpty || window.duration != nil
        let absolute = window.from != nil || window.to != nil
        if recurring && absolute {
            errors.append(ValidationError(path, "a window is either recurring (schedule, duration) or absolute (from, to), not both"))
        } else if !recurring && !absolute {
            errors.append(ValidationError(path, "exactly one of schedule with duration, from with to must be set"))
        }
        if recurring {
            if let schedule = window.schedule, !schedule.isEmpty {
                do {
                    _ = try CronSchedule(parsing: schedule)
                } catch {
                    errors.append(.invalid(path.child("schedule"), schedule, "must be a 5-field cron expression: \(error.description)"))
                }
            } else {
                errors.append(.required(path.child("schedule"), "a recurring window needs a schedule"))
            }
            if let duration = window.duration {
                errors += context.check(positive: duration, at: path.child("duration"))
            } else {
                errors.append(.required(path.child("duration"), "a recurring window needs a duration"))
            }
        }
        if absolute {
            if window.from == nil { errors.append(.required(path.child("from"), "an absolute window needs from")) }
            if window.to == nil { errors.append(.required(path.child("to"), "an absolute window needs to")) }
            if let from = window.from, let to = window.to, to <= from {
                errors.append(.invalid(path.child("to"), to.description, "must be after from"))
            }
        }
        if let timeZone = window.timeZone, !timeZone.isEmpty, TimeZone(identifier: timeZone) == nil {
            errors.append(.invalid(path.child("timeZone"), timeZone, "must be an IANA time zone name"))
        }
    }

    mutating func validateErrorBudget(_ budget: ErrorBudget, at path: FieldPath) {
        validateMetricSource(budget.source, at: path.child("source"))
        let freeze = decimal(budget.freezeThreshold, at: path.child("freezeThreshold"))
        if let resumeText = budget.resumeThreshold, !resumeText.isEmpty,
            let resume = decimal(resumeText, at: path.child("resumeThreshold")), let freeze, resume < freeze
        {
            errors.append(.invalid(path.child("resumeThreshold"), resumeText, "must be greater than or equal to freezeThreshold"))
        }
        errors += context.check(positive: budget.interval, at: path.child("interval"))
    }

    mutating func validateMetricSource(_ source: MetricSource, at path: FieldPath) {
        if (source.prometheus != nil) == (source.webhook != nil) {
            errors.append(ValidationError(path, "exactly one of prometheus, webhook must be set"))
        }
        if let prometheus = source.prometheus {
            let at = path.child("prometheus")
            errors += context.check(url: prometheus.address, at: at.child("address"))
            if prometheus.query.isEmpty { errors.append(.required(at.child("query"))) }
            if let secretRef = prometheus.secretRef, secretRef.name.isEmpty {
                errors.append(.required(at.child("secretRef").child("name")))
            }
        }
        if let webhook = source.webhook {
            let at = path.child("webhook")
            errors += context.check(url: webhook.url, at: at.child("url"))
            if webhook.jsonPath.isEmpty { errors.append(.required(at.child("jsonPath"))) }
            if let secretRef = webhook.secretRef, secretRef.name.isEmpty {
                errors.append(.required(at.child("secretRef").child("name")))
            }
        }
    }

    /// The value of a decimal string, recording an error when it is not one.
    mutating func decimal(_ text: String, at path: FieldPath) -> Double? {
        if text.isEmpty {
            errors.append(.required(path))
            return nil
        }
        guard isDecimalString(text), let value = Double(text), value.isFinite else {
            errors.append(.invalid(path, text, "must be a decimal number"))
            return nil
        }
        return value
    }

    // MARK: Stages

    mutating func validateStages(at path: FieldPath) {
        if spec.stages.isEmpty {
            errors.append(.required(path, "must have at least 1 item"))
        }
        var names: [String: Int] = [:]
        var anchorKeys: [String: Int] = [:]
        for (index, stage) in spec.stages.enumerated() {
            let at = path.index(index)
            if stage.name.isEmpty {
                errors.append(.required(at.child("name")))
            } else {
                if stage.name.count > Limits.maxStageNameLength {
                    errors.append(.invalid(at.child("name"), stage.name, "must be no more than 63 characters"))
                }
                if !isDNSLabel(stage.name) {
                    errors.append(.invalid(at.child("name"), stage.name, "must match ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"))
                }
                // Names and migrationAnchors form one key set (WHK-03, WHK-10).
                if names[stage.name] != nil || anchorKeys[stage.name] != nil {
                    errors.append(.duplicate(at.child("name"), stage.name))
                } else {
                    names[stage.name] = index
                    anchorKeys[stage.name] = index
                }
            }
            if let anchor = stage.migrationAnchor, !anchor.isEmpty {
                if let owner = anchorKeys[anchor], owner != index {
                    errors.append(.duplicate(at.child("migrationAnchor"), anchor))
                } else {
                    anchorKeys[anchor] = index
                }
            }
            validateStage(stage, at: at)
        }
    }

    mutating func validateStage(_ stage: Stage, at path: FieldPath) {
        errors += context.check(stage.sourceRef, at: path.child("sourceRef"))
        errors += context.check(artifactPath: stage.path, at: path.child("path"))
        for (index, rule) in (stage.conflictPolicy?.rules ?? []).enumerated()
        where rule.allowDataLoss == true && rule.action != .recreate {
            errors.append(.forbidden(path.child("conflictPolicy").child("rules").index(index).child("allowDataLoss"),
                                     "only valid with action Recreate"))
        }
        for (index, patch) in (stage.patches ?? []).enumerated() where patch.patch.isEmpty {
            errors.append(.required(path.child("patches").index(index).child("patch")))
        }
        for (index, reference) in (stage.postBuild?.substituteFrom ?? []).enumerated() where reference.name.isEmpty {
            errors.append(.required(path.child("postBuild").child("substituteFrom").index(index).child("name")))
        }
        if let actions = stage.actions {
            let actionsPath = path.child("actions")
            validateActionList(actions.pre, at: actionsPath.child("pre"), placement: .stage)
            validateActionList(actions.post, at: actionsPath.child("post"), placement: .stage)
            validateActionList(actions.onFailure, at: actionsPath.child("onFailure"), placement: .onFailure)
            // One ledger per stage: names unique across pre, post and onFailure.
            var seen = Set<String>()
            for (field, list) in [("pre", actions.pre), ("post", actions.post), ("onFailure", actions.onFailure)] {
                for (index, action) in (list ?? []).enumerated() where !action.name.isEmpty {
                    if !seen.insert(action.name).inserted {
                        errors.append(.duplicate(actionsPath.child(field).index(index).child("name"), action.name))
                    }
                }
            }
        }
        if let readyChecks = stage.readyChecks { validateReadyChecks(readyChecks, at: path.child("readyChecks")) }
        if let promotion = stage.promotion { validatePromotion(promotion, at: path.child("promotion")) }
        if let budget = stage.errorBudget { validateErrorBudget(budget, at: path.child("errorBudget")) }
    }

    mutating func validateReadyChecks(_ readyChecks: ReadyChecks, at path: FieldPath) {
        for (index, check) in (readyChecks.checks ?? []).enumerated() {
            errors += context.check(check, at: path.child("checks").index(index))
        }
        for (index, expr) in (readyChecks.exprs ?? []).enumerated() {
            let at = path.child("exprs").index(index)
            if expr.apiVersion.isEmpty { errors.append(.required(at.child("apiVersion"))) }
            if expr.kind.isEmpty { errors.append(.required(at.child("kind"))) }
            for (field, source) in [("current", expr.current), ("inProgress", expr.inProgress), ("failed", expr.failed)] {
                if let source, !source.isEmpty { errors += context.check(cel: source, at: at.child(field)) }
            }
        }
    }

    mutating func validatePromotion(_ promotion: Promotion, at path: FieldPath) {
        if let analysis = promotion.analysis {
            let at = path.child("analysis")
            if analysis.checks.isEmpty { errors.append(.required(at.child("checks"), "must have at least 1 item")) }
            var names = Set<String>()
            for (index, check) in analysis.checks.enumerated() {
                let checkPath = at.child("checks").index(index)
                checkName(check.name, at: checkPath.child("name"), seen: &names)
                validateMetricSource(check.source, at: checkPath.child("source"))
                let thresholdPath = checkPath.child("threshold")
                if check.threshold.min == nil && check.threshold.max == nil {
                    errors.append(ValidationError(thresholdPath, "at least one of min, max must be set"))
                }
                let min = check.threshold.min.flatMap { decimal($0, at: thresholdPath.child("min")) }
                let max = check.threshold.max.flatMap { decimal($0, at: thresholdPath.child("max")) }
                if let min, let max, min > max, let text = check.threshold.max {
                    errors.append(.invalid(thresholdPath.child("max"), text, "must be greater than or equal to min"))
                }
            }
            errors += context.check(positive: analysis.interval, at: at.child("interval"))
            if let limit = analysis.failureLimit, limit < 0 {
                errors.append(.invalid(at.child("failureLimit"), limit, "must be greater than or equal to 0"))
            }
        }
        if let fastTrack = promotion.fastTrack {
            let at = path.child("fastTrack")
            if (promotion.soak?.nanoseconds ?? 0) <= 0 {
                errors.append(.forbidden(at, "requires promotion.soak greater than zero"))
            }
            validateMetricSource(fastTrack.source, at: at.child("source"))
            _ = decimal(fastTrack.max, at: at.child("max"))
            if let after = fastTrack.after, after.nanoseconds < 0 {
                errors.append(.invalid(at.child("after"), after.description, "must not be negative"))
            }
        }
        if let gate = promotion.restartGate {
            let at = path.child("restartGate")
            if gate.checks.isEmpty { errors.append(.required(at.child("checks"), "must have at least 1 item")) }
            var names = Set<String>()
            for (index, check) in gate.checks.enumerated() {
                let checkPath = at.child("checks").index(index)
                checkName(check.name, at: checkPath.child("name"), seen: &names)
                errors += context.check(nonEmpty: check.selector, at: checkPath.child("selector"))
                if let max = check.maxRestarts, max < 0 {
                    errors.append(.invalid(checkPath.child("maxRestarts"), max, "must be greater than or equal to 0"))
                }
            }
        }
        if let gate = promotion.eventGate {
            let at = path.child("eventGate")
            if gate.checks.isEmpty { errors.append(.required(at.child("checks"), "must have at least 1 item")) }
            var names = Set<String>()
            for (index, check) in gate.checks.enumerated() {
                let checkPath = at.child("checks").index(index)
                checkName(check.name, at: checkPath.child("name"), seen: &names)
                errors += context.check(nonEmpty: check.selector, at: checkPath.child("selector"))
                if check.reasons.isEmpty {
                    errors.append(.required(checkPath.child("reasons"), "must have at least 1 item"))
                }
                for (reasonIndex, reason) in check.reasons.enumerated() where reason.isEmpty {
                    errors.append(.required(checkPath.child("reasons").index(reasonIndex)))
                }
                if let max = check.maxEvents, max < 0 {
                    errors.append(.invalid(checkPath.child("maxEvents"), max, "must be greater than or equal to 0"))
                }
            }
        }
    }

    mutating func checkName(_ name: String, at path: FieldPath, seen: inout Set<String>) {
        if name.isEmpty {
            errors.append(.required(path))
        } else if !seen.insert(name).inserted {
            errors.append(.duplicate(path, name))
        }
    }

    // MARK: Actions

    enum Placement {
        case stage, onFailure, onRollback, migration

        var retries: ClosedRange<Int> { self == .migration ? Limits.migrationRetries : Limits.actionRetries }
    }

    mutating func checkUniqueNames(_ actions: [Action], at path: FieldPath) {
        var seen = Set<String>()
        for (index, action) in actions.enumerated() where !action.name.isEmpty {
            if !seen.insert(action.name).inserted {
                errors.append(.duplicate(path.index(index).child("name"), action.name))
            }
        }
    }

    mutating func validateActionList(_ actions: [Action]?, at path: FieldPath, placement: Placement) {
        for (index, action) in (actions ?? []).enumerated() {
            validateAction(action, at: path.index(index), placement: placement)
        }
    }

    mutating func validateAction(_ action: Action, at path: FieldPath, placement: Placement) {
        if action.name.isEmpty { errors.append(.required(path.child("name"))) }
        if action.operations.count != 1 {
            let kinds = validator.registry.kinds.map(\.name).joined(separator: ", ")
            errors.append(ValidationError(path, "exactly one of \(kinds) must be set"))
        }
        if let retries = action.retries, !placement.retries.contains(retries) {
            errors.append(.invalid(path.child("retries"), retries,
                                   "must be between \(placement.retries.lowerBound) and \(placement.retries.upperBound), inclusive"))
        }
        errors += context.check(positive: action.timeout, at: path.child("timeout"))
        if let scope = action.scope {
            switch placement {
            case .stage:
                if scope == .version && !context.hasVersion {
                    errors.append(.forbidden(path.child("scope"), "scope Version requires spec.version"))
                }
            case .onFailure, .onRollback, .migration:
                errors.append(.forbidden(path.child("scope"), "scope is only valid on a stage's pre and post actions"))
            }
        }
        if let anchor = action.completionAnchor {
            let at = path.child("completionAnchor")
            switch placement {
            case .onRollback, .migration:
                errors.append(.forbidden(at, "completionAnchor is not valid on onRollback or migration actions"))
            case .stage, .onFailure:
                if action.scope != .lifetime {
                    errors.append(.forbidden(at, "completionAnchor is only valid with scope Lifetime"))
                }
            }
            if anchor.apiVersion.isEmpty { errors.append(.required(at.child("apiVersion"))) }
            if anchor.kind.isEmpty { errors.append(.required(at.child("kind"))) }
            if anchor.name.isEmpty { errors.append(.required(at.child("name"))) }
        }
        for operation in action.operations {
            errors += operation.spec.validate(at: path.child(operation.kind.name), context: context)
        }
    }
}

/// True for an RFC 1123 DNS label body (length is checked separately).
private func isDNSLabel(_ name: String) -> Bool {
    let scalars = Array(name.unicodeScalars)
    guard let first = scalars.first, let last = scalars.last else { return false }
    func alphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
    return alphanumeric(first) && alphanumeric(last) && scalars.allSatisfy { alphanumeric($0) || $0 == "-" }
}
