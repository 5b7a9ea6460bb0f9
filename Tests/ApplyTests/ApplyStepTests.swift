import Apply
import KubeAPI
import KubeClient
import KubeModel
import StageSetAPI
import StageSetCore
import Testing

/// `ApplyStep` end to end: server-side apply over HTTPS against the embedded API server.
@Suite(.timeLimit(.minutes(2)))
struct ApplyStepTests {
    static let quick = ApplyStep(applier: ServerSideApplier(establishTimeout: .seconds(10), pollInterval: .milliseconds(20)))

    @Test func crdAndItsCustomResourceInOneStage() async throws {
        try await Cluster.with { cluster in
            // Discovery is read before the CRD exists: the mapper must learn the new kind.
            _ = try await cluster.client.mapper.mapping(for: GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"))
            // Render order puts the custom resource first; the CRD and the Namespace are applied before it.
            var work = Make.work([Make.gadget("g1"), try Make.gadgetCRD(), KubeObject(apiVersion: "v1", kind: "Namespace", name: "apps")])
            try await Self.quick.run(&work, context: Make.context(cluster.client))

            #expect(work.applied == [
                Make.identity("CustomResourceDefinition", "gadgets.example.com", group: "apiextensions.k8s.io", namespace: ""),
                Make.identity("Namespace", "apps", namespace: ""),
                Make.identity("Gadget", "g1", group: "example.com"),
            ])
            #expect(work.notes == ["3 created"])
            let gadget = try #require(try await cluster.get("example.com/v1", "Gadget", namespace: "apps", name: "g1"))
            #expect(gadget.labels == [
                "stages.metio.wtf/name": "shop", "stages.metio.wtf/namespace": "apps", "stages.metio.wtf/stage": "web",
            ])
            let crd = try #require(try await cluster.get(
                "apiextensions.k8s.io/v1", "CustomResourceDefinition", name: "gadgets.example.com"))
            #expect(crd.labels[StageObjectLabels.stage] == "web")
            #expect(crd.conditions.contains { $0.type == "Established" && $0.status == .true })
        }
    }

    @Test func aCRDWhoseNamesAreRejectedStopsTheStage() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            // A second CRD claiming the kind Gadget under another plural: its names are not accepted.
            var rival = try Make.gadgetCRD()
            rival.name = "gizmos.example.com"
            rival.setValue(["kind": "Gadget", "plural": "gizmos", "singular": "gizmo"], at: ["spec", "names"])
            var work = Make.work([try Make.gadgetCRD(), rival, Make.gadget("g1")])
            let error = try #require(await failure(of: Self.quick, &work, context: Make.context(cluster.client)))
            #expect(error.reason == .stageFailed)
            #expect(error.retry == .terminal)
            #expect(error.message.hasPrefix("CustomResourceDefinition gizmos.example.com was not accepted: "))
            #expect(error.message.hasSuffix("(KindConflict)"))
            #expect(work.applied.map(\.name) == ["gadgets.example.com", "gizmos.example.com"])
            #expect(try await cluster.get("example.com/v1", "Gadget", namespace: "apps", name: "g1") == nil)
        }
    }

    @Test func namespacesAreDefaultedAndClusterScopedObjectsCarryNone() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            try await cluster.namespace("other")
            let role = try Make.object([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": ["name": "shop-reader", "namespace": "apps"],
                "rules": [["apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]]],
            ])
            var work = Make.work([Make.configMap("defaulted"), Make.configMap("explicit", namespace: "other"), role])
            try await Self.quick.run(&work, context: Make.context(cluster.client))

            #expect(work.applied == [
                Make.identity("ConfigMap", "defaulted"),
                Make.identity("ConfigMap", "explicit", namespace: "other"),
                Make.identity("ClusterRole", "shop-reader", group: "rbac.authorization.k8s.io", namespace: ""),
            ])
            #expect(try await cluster.get("v1", "ConfigMap", namespace: "apps", name: "defaulted") != nil)
            #expect(try await cluster.get("v1", "ConfigMap", namespace: "other", name: "explicit") != nil)
            let live = try #require(try await cluster.get("rbac.authorization.k8s.io/v1", "ClusterRole", name: "shop-reader"))
            #expect(live.namespace.isEmpty)
            #expect(live.labels[StageObjectLabels.name] == "shop")
        }
    }

    @Test func notesCountCreatedConfiguredAndUnchangedObjects() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            let context = Make.context(cluster.client)
            var first = Make.work([Make.configMap("a"), Make.configMap("b")])
            try await Self.quick.run(&first, context: context)
            #expect(first.notes == ["2 created"])

            var second = Make.work([Make.configMap("a", data: ["k": "changed"]), Make.configMap("b"), Make.configMap("c")])
            try await Self.quick.run(&second, context: context)
            #expect(second.notes == ["1 created, 1 configured, 1 unchanged"])
            let a = try #require(try await cluster.get("v1", "ConfigMap", namespace: "apps", name: "a"))
            #expect(a.object["data"] == ["k": "changed"])

            var third = Make.work([Make.configMap("a", data: ["k": "changed"]), Make.configMap("b"), Make.configMap("c")])
            try await Self.quick.run(&third, context: context)
            #expect(third.notes == ["3 unchanged"])
        }
    }

    @Test func takesOverFieldsOtherManagersOwn() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            _ = try await cluster.client.apply(
                Make.configMap("shared", namespace: "apps", data: ["k": "theirs"]),
                options: ApplyOptions(fieldManager: "someone-else"))
            var work = Make.work([Make.configMap("shared", data: ["k": "ours"])])
            try await Self.quick.run(&work, context: Make.context(cluster.client))
            #expect(work.notes == ["1 configured"])
            let live = try #require(try await cluster.get("v1", "ConfigMap", namespace: "apps", name: "shared"))
            #expect(live.object["data"] == ["k": "ours"])
        }
    }

    @Test func rbacDenialNamesTheObjectAndStopsTheStage() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            // The tenant may manage ConfigMaps in its namespace, nothing else.
            _ = try await cluster.client.create(try Make.object([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                "metadata": ["name": "tenant", "namespace": "apps"],
                "rules": [["apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "patch", "create"]]],
            ]))
            _ = try await cluster.client.create(try Make.object([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": ["name": "tenant", "namespace": "apps"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "tenant"],
                "subjects": [["kind": "ServiceAccount", "name": "deployer", "namespace": "apps"]],
            ]))
            let tenant = cluster.client.impersonating(.serviceAccount(namespace: "apps", name: "deployer"))
            var work = Make.work([Make.configMap("first"), Make.deployment("web"), Make.configMap("after")])
            let error = try #require(await failure(of: Self.quick, &work, context: Make.context(tenant)))

            #expect(error.reason == .rbacDenied)
            #expect(error.retry == .terminal)
            #expect(error.message.hasPrefix(
                "RBAC denied applying Deployment apps/web — grant the missing verb to the tenant ServiceAccount"))
            #expect(error.message.contains("system:serviceaccount:apps:deployer"))
            #expect(work.applied == [Make.identity("ConfigMap", "first")])
            #expect(try await cluster.get("v1", "ConfigMap", namespace: "apps", name: "first") != nil)
            #expect(try await cluster.get("v1", "ConfigMap", namespace: "apps", name: "after") == nil)
        }
    }

    @Test func unknownKindAsksForTheCRD() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            var work = Make.work([Make.configMap("first"), Make.gadget("g1"), Make.configMap("after")])
            let error = try #require(await failure(of: Self.quick, &work, context: Make.context(cluster.client)))
            #expect(error.reason == .rbacDenied)
            #expect(error.retry == .terminal)
            #expect(error.message
                == "Gadget g1 refers to a kind not registered with the apiserver — install the corresponding CRD.")
            #expect(work.applied == [Make.identity("ConfigMap", "first")])
            #expect(try await cluster.get("v1", "ConfigMap", namespace: "apps", name: "after") == nil)
        }
    }

    @Test func aKindWhoseCRDWasRemovedIsReportedAsUnknown() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            let context = Make.context(cluster.client)
            var first = Make.work([try Make.gadgetCRD(), Make.gadget("g1")])
            try await Self.quick.run(&first, context: context)
            // The CRD goes away; the client's mapper still maps Gadget.
            _ = try await cluster.client.delete(
                GroupVersionKind(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition"),
                name: "gadgets.example.com")
            var second = Make.work([Make.gadget("g1")])
            let error = try #require(await failure(of: Self.quick, &second, context: context))
            #expect(error.reason == .rbacDenied)
            #expect(error.message
                == "Gadget apps/g1 refers to a kind not registered with the apiserver — install the corresponding CRD.")
        }
    }

    @Test func invalidObjectFailsWithTheServersMessage() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            var work = Make.work([try Make.gadgetCRD(), Make.gadget("huge", size: 1000)])
            let error = try #require(await failure(of: Self.quick, &work, context: Make.context(cluster.client)))
            #expect(error.reason == .stageFailed)
            #expect(error.retry == .terminal)
            #expect(error.message.hasPrefix("applying Gadget apps/huge failed: "))
            #expect(error.message.contains("spec.size"))
            #expect(work.applied.map(\.kind) == ["CustomResourceDefinition"])
        }
    }

    @Test func objectsWithoutKindOrNameAreRejectedBeforeAnythingIsApplied() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            var unnamed = Make.configMap("x")
            unnamed.name = ""
            unnamed.generateName = "x-"
            var work = Make.work([Make.configMap("first"), unnamed])
            let error = try #require(await failure(of: Self.quick, &work, context: Make.context(cluster.client)))
            #expect(error == StageSetError(
                .stageFailed, "rendered ConfigMap #2 has no metadata.name (generateName cannot be applied)", retry: .terminal))
            #expect(work.applied.isEmpty)
            #expect(try await cluster.get("v1", "ConfigMap", namespace: "apps", name: "first") == nil)

            var kindless = Make.work([try Make.object(["apiVersion": "v1", "metadata": ["name": "y"]])])
            let missingKind = try #require(await failure(of: Self.quick, &kindless, context: Make.context(cluster.client)))
            #expect(missingKind.message == "rendered object #1 has no apiVersion or kind")
        }
    }
}
