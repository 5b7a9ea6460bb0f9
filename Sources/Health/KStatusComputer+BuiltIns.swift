import KubeModel

/// What a built-in rule looks at.
struct BuiltInInput {
    var object: JSONValue
    var conditions: [BasicCondition]
    /// Seconds since the Unix epoch.
    var now: Double
}

typealias BuiltInRule = @Sendable (BuiltInInput) throws(KStatusError) -> HealthResult

extension KStatusComputer {
    /// The kinds with their own rules, keyed as kstatus keys them: `group/Kind`, or `Kind` for core.
    static let builtInRules: [String: BuiltInRule] = [
        "Service": service,
        "Pod": pod,
        "Secret": alwaysReady,
        "ConfigMap": alwaysReady,
        "PersistentVolumeClaim": persistentVolumeClaim,
        "apps/StatefulSet": statefulSet,
        "apps/DaemonSet": daemonSet,
        "extensions/DaemonSet": daemonSet,
        "apps/Deployment": deployment,
        "extensions/Deployment": deployment,
        "apps/ReplicaSet": replicaSet,
        "extensions/ReplicaSet": replicaSet,
        "policy/PodDisruptionBudget": podDisruptionBudget,
        "batch/CronJob": alwaysReady,
        "batch/Job": job,
        "apiextensions.k8s.io/CustomResourceDefinition": customResourceDefinition,
    ]

    @Sendable static func alwaysReady(_: BuiltInInput) -> HealthResult {
        .current("Resource is always ready")
    }

    /// Reached only when generation == observedGeneration (or either is missing).
    @Sendable static func podDisruptionBudget(_: BuiltInInput) -> HealthResult {
        .current("AllowedDisruptions has been computed.")
    }

    @Sendable static func deployment(_ input: BuiltInInput) -> HealthResult {
        let object = input.object
        // Without a deadline the controller never sets Progressing, so it counts as progressing.
        var progressing = object.lenientInt("spec", "progressDeadlineSeconds", default: maxInt32) == maxInt32
        var available = false
        for condition in input.conditions {
            switch condition.type {
            case "Progressing":
                if condition.reason == "ProgressDeadlineExceeded" {
                    return HealthResult(
                        status: .failed, message: "Progress deadline exceeded",
                        conditions: [
                            HealthCondition(type: .stalled, reason: condition.reason, message: condition.message)
                        ])
                }
                if condition.status == "True", condition.reason == "NewReplicaSetAvailable" {
                    progressing = true
                }
            case "Available":
                if condition.status == "True" { available = true }
            default:
                continue
            }
        }
        let spec = object.lenientInt("spec", "replicas", default: 1)
        let replicas = object.lenientInt("status", "replicas", default: 0)
        let updated = object.lenientInt("status", "updatedReplicas", default: 0)
        let ready = object.lenientInt("status", "readyReplicas", default: 0)
        let availableReplicas = object.lenientInt("status", "availableReplicas", default: 0)

        if spec > replicas { return .inProgress("LessReplicas", "Replicas: \(replicas)/\(spec)") }
        if spec > updated { return .inProgress("LessUpdated", "Updated: \(updated)/\(spec)") }
        if replicas > spec { return .inProgress("ExtraPods", "Pending termination: \(replicas &- spec)") }
        if updated > availableReplicas {
            return .inProgress("LessAvailable", "Available: \(availableReplicas)/\(updated)")
        }
        if spec > ready { return .inProgress("LessReady", "Ready: \(ready)/\(spec)") }
        if !progressing { return .inProgress("ReplicaSetNotAvailable", "ReplicaSet not Available") }
        if !available { return .inProgress("DeploymentNotAvailable", "Deployment not Available") }
        return .current("Deployment is available. Replicas: \(replicas)")
    }

    /// StatefulSets never become Failed: the controller sets no conditions.
    @Sendable static func statefulSet(_ input: BuiltInInput) -> HealthResult {
        let object = input.object
        if object.lenientString("spec", "updateStrategy", "type", default: "") == "OnDelete" {
            return .current("StatefulSet is using the ondelete update strategy")
        }
        let spec = object.lenientInt("spec", "replicas", default: 1)
        let ready = object.lenientInt("status", "readyReplicas", default: 0)
        let current = object.lenientInt("status", "currentReplicas", default: 0)
        let updated = object.lenientInt("status", "updatedReplicas", default: 0)
        let replicas = object.lenientInt("status", "replicas", default: 0)
        let partition = object.lenientInt("spec", "updateStrategy", "rollingUpdate", "partition", default: -1)

        if spec > replicas { return .inProgress("LessReplicas", "Replicas: \(replicas)/\(spec)") }
        if spec > ready { return .inProgress("LessReady", "Ready: \(ready)/\(spec)") }
        if replicas > spec { return .inProgress("ExtraPods", "Pending termination: \(replicas &- spec)") }
        if partition != -1 {
            let expected = spec &- partition
            if updated < expected { return .inProgress("PartitionRollout", "updated: \(updated)/\(expected)") }
            return .current("Partition rollout complete. updated: \(updated)")
        }
        if spec > current { return .inProgress("LessCurrent", "current: \(current)/\(spec)") }
        let currentRevision = object.lenientString("status", "currentRevision", default: "")
        let updateRevision = object.lenientString("status", "updateRevision", default: "")
        if currentRevision != updateRevision {
            return .inProgress("RevisionMismatch", "Waiting for updated revision to match current")
        }
        return .current("All replicas scheduled as expected. Replicas: \(replicas)")
    }

    @Sendable static func daemonSet(_ input: BuiltInInput) throws(KStatusError) -> HealthResult {
        let object = input.object
        // Once the controller has acted, both fields are set; require them.
        if try generation(of: object) == nil {
            return .inProgress("NoGeneration", "\(object.kindName) metadata.generation not found")
        }
        if try observedGeneration(of: object) == nil {
            return .inProgress("NoObservedGeneration", "\(object.kindName) status.observedGeneration not found")
        }
        let desired = object.lenientInt("status", "desiredNumberScheduled", default: -1)
        let current = object.lenientInt("status", "currentNumberScheduled", default: 0)
        let updated = object.lenientInt("status", "updatedNumberScheduled", default: 0)
        let available = object.lenientInt("status", "numberAvailable", default: 0)
        let ready = object.lenientInt("status", "numberReady", default: 0)

        if desired == -1 { return .inProgress("NoDesiredNumber", "Missing .status.desiredNumberScheduled") }
        if desired > current { return .inProgress("LessCurrent", "Current: \(current)/\(desired)") }
        if desired > updated { return .inProgress("LessUpdated", "Updated: \(updated)/\(desired)") }
        if desired > available { return .inProgress("LessAvailable", "Available: \(available)/\(desired)") }
        if desired > ready { return .inProgress("LessReady", "Ready: \(ready)/\(desired)") }
        return .current("All replicas scheduled as expected. Replicas: \(desired)")
    }

    /// A `ReplicaFailure` condition is InProgress, not Failed.
    @Sendable static func replicaSet(_ input: BuiltInInput) -> HealthResult {
        let object = input.object
        if input.conditions.contains(where: { $0.type == "ReplicaFailure" && $0.status == "True" }) {
            return .inProgress("ReplicaFailure", "Replica Failure condition. Check Pods")
        }
        let spec = object.lenientInt("spec", "replicas", default: 1)
        let replicas = object.lenientInt("status", "replicas", default: 0)
        let ready = object.lenientInt("status", "readyReplicas", default: 0)
        let available = object.lenientInt("status", "availableReplicas", default: 0)
        let labelled = object.lenientInt("status", "fullyLabeledReplicas", default: 0)

        if spec > labelled { return .inProgress("LessLabelled", "Labelled: \(labelled)/\(spec)") }
        if spec > available { return .inProgress("LessAvailable", "Available: \(available)/\(spec)") }
        if spec > ready { return .inProgress("LessReady", "Ready: \(ready)/\(spec)") }
        if replicas > spec { return .inProgress("ExtraPods", "Pending termination: \(replicas &- spec)") }
        return .current("ReplicaSet is available. Replicas: \(replicas)")
    }

    @Sendable static func persistentVolumeClaim(_ input: BuiltInInput) -> HealthResult {
        let phase = input.object.lenientString("status", "phase", default: "unknown")
        if phase != "Bound" { return .inProgress("NotBound", "PVC is not Bound. phase: \(phase)") }
        return .current("PVC is Bound")
    }

    /// How long an unschedulable Pod stays InProgress before it is Failed.
    static let scheduleWindowSeconds = 15.0

    @Sendable static func pod(_ input: BuiltInInput) throws(KStatusError) -> HealthResult {
        let object = input.object
        let phase = object.lenientString("status", "phase", default: "")
        switch phase {
        case "Succeeded":
            return .current("Pod has completed successfully")
        case "Failed":
            return .current("Pod has completed, but not successfully")
        case "Running":
            if input.conditions.contains(where: { $0.type == "Ready" && $0.status == "True" }) {
                return .current("Pod is Ready")
            }
            let crashLooping = try crashLoopingContainers(object)
            if !crashLooping.isEmpty {
                return .failed(
                    "ContainerCrashLooping", "Containers in CrashLoop state: \(crashLooping.joined(separator: ","))")
            }
            return .inProgress("PodRunningNotReady", "Pod is running but is not Ready")
        case "Pending":
            let unscheduled = input.conditions.first { $0.type == "PodScheduled" && $0.status == "False" }
            if let unscheduled, unscheduled.reason == "Unschedulable" {
                // A missing or unparsable creationTimestamp is Go's zero time (0001-01-01T00:00:00Z).
                let created = object[path: "metadata", "creationTimestamp"]?.stringValue
                    .flatMap { try? Timestamp(parsing: $0) }
                    .map { Double($0.seconds) + Double($0.nanoseconds) / 1e9 } ?? goZeroTime
                if input.now - scheduleWindowSeconds < created {
                    return .inProgress("PodNotScheduled", "Pod has not been scheduled")
                }
                return .failed("PodUnschedulable", "Pod could not be scheduled")
            }
            return .inProgress("PodPending", "Pod is in the Pending phase")
        case "":
            return .inProgress("PodNotObserved", "Pod phase not available")
        default:
            throw KStatusError("unknown phase \(phase)")
        }
    }

    /// Names of containers waiting with reason `CrashLoopBackOff`, in list order.
    static func crashLoopingContainers(_ object: JSONValue) throws(KStatusError) -> [String] {
        guard let list = try object.strictField(["status", "containerStatuses"]) else { return [] }
        guard case .array(let statuses) = list else {
            throw KStatusError(
                ".status.containerStatuses accessor error: \(list.goDescription) is of the type \(list.goTypeName), "
                    + "expected []interface{}")
        }
        var names: [String] = []
        for (index, entry) in statuses.enumerated() {
            let path = "status.containerStatuses[\(index)]"
            guard case .object(let containerStatus) = entry else {
                throw KStatusError("\(path) is not an object: \(entry.goDescription) is of the type \(entry.goTypeName)")
            }
            guard let nameValue = containerStatus["name"] else { continue }
            guard case .string(let name) = nameValue else {
                throw KStatusError("\(path).name is not a string: \(nameValue.goDescription) is of the type \(nameValue.goTypeName)")
            }
            guard let state = containerStatus["state"] else { continue }
            guard case .object(let stateObject) = state else {
                throw KStatusError("\(path).state is not an object: \(state.goDescription) is of the type \(state.goTypeName)")
            }
            guard let waiting = stateObject["waiting"] else { continue }
            guard case .object(let waitingObject) = waiting else {
                throw KStatusError(
                    "\(path).state.waiting is not an object: \(waiting.goDescription) is of the type \(waiting.goTypeName)")
            }
            guard let reason = waitingObject["reason"] else { continue }
            guard case .string(let reasonText) = reason else {
                throw KStatusError(
                    "\(path).state.waiting.reason is not a string: \(reason.goDescription) is of the type \(reason.goTypeName)")
            }
            if reasonText == "CrashLoopBackOff" { names.append(name) }
        }
        return names
    }

    /// Job rules of kubernetes-sigs/cli-utils, including its `Suspended` rule (absent in Flux's fork).
    @Sendable static func job(_ input: BuiltInInput) -> HealthResult {
        let object = input.object
        let parallelism = object.lenientInt("spec", "parallelism", default: 1)
        let completions = object.lenientInt("spec", "completions", default: parallelism)
        let succeeded = object.lenientInt("status", "succeeded", default: 0)
        let active = object.lenientInt("status", "active", default: 0)
        let failed = object.lenientInt("status", "failed", default: 0)
        let startTime = object.lenientString("status", "startTime", default: "")
        let suspend = object.lenientBool("spec", "suspend", default: false)

        for condition in input.conditions where condition.status == "True" {
            switch condition.type {
            case "Complete":
                return .current("Job Completed. succeeded: \(succeeded)/\(completions)")
            case "Failed":
                return .failed("JobFailed", "Job Failed. failed: \(failed)/\(completions)")
            case "Suspended" where suspend:
                return .current("Job is suspended")
            default:
                continue
            }
        }
        if startTime.isEmpty { return .inProgress("JobNotStarted", "Job not started") }
        return .current("Job in progress. success:\(succeeded), active: \(active), failed: \(failed)")
    }

    @Sendable static func service(_ input: BuiltInInput) -> HealthResult {
        let type = input.object.lenientString("spec", "type", default: "ClusterIP")
        let clusterIP = input.object.lenientString("spec", "clusterIP", default: "")
        if type == "LoadBalancer", clusterIP.isEmpty {
            return .inProgress("NoIPAssigned", "ClusterIP not set. Service type: LoadBalancer")
        }
        return .current("Service is ready")
    }

    @Sendable static func customResourceDefinition(_ input: BuiltInInput) -> HealthResult {
        for condition in input.conditions {
            if condition.type == "NamesAccepted", condition.status == "False" {
                return .failed(condition.reason, condition.message)
            }
            if condition.type == "Established" {
                if condition.status == "False", condition.reason != "Installing" {
                    return .failed(condition.reason, condition.message)
                }
                if condition.status == "True" { return .current("CRD is established") }
            }
        }
        return .inProgress("Installing", "Install in progress")
    }
}

private let maxInt32 = Int64(Int32.max)

/// Go's zero `time.Time` (0001-01-01T00:00:00Z) in seconds since the Unix epoch.
private let goZeroTime = -62_135_596_800.0
