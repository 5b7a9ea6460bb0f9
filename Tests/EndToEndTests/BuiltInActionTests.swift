import KubeAPI
import KubeModel
import StageSetAPI
import Testing

/// The built-in patch, delete and wait executors run by the real controller (E2E-17, CTL-04).
@Suite(.timeLimit(.minutes(2)))
struct BuiltInActionTests {
    static let configMap = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")

    @Test func prePatchAndDeleteThenPostWaitOnTheAppliedObject() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        try await harness.apply("""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: acts
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: gate
              namespace: acts
            data:
              open: "no"
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: stale
              namespace: acts
            """)
        let published = try harness.publish("app", namespace: "acts", files: [
            "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: acts\ndata:\n  ready: \"yes\"\n",
        ])
        try await harness.apply("""
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata:
              name: gated
              namespace: acts
            spec:
              stages:
                - name: app
                  sourceRef: {name: app}
                  actions:
                    pre:
                      - name: open-gate
                        patch:
                          target: {apiVersion: v1, kind: ConfigMap, name: gate}
                          patch: |
                            data:
                              open: "yes"
                      - name: drop-stale
                        delete:
                          target: {kind: ConfigMap, name: stale}
                    post:
                      - name: app-ready
                        wait:
                          target: {apiVersion: v1, kind: ConfigMap, name: app}
                          expr: "data.ready == 'yes'"
                          timeout: 30s
            """)
        let stageSet = try await harness.waitForStageSet(ObjectKey(namespace: "acts", name: "gated"), "Ready") {
            $0.ready?.status == .true
        }
        let gate = try await harness.client.get(Self.configMap, namespace: "acts", name: "gate")
        let app = try await harness.client.get(Self.configMap, namespace: "acts", name: "app")
        #expect(gate.json["data"]?["open"]?.stringValue == "yes")
        #expect(try #require(Int(gate.resourceVersion)) < (try #require(Int(app.resourceVersion))))
        #expect(try await harness.client.getIfExists(Self.configMap, namespace: "acts", name: "stale") == nil)
        #expect(stageSet.stage("app")?["executedActions"]?.arrayValue?.compactMap(\.stringValue)
            == ["open-gate", "drop-stale", "app-ready"])
        #expect(stageSet.stage("app")?["ledgerRevision"]?.stringValue == published.revision)
    }

    @Test func failingPreActionStopsTheStageWithNothingApplied() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        try await harness.apply("""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: broken
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: marker
              namespace: broken
            """)
        try harness.publish("app", namespace: "broken", files: [
            "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: broken\n",
        ])
        try await harness.apply("""
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata:
              name: blocked
              namespace: broken
            spec:
              stages:
                - name: app
                  sourceRef: {name: app}
                  actions:
                    pre:
                      - name: patch-ghost
                        patch:
                          target: {kind: ConfigMap, name: ghost}
                          patch: '{"data": {"a": "b"}}'
                    onFailure:
                      - name: drop-marker
                        delete:
                          target: {kind: ConfigMap, name: marker}
            """)
        let stageSet = try await harness.waitForStageSet(ObjectKey(namespace: "broken", name: "blocked"), "failed") {
            $0.ready?.status == .false && $0.ready?.reason == "StageFailed"
        }
        let message = try #require(stageSet.ready?.message)
        #expect(message.contains("action \"patch-ghost\": patching ConfigMap broken/ghost: not found"), "\(message)")
        #expect(try await harness.client.getIfExists(Self.configMap, namespace: "broken", name: "app") == nil)
        // CTL-04: a pre-action failure does not run onFailure.
        #expect(try await harness.client.getIfExists(Self.configMap, namespace: "broken", name: "marker") != nil)
    }
}
