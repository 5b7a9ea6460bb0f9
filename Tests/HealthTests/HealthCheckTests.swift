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

    @Test func recordsObjectsAndReportsPending() {
        let now = Date(timeIntervalSince1970: 1_748_736_000)
        var check = HealthCheck()
        check.record(object: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c", "namespace": "ns"]], now: now)
        check.record(
            object: [
                "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "d", "namespace": "ns"],
                "spec": ["replicas": 2], "status": ["replicas": 1],
            ], now: now)
        check.record(.notFound(), for: ObjectIdentity(group: "", kind: "Secret", namespace: "ns", name: "s"))

        #expect(check.aggregateStatus() == .inProgress)
        #expect(check.pending().map(\.identity.description) == ["Deployment/ns/d", "Secret/ns/s"])
        #expect(check.pending().first?.result.message == "Replicas: 1/2")
        #expect(check.failed.isEmpty)
        #expect(check.entries.first?.identity == ObjectIdentity(group: "", kind: "ConfigMap", namespace: "ns", name: "c"))

        check.record(.unknown("boom"), for: ObjectIdentity(group: "x.io", kind: "Thing", namespace: "", name: "t"))
        #expect(check.aggregateStatus() == .unknown)
        check.record(HealthResult(status: .failed, message: "stuck"), for: ObjectIdentity(group: "x.io", kind: "Thing", namespace: "", name: "u"))
        #expect(check.aggregateStatus() == .failed)
        #expect(check.failed.map(\.identity.description) == ["Thing/u"])
    }

    @Test func identityOfObject() {
        let identity = ObjectIdentity(
            of: ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "d", "namespace": "n"]])
        #expect(identity == ObjectIdentity(group: "apps", kind: "Deployment", namespace: "n", name: "d"))
        #expect(ObjectIdentity(of: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "n"]]).description == "Namespace/n")
    }
}
