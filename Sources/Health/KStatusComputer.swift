#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import KubeModel

/// kstatus' status computation (`status.Compute` of `sigs.k8s.io/cli-utils/pkg/kstatus`):
/// generic rules for every kind, built-in rules for the core workload kinds, the `Ready`
/// condition for any other kind.
public enum KStatusComputer {
    /// The status of `object` as the kstatus status poller reports it for an object it could read:
    /// the result of ``evaluate(_:now:)``, or ``KStatus/unknown`` with the error text when that fails.
    ///
    /// - Parameter now: the clock used for the Pod scheduling window (15 seconds).
    public static func compute(_ object: JSONValue, now: Date = Date()) -> HealthResult {
        do {
            return try evaluate(object, now: now)
        } catch {
            return .unknown(error.description)
        }
    }

    /// `Compute` itself: Current, InProgress, Failed or Terminating, or an error when a field
    /// read strictly has the wrong type, the conditions are malformed, or a Pod's phase is unknown.
    public static func evaluate(_ object: JSONValue, now: Date = Date()) throws(KStatusError) -> HealthResult {
        guard case .object = object else {
            throw KStatusError("the resource is not an object: \(object.goDescription) is of the type \(object.goTypeName)")
        }
        if let generic = try genericResult(object) {
            return generic
        }
        let conditions = try object.basicConditions()
        if let rule = builtInRules[object.groupKindKey] {
            return try rule(BuiltInInput(object: object, conditions: conditions, now: now.timeIntervalSince1970))
        }
        for condition in conditions where condition.type == "Ready" {
            switch condition.status {
            case "True": return .current("Resource is Ready")
            case "False", "Unknown": return .inProgress(condition.reason, condition.message)
            default: continue
            }
        }
        return .current("Resource is current")
    }

    /// Deletion, generation and the standard `Reconciling` / `Stalled` conditions.
    static func genericResult(_ object: JSONValue) throws(KStatusError) -> HealthResult? {
        let deletionTimestamp: String?
        do {
            deletionTimestamp = try object.strictString("metadata", "deletionTimestamp")
        } catch {
            throw KStatusError("looking up metadata.deletionTimestamp from resource: \(error.description)")
        }
        if let deletionTimestamp, !deletionTimestamp.isEmpty {
            return HealthResult(status: .terminating, message: "Resource scheduled for deletion")
        }

        if let generation = try generation(of: object),
            let observed = try observedGeneration(of: object),
            observed != generation
        {
            return .inProgress(
                "LatestGenerationNotObserved",
                "\(object.kindName) generation is \(generation), but latest observed generation is \(observed)")
        }

        for condition in try object.basicConditions() where condition.status == "True" {
            switch condition.type {
            case "Reconciling": return .inProgress(condition.reason, condition.message)
            case "Stalled": return .failed(condition.reason, condition.message)
            default: continue
            }
        }
        return nil
    }

    static func generation(of object: JSONValue) throws(KStatusError) -> Int64? {
        do {
            return try object.strictInt("metadata", "generation")
        } catch {
            throw KStatusError("looking up metadata.generation from resource: \(error.description)")
        }
    }

    static func observedGeneration(of object: JSONValue) throws(KStatusError) -> Int64? {
        do {
            return try object.strictInt("status", "observedGeneration")
        } catch {
            throw KStatusError("looking up status.observedGeneration from resource: \(error.description)")
        }
    }
}
