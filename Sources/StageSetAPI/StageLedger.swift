public import KubeModel

/// The durable once-per-lifetime action ledger of the same-named StageSet
/// (`stages.metio.wtf/v1`, kind `StageLedger`, short name `sledger`).
public struct StageLedger: Codable, Sendable, Hashable {
    /// The API group/version of the kind.
    public static let apiVersion = "stages.metio.wtf/v1"
    /// The kind.
    public static let kind = "StageLedger"
    /// The condition type reporting whether every baseline entry resolves.
    public static let baselineValidCondition = "BaselineValid"

    /// API version of the object.
    public var apiVersion: String?
    /// Kind of the object.
    public var kind: String?
    /// Standard object metadata.
    public var metadata: ObjectMeta
    /// Operator assertions.
    public var spec: StageLedgerSpec?
    /// Controller-owned completions.
    public var status: StageLedgerStatus?

    public init(metadata: ObjectMeta, spec: StageLedgerSpec? = nil, status: StageLedgerStatus? = nil) {
        self.apiVersion = Self.apiVersion
        self.kind = Self.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// True when (stage, action) is recorded complete.
    public func isCompleted(stage: String, action: String) -> Bool {
        status?.completedActions?.contains { $0.stage == stage && $0.action == action } ?? false
    }
}

/// Operator assertions of a StageLedger.
public struct StageLedgerSpec: Codable, Sendable, Hashable {
    /// Actions to treat as completed without running them (additive only).
    public var baseline: [LedgerRef]?

    public init(baseline: [LedgerRef]? = nil) {
        self.baseline = baseline
    }
}

/// One stage's action.
public struct LedgerRef: Codable, Sendable, Hashable {
    /// The stage the action belongs to.
    public var stage: String
    /// The action's name within that stage.
    public var action: String

    public init(stage: String, action: String) {
        self.stage = stage
        self.action = action
    }
}

/// Controller-owned record of Lifetime action completions.
public struct StageLedgerStatus: Codable, Sendable, Hashable {
    /// Every completed (or baselined) Lifetime action.
    public var completedActions: [LedgerCompletion]?
    /// The ledger's conditions (`BaselineValid`).
    public var conditions: [Condition]?

    public init(completedActions: [LedgerCompletion]? = nil, conditions: [Condition]? = nil) {
        self.completedActions = completedActions
        self.conditions = conditions
    }
}

/// One Lifetime action's completion; identity is (stage, action).
public struct LedgerCompletion: Codable, Sendable, Hashable {
    /// The stage the action belongs to.
    public var stage: String
    /// The action name.
    public var action: String
    /// Executed (the controller ran it) or Baselined (asserted).
    public var origin: LedgerOrigin
    /// The action's resolved content at completion, for audit only.
    public var digest: String?
    /// The completion anchor's identity at completion.
    public var anchor: AnchorWitness?
    /// When the completion was recorded.
    public var completedAt: Timestamp

    public init(stage: String, action: String, origin: LedgerOrigin, completedAt: Timestamp) {
        self.stage = stage
        self.action = action
        self.origin = origin
        self.completedAt = completedAt
    }
}

/// Identity of a completion anchor object at completion time.
public struct AnchorWitness: Codable, Sendable, Hashable {
    /// API version of the witness.
    public var apiVersion: String
    /// Kind of the witness.
    public var kind: String
    /// Name of the witness.
    public var name: String
    /// UID at completion; a different UID invalidates the completion.
    public var uid: String

    public init(apiVersion: String, kind: String, name: String, uid: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
    }
}
