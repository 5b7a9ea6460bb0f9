import KubeModel
import NIOCore
import NIOPosix

/// Plays the built-in controllers and the kubelet: workloads get the status kstatus expects.
///
/// Services of type LoadBalancer get an ingress address (127.0.0.1).
/// Conventions: a Job or Pod whose annotations carry `simulator.stages.metio.wtf/outcome: fail`
/// fails instead of succeeding/running; any workload with `simulator.stages.metio.wtf/outcome: hold`
/// is left alone (stays in progress).
public struct WorkloadSimulator: Sendable {
    /// The annotation that steers the simulated outcome (`fail` or `hold`).
    public static let outcomeAnnotation = "simulator.stages.metio.wtf/outcome"

    /// Whether the simulator writes statuses at all.
    public var enabled: Bool
    /// How long after a spec change the status is written.
    public var delay: Duration

    /// A simulator writing statuses `delay` after each spec change.
    public init(enabled: Bool = true, delay: Duration = .zero) {
        self.enabled = enabled
        self.delay = delay
    }

    /// Off: tests write statuses themselves.
    public static let disabled = WorkloadSimulator(enabled: false)

    static let simulated: Set<String> = [
        "apps/deployments", "apps/replicasets", "apps/statefulsets", "apps/daemonsets", "batch/jobs", "/pods",
        "/persistentvolumeclaims", "/services",
    ]

    /// The status the controllers would eventually write for `object`, or nil to leave it alone.
    static func status(for resourceID: String, _ object: JSONObject, now: String) -> JSONValue? {
        let kube = KubeObject(object)
        let outcome = kube.annotations[outcomeAnnotation] ?? ""
        if outcome == "hold" || kube.isBeingDeleted { return nil }
        let generation = JSONValue.int(kube.generation)
        let replicas = object["spec"]?["replicas"] ?? 1
        let previous = object["status"]?["conditions"]?.arrayValue ?? []
        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSONValue {
            let old = previous.first { $0["type"]?.stringValue == type && $0["status"]?.stringValue == status }
            return ["type": .string(type), "status": .string(status), "lastUpdateTime": old?["lastUpdateTime"] ?? .string(now),
                    "lastTransitionTime": old?["lastTransitionTime"] ?? .string(now), "reason": .string(reason),
                    "message": .string(message)]
        }
        switch resourceID {
        case "apps/deployments":
            return ["observedGeneration": generation, "replicas": replicas, "updatedReplicas": replicas,
                    "readyReplicas": replicas, "availableReplicas": replicas,
                    "conditions": [
                        condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                        condition("Progressing", "True", "NewReplicaSetAvailable",
                                  "ReplicaSet \"\(kube.name)\" has successfully progressed."),
                    ]]
        case "apps/replicasets":
            return ["observedGeneration": generation, "replicas": replicas, "fullyLabeledReplicas": replicas,
                    "readyReplicas": replicas, "availableReplicas": replicas]
        case "apps/statefulsets":
            let revision = JSONValue.string("\(kube.name)-\(kube.generation)")
            return ["observedGeneration": generation, "replicas": replicas, "readyReplicas": replicas,
                    "currentReplicas": replicas, "updatedReplicas": replicas, "availableReplicas": replicas,
                    "currentRevision": revision, "updateRevision": revision, "collisionCount": 0]
        case "apps/daemonsets":
            return ["observedGeneration": generation, "desiredNumberScheduled": 1, "currentNumberScheduled": 1,
                    "numberReady": 1, "updatedNumberScheduled": 1, "numberAvailable": 1, "numberMisscheduled": 0]
        case "batch/jobs":
            let start = object["status"]?["startTime"] ?? .string(now)
            if outcome == "fail" {
                return ["startTime": start, "failed": 1, "active": 0,
                        "conditions": [
                            condition("FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
                            condition("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
                        ]]
            }
            return ["startTime": start, "completionTime": .string(now), "succeeded": object["spec"]?["completions"] ?? 1,
                    "active": 0, "ready": 0,
                    "conditions": [
                        condition("SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods"),
                        condition("Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods"),
                    ]]
        case "/pods":
            if outcome == "fail" {
                return ["phase": "Failed", "conditions": [condition("Ready", "False", "PodFailed", "")]]
            }
            return ["phase": "Running", "podIP": "10.244.0.10", "startTime": object["status"]?["startTime"] ?? .string(now),
                    "conditions": [
                        condition("PodScheduled", "True", "", ""), condition("Initialized", "True", "", ""),
                        condition("ContainersReady", "True", "", ""), condition("Ready", "True", "", ""),
                    ]]
        case "/services":
            if object["spec"]?["type"]?.stringValue == "LoadBalancer" {
                return ["loadBalancer": ["ingress": [["ip": "127.0.0.1", "ipMode": "VIP"]]]]
            }
            return ["loadBalancer": [:]]
        case "/persistentvolumeclaims":
            return ["phase": "Bound", "accessModes": object["spec"]?["accessModes"] ?? ["ReadWriteOnce"],
                    "capacity": object["spec"]?["resources"]?["requests"] ?? [:]]
        default:
            return nil
        }
    }
}

extension ServerCore {
    /// Schedules the simulated status write after a workload's spec changed.
    func simulate(_ resource: ResourceInfo, old: JSONObject?, new: JSONObject) {
        guard simulator.enabled, WorkloadSimulator.simulated.contains(resource.id) else { return }
        if let old, KubeObject(old).generation == KubeObject(new).generation,
           old["metadata"]?["annotations"] == new["metadata"]?["annotations"], old["status"] != nil {
            return
        }
        let key = KubeObject(new).key
        let id = resource.id
        MultiThreadedEventLoopGroup.singleton.next().scheduleTask(in: simulator.delay.timeAmount) { [self] in
            self.lock.withLock {
                guard self.simulator.enabled, let current = self.store.get(id, key),
                      let status = WorkloadSimulator.status(for: id, current, now: Timestamp.now().rfc3339),
                      current["status"] != status else { return }
                var updated = current
                updated["status"] = status
                self.store.put(id, updated)
                self.persistIfChanged()
            }
        }
    }
}
