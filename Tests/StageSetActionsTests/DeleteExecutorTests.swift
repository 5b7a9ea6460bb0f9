import KubeAPI
import KubeModel
import StageSetAPI
import StageSetActions
import StageSetCore
import Testing

@Suite(.serialized, .timeLimit(.minutes(2)))
struct DeleteExecutorTests {
    static func action(_ spec: DeleteAction) -> Action { Action(name: "cleanup", operation: .delete(spec)) }

    @Test func deletesAndThenReportsAlreadyAbsent() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        try await cluster.configMap("old")
        let spec = DeleteAction(target: NamespacedObjectKindReference(apiVersion: "v1", kind: "ConfigMap", name: "old"),
                                cascade: .foreground)
        let result = try await DeleteExecutor().execute(spec, action: Self.action(spec), context: cluster.context())
        #expect(result.message.contains("ConfigMap apps/old"))
        #expect(try await cluster.client.getIfExists(Cluster.configMap, namespace: "apps", name: "old") == nil)

        let again = try await DeleteExecutor().execute(spec, action: Self.action(spec), context: cluster.context())
        #expect(again.message == "ConfigMap apps/old already absent")
    }

    @Test func explicitNamespaceAndUnservedKind() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        _ = try await cluster.client.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: "other"))
        try await cluster.configMap("old", namespace: "other")
        try await cluster.configMap("old")
        let spec = DeleteAction(target: NamespacedObjectKindReference(kind: "ConfigMap", name: "old", namespace: "other"))
        #expect(try await DeleteExecutor().execute(spec, action: Self.action(spec), context: cluster.context()).message
            == "deleted ConfigMap other/old")
        #expect(try await cluster.client.getIfExists(Cluster.configMap, namespace: "apps", name: "old") != nil)

        let widget = DeleteAction(target: NamespacedObjectKindReference(apiVersion: "example.com/v1", kind: "Widget", name: "w"))
        let result = try await DeleteExecutor().execute(widget, action: Self.action(widget), context: cluster.context())
        #expect(result.message.contains("already absent"))
    }

    @Test func deniedDeleteIsRBACDenied() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        try await cluster.configMap("kept")
        let spec = DeleteAction(target: NamespacedObjectKindReference(kind: "ConfigMap", name: "kept"))
        let error = await failure {
            try await DeleteExecutor().execute(spec, action: Self.action(spec), context: cluster.context(cluster.unprivileged))
        }
        #expect(error?.reason == .rbacDenied)
        #expect(error?.retry == .terminal)
        #expect(error?.message.hasPrefix("action \"cleanup\": deleting ConfigMap apps/kept") == true)
        #expect(try await cluster.client.getIfExists(Cluster.configMap, namespace: "apps", name: "kept") != nil)
    }

    @Test func emptyNameNeverAddressesTheCollection() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        try await cluster.configMap("kept")
        let spec = DeleteAction(target: NamespacedObjectKindReference(kind: "ConfigMap", name: ""))
        let error = await failure { try await DeleteExecutor().execute(spec, action: Self.action(spec), context: cluster.context()) }
        #expect(error?.retry == .terminal)
        #expect(try await cluster.client.getIfExists(Cluster.configMap, namespace: "apps", name: "kept") != nil)
    }
}
