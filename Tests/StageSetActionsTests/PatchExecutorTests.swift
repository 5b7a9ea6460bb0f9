import KubeAPI
import KubeModel
import StageSetAPI
import StageSetActions
import StageSetCore
import Testing
import YAML

@Suite(.serialized, .timeLimit(.minutes(2)))
struct PatchExecutorTests {
    static func action(_ spec: PatchAction) -> Action { Action(name: "flip", operation: .patch(spec)) }

    @Test func mergePatchByNameDefaultsToTheStageSetNamespace() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        try await cluster.configMap("flags", data: ["a": "1", "b": "2"])
        let spec = PatchAction(target: PatchTarget(apiVersion: "v1", kind: "ConfigMap", name: "flags"),
                               patch: "data:\n  a: changed\n  b: null\n")
        let result = try await PatchExecutor().execute(spec, action: Self.action(spec), context: cluster.context())
        #expect(result.message == "patched ConfigMap apps/flags")
        #expect(try await cluster.data(of: "flags") == ["a": "changed"])
    }

    @Test func jsonPatchInJSONText() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        try await cluster.configMap("flags", data: ["a": "1"])
        let spec = PatchAction(
            target: PatchTarget(kind: "ConfigMap", namespace: "apps", name: "flags"), type: .json6902,
            patch: #"[{"op": "replace", "path": "/data/a", "value": "2"}, {"op": "add", "path": "/data/c", "value": "3"}]"#)
        _ = try await PatchExecutor().execute(spec, action: Self.action(spec), context: cluster.context())
        #expect(try await cluster.data(of: "flags") == ["a": "2", "c": "3"])
    }

    @Test func selectorPatchesEveryMatchAndNothingElse() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        try await cluster.configMap("one", labels: ["tier": "web"])
        try await cluster.configMap("two", labels: ["tier": "web"])
        try await cluster.configMap("other", labels: ["tier": "db"])
        let spec = PatchAction(
            target: PatchTarget(apiVersion: "v1", kind: "ConfigMap", selector: LabelSelectorSpec(matchLabels: ["tier": "web"])),
            patch: #"{"data": {"paused": "true"}}"#)
        let result = try await PatchExecutor().execute(spec, action: Self.action(spec), context: cluster.context())
        #expect(result.message == "patched 2 ConfigMap object(s) matching tier=web in namespace apps")
        #expect(try await cluster.data(of: "one") == ["paused": "true"])
        #expect(try await cluster.data(of: "two") == ["paused": "true"])
        #expect(try await cluster.data(of: "other") == [:])

        let none = PatchAction(
            target: PatchTarget(kind: "ConfigMap", selector: LabelSelectorSpec(matchLabels: ["tier": "cache"])),
            patch: #"{"data": {"paused": "true"}}"#)
        let empty = try await PatchExecutor().execute(none, action: Self.action(none), context: cluster.context())
        #expect(empty.message.hasPrefix("patched 0 ConfigMap object(s)"))
    }

    @Test func missingObjectByNameFailsNamingIt() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        let spec = PatchAction(target: PatchTarget(kind: "ConfigMap", name: "ghost"), patch: "data: {a: b}")
        let error = await failure { try await PatchExecutor().execute(spec, action: Self.action(spec), context: cluster.context()) }
        #expect(error?.reason == .stageFailed)
        #expect(error?.message.hasPrefix("action \"flip\": patching ConfigMap apps/ghost: not found") == true)
    }

    @Test func deniedPatchIsRBACDeniedAndTerminal() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        try await cluster.configMap("flags")
        let spec = PatchAction(target: PatchTarget(kind: "ConfigMap", name: "flags"), patch: "data: {a: b}")
        let error = await failure {
            try await PatchExecutor().execute(spec, action: Self.action(spec), context: cluster.context(cluster.unprivileged))
        }
        #expect(error?.reason == .rbacDenied)
        #expect(error?.retry == .terminal)
        #expect(error?.message.contains("ConfigMap apps/flags") == true)
        #expect(try await cluster.data(of: "flags") == [:])
    }

    @Test func malformedPatchesAreTerminalBeforeAnyRequest() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        let cases: [(PatchAction, String)] = [
            (PatchAction(target: PatchTarget(kind: "ConfigMap", name: "x"), patch: "data: [unclosed"), "neither YAML nor JSON"),
            (PatchAction(target: PatchTarget(kind: "ConfigMap", name: "x"), patch: "- a"), "must be an object"),
            (PatchAction(target: PatchTarget(kind: "ConfigMap", name: "x"), type: .json6902, patch: "a: b"), "list of operations"),
            (PatchAction(target: PatchTarget(kind: "ConfigMap", selector: LabelSelectorSpec()), patch: "a: b"), "must not be empty"),
            (PatchAction(target: PatchTarget(kind: "ConfigMap"), patch: "a: b"), "exactly one of name and selector"),
            (PatchAction(target: PatchTarget(kind: "ConfigMap", name: ""), patch: "a: b"), "exactly one of name and selector"),
        ]
        for (spec, text) in cases {
            let error = await failure { try await PatchExecutor().execute(spec, action: Self.action(spec), context: cluster.context()) }
            #expect(error?.retry == .terminal)
            #expect(error?.message.contains(text) == true, "\(error?.message ?? "")")
        }
    }

    @Test func unservedKindWaitsForTheCluster() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        let spec = PatchAction(target: PatchTarget(apiVersion: "example.com/v1", kind: "Widget", name: "w"), patch: "a: b")
        let error = await failure { try await PatchExecutor().execute(spec, action: Self.action(spec), context: cluster.context()) }
        #expect(error?.retry == .transient)
        #expect(error?.message.contains("not served") == true)
    }
}

extension PatchExecutorTests {
    /// Custom resources have no strategic merge patch: the default `merge` type re-sends the body as a
    /// JSON merge patch.
    @Test func mergePatchOnACustomResource() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        let crd = try #require(KubeObject(json: YAML.decode("""
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
              versions:
                - name: v1
                  served: true
                  storage: true
                  schema:
                    openAPIV3Schema:
                      type: object
                      properties:
                        spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """)))
        _ = try await cluster.client.create(crd)
        let widgetKind = GroupVersionKind(group: "example.com", version: "v1", kind: "Widget")
        var widget = KubeObject(apiVersion: "example.com/v1", kind: "Widget", namespace: "apps", name: "w")
        widget.object["spec"] = ["size": 1, "color": "red"]
        _ = try await cluster.client.create(widget)

        let spec = PatchAction(target: PatchTarget(apiVersion: "example.com/v1", kind: "Widget", name: "w"),
                               patch: "spec: {size: 3}")
        _ = try await PatchExecutor().execute(spec, action: Self.action(spec), context: cluster.context())
        let patched = try await cluster.client.get(widgetKind, namespace: "apps", name: "w")
        #expect(patched.json["spec"] == ["size": 3, "color": "red"])
    }
}
