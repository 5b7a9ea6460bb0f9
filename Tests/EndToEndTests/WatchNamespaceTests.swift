import KubeAPI
import KubeModel
import Testing

/// `--watch-namespaces NS`: StageSets elsewhere are left alone.
@Suite(.timeLimit(.minutes(2)))
struct WatchNamespaceTests {
    @Test func onlyTheWatchedNamespaceIsReconciled() async throws {
        let harness = try await Harness.start(namespace: "watched")
        defer { Task { await harness.stop() } }
        for namespace in ["ignored", "watched"] {
            try await harness.apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: \(namespace)\n")
            try harness.publish("app", namespace: namespace, files: [
                "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: \(namespace)\n",
            ])
            // The ignored one is created first, so a controller that saw it would have started on it first.
            try await harness.apply("""
                apiVersion: stages.metio.wtf/v1
                kind: StageSet
                metadata:
                  name: app
                  namespace: \(namespace)
                spec:
                  stages:
                    - {name: app, sourceRef: {name: app}}
                """)
        }
        try await harness.waitForStageSet(ObjectKey(namespace: "watched", name: "app"), "Ready") { $0.ready?.status == .true }
        let ignored = try await harness.client.get(Harness.stageSetKind, namespace: "ignored", name: "app")
        #expect(ignored.json["status"] == nil)
        #expect(try await harness.client.getIfExists(
            GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), namespace: "ignored", name: "app") == nil)
    }
}
