public import KubeModel

extension KStatusComputer {
    /// Whether kstatus' status poller also reads the Pods of this object (selected by `spec.selector`
    /// in its namespace) and applies ``applyingPodFailures(_:podStatuses:)``: `apps` ReplicaSets and
    /// StatefulSets. Deployments, DaemonSets and every other kind are read on their own.
    public static func readsOwnedPods(_ object: JSONValue) -> Bool {
        switch object.groupKindKey {
        case "apps/ReplicaSet", "apps/StatefulSet": true
        default: false
        }
    }

    /// The poller's rule for Pod controllers: an InProgress controller with at least one Failed Pod
    /// is Failed ("N pods have failed", no standard condition); any other result is kept.
    public static func applyingPodFailures(_ result: HealthResult, podStatuses: some Sequence<KStatus>) -> HealthResult {
        guard result.status == .inProgress else { return result }
        let failedPods = podStatuses.reduce(0) { $1 == .failed ? $0 + 1 : $0 }
        guard failedPods > 0 else { return result }
        return HealthResult(status: .failed, message: "\(failedPods) pods have failed")
    }
}
