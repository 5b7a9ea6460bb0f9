/// The status of one Kubernetes object as kstatus (`sigs.k8s.io/cli-utils/pkg/kstatus`) names it.
public enum KStatus: String, Sendable, Codable, CaseIterable {
    /// Fully reconciled / ready.
    case current = "Current"
    /// Still being reconciled, or the latest generation is not observed yet.
    case inProgress = "InProgress"
    /// Reconciliation is stuck and will probably need intervention.
    case failed = "Failed"
    /// `metadata.deletionTimestamp` is set.
    case terminating = "Terminating"
    /// The object does not exist (only the status poller reports this).
    case notFound = "NotFound"
    /// The status could not be determined (only the status poller reports this).
    case unknown = "Unknown"
}

/// One of the two standard conditions kstatus derives for an object:
/// `Reconciling=True` for ``KStatus/inProgress``, `Stalled=True` for ``KStatus/failed``.
public struct HealthCondition: Sendable, Hashable, Codable {
    /// The standard condition types.
    public enum ConditionType: String, Sendable, Hashable, Codable {
        case reconciling = "Reconciling"
        case stalled = "Stalled"
    }

    public var type: ConditionType
    /// Always `"True"` for the conditions `Compute` produces.
    public var status: String
    public var reason: String
    public var message: String

    public init(type: ConditionType, status: String = "True", reason: String, message: String) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
    }
}

/// What kstatus computes for one object: a status, a human message and the standard conditions.
public struct HealthResult: Sendable, Hashable, Codable {
    public var status: KStatus
    public var message: String
    /// One `Reconciling` condition for InProgress, one `Stalled` condition for Failed, empty otherwise.
    public var conditions: [HealthCondition]

    public init(status: KStatus, message: String, conditions: [HealthCondition] = []) {
        self.status = status
        self.message = message
        self.conditions = conditions
    }

    /// What the status poller reports when the object does not exist (GET answered 404).
    public static func notFound() -> HealthResult {
        HealthResult(status: .notFound, message: "Resource not found")
    }

    /// What the status poller reports when the status cannot be determined:
    /// reading the object failed, or `Compute` returned an error. The message is the error's text.
    public static func unknown(_ message: String) -> HealthResult {
        HealthResult(status: .unknown, message: message)
    }

    static func current(_ message: String) -> HealthResult {
        HealthResult(status: .current, message: message)
    }

    static func inProgress(_ reason: String, _ message: String) -> HealthResult {
        HealthResult(
            status: .inProgress, message: message,
            conditions: [HealthCondition(type: .reconciling, reason: reason, message: message)])
    }

    static func failed(_ reason: String, _ message: String) -> HealthResult {
        HealthResult(
            status: .failed, message: message,
            conditions: [HealthCondition(type: .stalled, reason: reason, message: message)])
    }
}

/// Why kstatus could not compute a status; the poller turns it into ``KStatus/unknown``.
public struct KStatusError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The error text, worded as kstatus words it where the Go library has a fixed wording.
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
