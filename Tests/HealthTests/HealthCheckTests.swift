import Foundation
import Health
import KubeModel
import Testing

/// kstatus' `AggregateStatus` and the `HealthCheck` bookkeeping around it.
struct HealthCheckTests {
    @Test(arguments: [
        ([], KStatus.current, KStatus.current),
        ([], .notFound, .notFound),
        ([.current, .current], .current, .current),
        ([.current, .inProgress], .current, .inProgress),
        ([.current, .unknown, .inProgress], .current, .unknown),
        ([.unknown, .failed, .inProgress], .current, .failed),
        ([.terminating, .current], .current, .inProgress),
        ([.notFound, .notFound], .notFound, .notFound),
        ([.notFound, .current], .notFound, .inProgress),
        ([.unknown, .unknown], .unknown, .unknown),
    ] as [([KStatus], KStatus, KStatus)])
    func aggregatesAsKStatus(statuses: [KStatus], desired: KStatus, expected: KStatus) {
        #expect(HealthCheck.aggregate(statuses, desired: desired) == expected)
    }

    @Test func recordsLatestResultPerObject() {
        let now = Date(timeIntervalSince1970: 1_748_736_000)
        let secret = ObjectIdentity(namespace: "ns", name: "s", group: "", kind: "Secret")
        var check = HealthCheck(expecting: [secret])
        #expect(check.aggregateStatus == .unknown)
        #expect(check.result(for: secret)?.status == .unknown)

        check.record(object: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c", "namespace": "ns"]], now: now)
        check.record(
            object: [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "d", "namespace": "ns"],
                "spec": ["replicas": 2], "status": ["replicas": 1],
            ], now: now)
        check.record(.notFound(), for: secret)

        #expect(check.aggregateStatus == .inProgress)
        #expect(!check.isComplete)
        #expect(check.pending.map(\.identity.reference) == ["Secret/ns/s", "Deployment/ns/d"])
        #expect(check.pending.last?.result.message == "Replicas: 1/2")
        #expect(check.failed.isEmpty)
        #expect(check.entries.map(\.identity.kind) == ["Secret", "ConfigMap", "Deployment"])

        // A later observation replaces the earlier one.
        check.record(HealthResult(status: .current, message: "ok"), for: secret)
        check.record(
            HealthResult(status: .current, message: "ok"),
            for: ObjectIdentity(namespace: "ns", name: "d", group: "apps", kind: "Deployment"))
        #expect(check.entries.count == 3)
        #expect(check.isComplete)

        check.record(.unknown("boom"), for: ObjectIdentity(namespace: "", name: "t", group: "x.io", kind: "Thing"))
        #expect(check.aggregateStatus == .unknown)
        check.record(
            HealthResult(status: .failed, message: "stuck"),
            for: ObjectIdentity(namespace: "", name: "u", group: "x.io", kind: "Thing"))
        #expect(check.aggregateStatus == .failed)
        #expect(check.failed.map(\.identity.reference) == ["Thing/u"])
    }

    @Test func waitingForDeletion() {
        let identity = ObjectIdentity(namespace: "ns", name: "d", group: "apps", kind: "Deployment")
        var check = HealthCheck(expecting: [identity], desired: .notFound)
        check.record(HealthResult(status: .terminating, message: "Resource scheduled for deletion"), for: identity)
        #expect(check.aggregateStatus == .inProgress)
        check.record(.notFound(), for: identity)
        #expect(check.isComplete)
        #expect(HealthCheck(desired: .notFound).aggregateStatus == .notFound)
    }

    @Test func podControllersFailWithFailedPods() {
        let replicaSet: JSONValue = ["apiVersion": "apps/v1", "kind": "ReplicaSet", "spec": ["replicas": 2]]
        #expect(KStatusComputer.readsOwnedPods(replicaSet))
        #expect(KStatusComputer.readsOwnedPods(["apiVersion": "apps/v1", "kind": "StatefulSet"]))
        #expect(!KStatusComputer.readsOwnedPods(["apiVersion": "apps/v1", "kind": "Deployment"]))
        #expect(!KStatusComputer.readsOwnedPods(["apiVersion": "extensions/v1beta1", "kind": "ReplicaSet"]))

        let result = KStatusComputer.compute(replicaSet)
        #expect(result.status == .inProgress)
        #expect(
            KStatusComputer.applyingPodFailures(result, podStatuses: [.current, .failed, .failed])
                == HealthResult(status: .failed, message: "2 pods have failed"))
        #expect(KStatusComputer.applyingPodFailures(result, podStatuses: [.current, .inProgress]) == result)
        let current = HealthResult(status: .current, message: "ok")
        #expect(KStatusComputer.applyingPodFailures(current, podStatuses: [.failed]) == current)
    }

    @Test func identityOfObject() {
        let identity = ObjectIdentity(
            of: ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "d", "namespace": "n"]])
        #expect(identity == ObjectIdentity(namespace: "n", name: "d", group: "apps", kind: "Deployment"))
        #expect(ObjectIdentity(of: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "n"]]).reference == "Namespace/n")
    }
}
