import Foundation
import KubeModel
import Testing

@testable import KubeEmbedded

@Suite("Workload simulator and fault injection", .enabled(if: kubectlPath != nil, "kubectl is not on PATH"))
struct SimulatorFaultTests {
    static var simulating: EmbeddedAPIServer.Options {
        var options = EmbeddedAPIServer.Options()
        options.simulator = WorkloadSimulator(enabled: true, delay: .milliseconds(50))
        return options
    }

    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: default}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: "nginx:1"}]}
        """

    @Test func deploymentBecomesAvailableAndFollowsGenerations() async throws {
        try await withHarness(options: Self.simulating) { harness in
            #expect(try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: Self.deployment).status == 0)
            let available = try await harness.kubectl(["wait", "--for=condition=Available", "deployment/web", "--timeout=20s"])
            #expect(available.status == 0, "\(available.stderr)")
            let rollout = try await harness.kubectl(["rollout", "status", "deployment/web", "--timeout=20s"])
            #expect(rollout.status == 0, "\(rollout.stderr)")
            let changed = Self.deployment.replacingOccurrences(of: "nginx:1", with: "nginx:2")
            #expect(try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: changed).status == 0)
            let observed = try await harness.kubectl(["wait", "--for=jsonpath={.status.observedGeneration}=2", "deployment/web",
                                                "--timeout=20s"])
            #expect(observed.status == 0, "\(observed.stderr)")
            let object = try JSON.decode(try await harness.kubectl(["get", "deployment", "web", "-o", "json"]).stdout)
            #expect(object["status"]?["readyReplicas"] == 2)
            #expect(object["status"]?["updatedReplicas"] == 2)
            let table = try await harness.kubectl(["get", "deployments"])
            #expect(table.stdout.contains("READY") && table.stdout.contains("2/2"), "\(table.stdout)")
        }
    }

    @Test func jobsCompleteOrFailByAnnotation() async throws {
        try await withHarness(options: Self.simulating) { harness in
            func job(_ name: String, outcome: String?) -> String {
                let annotations = outcome.map { "annotations: {\(WorkloadSimulator.outcomeAnnotation): \($0)}" } ?? "annotations: {}"
                return """
                    apiVersion: batch/v1
                    kind: Job
                    metadata: {name: \(name), namespace: default, \(annotations)}
                    spec:
                      template:
                        spec:
                          restartPolicy: Never
                          containers: [{name: main, image: busybox}]
                    """
            }
            #expect(try await harness.kubectl(["apply", "-f", "-"], stdin: job("ok", outcome: nil)).status == 0)
            #expect(try await harness.kubectl(["apply", "-f", "-"], stdin: job("bad", outcome: "fail")).status == 0)
            #expect(try await harness.kubectl(["wait", "--for=condition=Complete", "job/ok", "--timeout=20s"]).status == 0)
            #expect(try await harness.kubectl(["wait", "--for=condition=Failed", "job/bad", "--timeout=20s"]).status == 0)
            let jobs = try await harness.kubectl(["get", "jobs"])
            #expect(jobs.stdout.contains("Complete") && jobs.stdout.contains("Failed"), "\(jobs.stdout)")
            let pvc = """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data, namespace: default}
                spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
                """
            #expect(try await harness.kubectl(["apply", "-f", "-"], stdin: pvc).status == 0)
            let service = """
                apiVersion: v1
                kind: Service
                metadata: {name: front, namespace: default}
                spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80}]}
                """
            #expect(try await harness.kubectl(["apply", "-f", "-"], stdin: service).status == 0)
            let address = try await harness.kubectl(["wait", "--for=jsonpath={.status.loadBalancer.ingress[0].ip}=127.0.0.1",
                                                     "service/front", "--timeout=20s"])
            #expect(address.status == 0, "\(address.stderr)")
            let bound = try await harness.kubectl(["wait", "--for=jsonpath={.status.phase}=Bound", "pvc/data", "--timeout=20s"])
            #expect(bound.status == 0, "\(bound.stderr)")
        }
    }

    @Test func disabledSimulatorLeavesStatusAlone() async throws {
        try await withHarness { harness in
            #expect(try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: Self.deployment).status == 0)
            let waited = try await harness.kubectl(["wait", "--for=condition=Available", "deployment/web", "--timeout=1s"])
            #expect(waited.status != 0)
            let object = try JSON.decode(try await harness.kubectl(["get", "deployment", "web", "-o", "json"]).stdout)
            #expect(object["status"] == nil)
        }
    }

    @Test func injectedErrorsPerVerb() async throws {
        try await withHarness { harness in
            harness.server.setFaults(FaultInjection(errorRates: ["create": 1], errorCode: 503))
            let failing = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: StatusBodyTests.cm)
            #expect(failing.status == 503)
            #expect(failing.json?["reason"] == "ServiceUnavailable")
            #expect(try await harness.request("GET", "/api/v1/namespaces/default/configmaps").status == 200)
            harness.server.setFaults(FaultInjection(errorRates: ["*": 1], errorCode: 429))
            let throttled = try await harness.request("GET", "/api/v1/namespaces/default/configmaps")
            #expect(throttled.status == 429)
            #expect(throttled.headers.contains { $0.lowercased() == "retry-after: 1" })
            harness.server.setFaults(FaultInjection(latency: .milliseconds(200)))
            let clock = ContinuousClock()
            let started = clock.now
            #expect(try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: StatusBodyTests.cm).status == 201)
            #expect(clock.now - started >= .milliseconds(200))
            harness.server.setFaults(.none)
        }
    }

    @Test(.timeLimit(.minutes(2))) func droppedWatchStreamsEnd() async throws {
        try await withHarness { harness in
            // Neither the server (an hour) nor the client (the test's time limit) ends this watch: only the drop
            // can make the request complete.
            let watcher = Task {
                try await harness.request(
                    "GET", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=3600", timeout: 3600)
            }
            for _ in 0..<2000 where harness.server.activeWatchCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(harness.server.activeWatchCount == 1)
            harness.server.dropWatchStreams()
            let response = try await watcher.value
            #expect(response.status == 200)
            #expect(harness.server.activeWatchCount == 0)
        }
    }
}
