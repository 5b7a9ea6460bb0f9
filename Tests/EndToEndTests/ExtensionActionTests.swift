import KubeAPI
import KubeModel
import StageSetAPI
import StageSetCore
import StageSetRuntime
import Testing

/// What an extension author writes: one spec type and one executor, registered on the standard registry.
/// The CRD the embedded server installs then offers the new key, StageSets decode it, and the controller runs it.
struct StampSpec: ActionOperationSpec {
    static let summary = "Writes a ConfigMap recording that the action ran."
    /// Name of the ConfigMap to write.
    var configMap: String
}

struct StampExecutor: ActionExecutor {
    static let kind: ActionOperationKind = "stamp"

    func execute(_ spec: StampSpec, action: Action, context: ActionContext) async throws -> ActionResult {
        var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", namespace: context.stageSet.namespace, name: spec.configMap)
        object.object["data"] = ["stage": .string(context.stage), "revision": .string(context.revision),
                                 "action": .string(action.name)]
        _ = try await context.client.apply(object, options: ApplyOptions(fieldManager: "stamp", force: true))
        return ActionResult(message: "stamped \(spec.configMap)")
    }
}

@Suite(.timeLimit(.minutes(2)))
struct ExtensionActionTests {
    @Test func registeredExecutorRunsAsAPreAndPostAction() async throws {
        var registry = try PluginRegistry.standard()
        try registry.register(StampExecutor())
        #expect(registry.operations.kinds.map(\.name).contains("stamp"))
        #expect(throws: PluginRegistryError.duplicate(kind: "action executor", name: "stamp")) {
            try registry.register(StampExecutor())
        }

        let harness = try await Harness.start(registry: registry)
        defer { Task { await harness.stop() } }
        try await harness.apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ext\n")
        let published = try harness.publish("app", namespace: "ext", files: [
            "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: ext\n",
        ])
        try await harness.apply("""
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata:
              name: stamped
              namespace: ext
            spec:
              stages:
                - name: app
                  sourceRef: {name: app}
                  actions:
                    pre:
                      - name: before
                        stamp: {configMap: before-apply}
                    post:
                      - name: after
                        stamp: {configMap: after-verify}
            """)
        let stageSet = try await harness.waitForStageSet(ObjectKey(namespace: "ext", name: "stamped"), "Ready") {
            $0.ready?.status == .true
        }
        let configMap = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")
        let before = try await harness.client.get(configMap, namespace: "ext", name: "before-apply")
        let after = try await harness.client.get(configMap, namespace: "ext", name: "after-verify")
        let app = try await harness.client.get(configMap, namespace: "ext", name: "app")
        #expect(before.json["data"]?["revision"]?.stringValue == published.revision)
        #expect(Int(before.resourceVersion)! < Int(app.resourceVersion)!)
        #expect(Int(app.resourceVersion)! < Int(after.resourceVersion)!)
        // The revision ledger records both, so a reconcile at the same revision does not run them again.
        #expect(stageSet.stage("app")?["executedActions"]?.arrayValue?.compactMap(\.stringValue) == ["before", "after"])
        #expect(stageSet.stage("app")?["ledgerRevision"]?.stringValue == published.revision)
    }
}
