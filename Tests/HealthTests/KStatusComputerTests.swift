import Foundation
@testable import Health
import KubeModel
import Testing

/// Edge cases beyond the corpus: strict and lenient reads, malformed input, the Pod clock, overflow.
struct KStatusComputerTests {
    static let now = Date(timeIntervalSince1970: 1_748_736_000)  // 2025-06-01T00:00:00Z

    static func widget(metadata: JSONValue = ["name": "w"], status: JSONValue? = nil) -> JSONValue {
        var object: JSONValue = ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": metadata]
        if let status { object["status"] = status }
        return object
    }

    static func compute(_ object: JSONValue) -> HealthResult {
        KStatusComputer.compute(object, now: now)
    }

    @Test func strictReadsReportGoErrors() {
        let number = Self.compute(Self.widget(metadata: ["deletionTimestamp": 5]))
        #expect(number.status == .unknown)
        #expect(
            number.message == "looking up metadata.deletionTimestamp from resource: "
                + ".metadata.deletionTimestamp accessor error: 5 is of the type int64, expected string")

        let metadataString = Self.compute(["apiVersion": "v1", "kind": "ConfigMap", "metadata": "x"])
        #expect(
            metadataString.message == "looking up metadata.deletionTimestamp from resource: "
                + ".metadata.deletionTimestamp accessor error: x is of the type string, expected map[string]interface{}")

        let float = Self.compute(Self.widget(metadata: ["generation": 1.5], status: ["observedGeneration": 1]))
        #expect(
            float == .unknown(
                "looking up metadata.generation from resource: "
                    + ".metadata.generation accessor error: 1.5 is of the type float64, expected int64"))

        let null = Self.compute(Self.widget(metadata: ["generation": nil]))
        #expect(
            null.message == "looking up metadata.generation from resource: "
                + ".metadata.generation accessor error: <nil> is of the type <nil>, expected int64")

        let observed = Self.compute(Self.widget(metadata: ["generation": 2], status: ["observedGeneration": [1, "a"]]))
        #expect(
            observed.message == "looking up status.observedGeneration from resource: "
                + ".status.observedGeneration accessor error: [1 a] is of the type []interface {}, expected int64")
    }

    @Test func genericEdgeCases() {
        // An empty deletionTimestamp is not a deletion.
        #expect(Self.compute(Self.widget(metadata: ["deletionTimestamp": ""])).status == .current)
        // Without metadata.generation the observed generation is never read.
        #expect(Self.compute(Self.widget(status: ["observedGeneration": "junk"])) == .current("Resource is current"))
        // A null metadata or status on the way counts as missing.
        #expect(Self.compute(Self.widget(metadata: nil, status: nil)) == .current("Resource is current"))
        // Equal generations fall through to the conditions.
        #expect(
            Self.compute(Self.widget(metadata: ["generation": 4], status: ["observedGeneration": 4]))
                == .current("Resource is current"))
        // A wrong-type field read leniently falls back to its default.
        let deployment: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "d"],
            "spec": ["replicas": "3"],
            "status": [
                "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1,
                "conditions": [["type": "Available", "status": "True"]],
            ],
        ]
        #expect(Self.compute(deployment) == .current("Deployment is available. Replicas: 1"))
    }

    @Test func malformedConditionsAreErrors() {
        #expect(Self.compute(Self.widget(status: "ready")).status == .unknown)
        #expect(Self.compute(Self.widget(status: ["conditions": ["type": "Ready"]])).message == "status.conditions is not a list")
        #expect(Self.compute(Self.widget(status: ["conditions": ["Ready"]])).status == .unknown)
        let typed = Self.compute(Self.widget(status: ["conditions": [["type": "Ready", "status": true]]]))
        #expect(typed == .unknown("status.conditions[0].status is not a string: true is of the type bool"))
        // Null entries and null fields decode as empty.
        let nulls = Self.compute(
            Self.widget(status: ["conditions": [nil, ["type": "Ready", "status": "True", "reason": nil]]]))
        #expect(nulls == .current("Resource is Ready"))
        #expect(Self.compute("not an object").status == .unknown)
    }

    @Test func readyConditionSkipsUnknownStatusStrings() {
        let object = Self.widget(status: [
            "conditions": [
                ["type": "Ready", "status": "Maybe"],
                ["type": "Ready", "status": "False", "reason": "Waiting", "message": "not yet"],
            ]
        ])
        #expect(
            Self.compute(object)
                == HealthResult(
                    status: .inProgress, message: "not yet",
                    conditions: [HealthCondition(type: .reconciling, reason: "Waiting", message: "not yet")]))
        // Built-in kinds do not look at Ready.
        let service: JSONValue = [
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": "s"],
            "status": ["conditions": [["type": "Ready", "status": "False"]]],
        ]
        #expect(Self.compute(service) == .current("Service is ready"))
    }

    @Test func groupKindComesFromAPIVersion() {
        let base: JSONValue = ["kind": "Deployment", "metadata": ["name": "d"]]
        var legacy = base
        legacy["apiVersion"] = "extensions/v1beta1"
        #expect(Self.compute(legacy).conditions.first?.reason == "LessReplicas")
        var core = base
        core["apiVersion"] = "v1"
        #expect(Self.compute(core) == .current("Resource is current"))
        var malformed = base
        malformed["apiVersion"] = "apps/v1/extra"
        #expect(Self.compute(malformed) == .current("Resource is current"))
    }

    static func pendingPod(created: JSONValue?) -> JSONValue {
        var metadata: JSONValue = ["name": "p"]
        if let created { metadata["creationTimestamp"] = created }
        return [
            "apiVersion": "v1", "kind": "Pod", "metadata": metadata,
            "status": [
                "phase": "Pending",
                "conditions": [["type": "PodScheduled", "status": "False", "reason": "Unschedulable"]],
            ],
        ]
    }

    @Test func podSchedulingWindowUsesTheClock() {
        #expect(Self.compute(Self.pendingPod(created: "2025-05-31T23:59:50Z")).conditions.first?.reason == "PodNotScheduled")
        #expect(Self.compute(Self.pendingPod(created: "2025-05-31T23:59:45Z")).conditions.first?.reason == "PodUnschedulable")
        #expect(Self.compute(Self.pendingPod(created: "2025-06-01T01:59:50+02:00")).status == .inProgress)
        // Missing or unparsable timestamps are Go's zero time: long past.
        #expect(Self.compute(Self.pendingPod(created: nil)).status == .failed)
        #expect(Self.compute(Self.pendingPod(created: "yesterday")).status == .failed)
        #expect(Self.compute(Self.pendingPod(created: 5)).status == .failed)
    }

    @Test func crashLoopingContainers() {
        func pod(_ statuses: JSONValue) -> JSONValue {
            ["apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p"],
             "status": ["phase": "Running", "containerStatuses": statuses]]
        }
        let looping: JSONValue = [
            ["name": "a", "state": ["waiting": ["reason": "CrashLoopBackOff"]]],
            ["state": ["waiting": ["reason": "CrashLoopBackOff"]]],  // no name: skipped
            ["name": "b", "state": ["running": [:]]],
            ["name": "c", "state": ["waiting": ["reason": "CrashLoopBackOff"]]],
        ]
        #expect(Self.compute(pod(looping)) == .failed("ContainerCrashLooping", "Containers in CrashLoop state: a,c"))
        #expect(Self.compute(pod([])).conditions.first?.reason == "PodRunningNotReady")
        #expect(
            Self.compute(pod("x")) == .unknown(
                ".status.containerStatuses accessor error: x is of the type string, expected []interface{}"))
        #expect(Self.compute(pod([["name": 1, "state": [:]]])).status == .unknown)
        #expect(Self.compute(pod([["name": "a", "state": ["waiting": "yes"]]])).status == .unknown)
    }

    @Test func extremeCountsDoNotTrap() {
        let deployment: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "d"],
            "spec": ["replicas": .int(.min)], "status": ["replicas": .int(.max), "updatedReplicas": .int(.min)],
        ]
        #expect(Self.compute(deployment) == .inProgress("ExtraPods", "Pending termination: -1"))
        let statefulSet: JSONValue = [
            "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": ["name": "s"],
            "spec": ["replicas": 1, "updateStrategy": ["rollingUpdate": ["partition": .int(.min)]]],
            "status": ["replicas": 1, "readyReplicas": 1, "updatedReplicas": 0],
        ]
        #expect(Self.compute(statefulSet).status == .current)
    }

    @Test func daemonSetRequiresGenerations() {
        let noGeneration: JSONValue = [
            "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": ["name": "d"], "status": ["observedGeneration": 1],
        ]
        #expect(Self.compute(noGeneration) == .inProgress("NoGeneration", "DaemonSet metadata.generation not found"))
        let noObserved: JSONValue = ["apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": ["generation": 1]]
        #expect(
            Self.compute(noObserved) == .inProgress("NoObservedGeneration", "DaemonSet status.observedGeneration not found"))
    }

    @Test func jobSuspendedNeedsSpecSuspend() {
        func job(suspend: Bool?) -> JSONValue {
            var object: JSONValue = [
                "apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "j"], "spec": [:],
                "status": ["conditions": [["type": "Suspended", "status": "True"]]],
            ]
            if let suspend { object["spec"] = ["suspend": .bool(suspend)] }
            return object
        }
        #expect(Self.compute(job(suspend: true)) == .current("Job is suspended"))
        #expect(Self.compute(job(suspend: false)) == .inProgress("JobNotStarted", "Job not started"))
        #expect(Self.compute(job(suspend: nil)).status == .inProgress)
    }

    @Test func evaluateThrowsWhereComputeReportsUnknown() {
        #expect(throws: KStatusError("unknown phase Gone")) {
            try KStatusComputer.evaluate(["apiVersion": "v1", "kind": "Pod", "status": ["phase": "Gone"]])
        }
    }

    @Test(arguments: [
        (1.5, "1.5"), (1e6, "1e+06"), (123_456, "123456"), (1_234_567.5, "1.2345675e+06"), (0.0001, "0.0001"),
        (0.00001, "1e-05"), (1e21, "1e+21"), (-2.5, "-2.5"), (0.5, "0.5"), (100.25, "100.25"), (1e100, "1e+100"),
        (0.000123, "0.000123"), (999_999, "999999"), (Double.leastNonzeroMagnitude, "5e-324"),
    ])
    func floatsPrintAsGoPercentV(value: Double, printed: String) {
        #expect(goFormatFloat(value) == printed)
    }

    @Test func valuesPrintAsGoPercentV() {
        let value: JSONValue = ["b": 1, "a": ["x", nil, true], "c": [:]]
        #expect(value.goDescription == "map[a:[x <nil> true] b:1 c:map[]]")
        #expect(value.goTypeName == "map[string]interface {}")
    }
}
