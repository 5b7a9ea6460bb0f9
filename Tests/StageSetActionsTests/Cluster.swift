import Foundation
import KubeAPI
import KubeClient
import KubeEmbedded
import KubeModel
import Logging
import StageSetAPI
import StageSetCore
import Testing

/// An embedded API server with namespace `apps` and an admin client; actions run for StageSet `apps/demo`.
final class Cluster: Sendable {
    static let configMap = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")

    let server: EmbeddedAPIServer
    let client: KubeClient
    let directory: String

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "actions-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        server = try EmbeddedAPIServer()
        try await server.start()
        try server.writeKubeconfig(to: directory + "/kubeconfig")
        client = try KubeClient(kubeconfig: directory + "/kubeconfig")
        _ = try await client.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: "apps"))
    }

    func stop() async {
        try? await server.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// What an executor gets, acting as the admin or as `client`.
    func context(_ client: (any KubernetesClient)? = nil) -> ActionContext {
        ActionContext(client: client ?? self.client, stageSet: ObjectKey(namespace: "apps", name: "demo"), stage: "app",
                      revision: "main@sha1:0123", logger: Logger(label: "actions-test"))
    }

    /// The admin client acting as a ServiceAccount nobody granted anything.
    var unprivileged: any KubernetesClient {
        client.impersonating(.serviceAccount(namespace: "apps", name: "nobody"))
    }

    @discardableResult
    func configMap(_ name: String, namespace: String = "apps", labels: [String: String] = [:],
                   data: [String: String] = [:]) async throws -> KubeObject {
        var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: name)
        object.labels = labels
        var values: JSONValue = [:]
        for (key, value) in data { values[key] = .string(value) }
        object.object["data"] = values
        return try await client.create(object)
    }

    func data(of name: String, namespace: String = "apps") async throws -> [String: String] {
        let object = try await client.get(Self.configMap, namespace: namespace, name: name)
        return (object.json["data"]?.objectValue ?? [:]).reduce(into: [:]) { $0[$1.key] = $1.value.stringValue }
    }
}

/// Runs `body` and returns the ``StageSetError`` it throws; records an issue when it succeeds or throws
/// anything else.
func failure(_ body: () async throws -> ActionResult) async -> StageSetError? {
    do {
        let result = try await body()
        Issue.record("expected a failure, got \(result.message)")
    } catch let error as StageSetError {
        return error
    } catch {
        Issue.record("expected a StageSetError, got \(error)")
    }
    return nil
}
