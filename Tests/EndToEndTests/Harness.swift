import Foundation
import KubeAPI
import KubeClient
import KubeEmbedded
import KubeModel
import Logging
import StageSetAPI
import StageSetController
import StageSetCore
import StageSetRuntime
import Testing
import YAML

/// An embedded API server + artifact server with the real controller running against it over HTTPS.
final class Harness: Sendable {
    static let stageSetKind = GroupVersionKind(group: "stages.metio.wtf", version: "v1", kind: "StageSet")
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appending(path: "../..").standardized.path

    let environment: EmbeddedEnvironment
    let workDirectory: String
    private let controller: Task<Void, Never>

    var client: KubeClient { environment.client }
    var artifacts: ArtifactServer { environment.artifacts }

    private init(environment: EmbeddedEnvironment, workDirectory: String, controller: Task<Void, Never>) {
        self.environment = environment
        self.workDirectory = workDirectory
        self.controller = controller
    }

    /// Starts the servers and the controller (verify polls every 50 ms; nothing else differs from production).
    /// - Parameter namespace: the one namespace the controller watches (`--watch-namespaces`); `nil` for all.
    static func start(registry: PluginRegistry? = nil, namespace: String? = nil) async throws -> Harness {
        let registry = try registry ?? PluginRegistry.standard()
        let work = FileManager.default.temporaryDirectory.appending(path: "stageset-e2e-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        var logger = Logger(label: "e2e") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        let environment = try await EmbeddedEnvironment.start(
            kubeconfigOut: work + "/kubeconfig", logger: logger, operations: registry.operations)
        var options = ReconcilerOptions()
        options.errorBackoff = .milliseconds(200)
        let reconciler = Reconciler(
            client: environment.client, registry: registry,
            pipeline: try .standard(allowLoopbackArtifacts: true, verifyPollInterval: .milliseconds(50)),
            options: options, logger: logger, identity: TenantClients(controller: environment.client).client)
        let controller = StageSetController(reconciler: reconciler, namespace: namespace)
        return Harness(environment: environment, workDirectory: work, controller: Task { await controller.run() })
    }

    func stop() async {
        controller.cancel()
        await controller.value
        await environment.shutdown()
        try? FileManager.default.removeItem(atPath: workDirectory)
    }

    /// Writes `files` (relative path → content) into a fresh source directory and publishes it.
    @discardableResult
    func publish(_ name: String, namespace: String, kind: ArtifactServer.Kind = .externalArtifact,
                 files: [String: String]) throws -> PublishedArtifact {
        let directory = workDirectory + "/sources/\(namespace)/\(name)"
        try? FileManager.default.removeItem(atPath: directory)
        for (path, content) in files {
            let file = directory + "/" + path
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(toFile: file, atomically: true, encoding: .utf8)
        }
        return try artifacts.publish(directory: directory, kind: kind, namespace: namespace, name: name)
    }

    func apply(_ yaml: String) async throws {
        for document in try YAML.decodeAll(yaml).compactMap(KubeObject.init(json:)) {
            _ = try await client.apply(document, options: ApplyOptions(fieldManager: "e2e", force: true))
        }
    }

    /// Waits (watching, bounded) until the StageSet satisfies `condition`; returns it.
    @discardableResult
    func waitForStageSet(_ key: ObjectKey, timeout: Duration = .seconds(60), _ what: String,
                         until condition: @escaping @Sendable (KubeObject) -> Bool) async throws -> KubeObject {
        try await waitFor(Self.stageSetKind, key, timeout: timeout, what, until: condition)
    }

    /// Waits (watching, bounded) until the object satisfies `condition`; returns it.
    func waitFor(_ gvk: GroupVersionKind, _ key: ObjectKey, timeout: Duration = .seconds(60), _ what: String,
                 until condition: @escaping @Sendable (KubeObject) -> Bool) async throws -> KubeObject {
        let client = self.client
        return try await withThrowingTaskGroup(of: KubeObject?.self) { group in
            group.addTask {
                while true {
                    let list = try await client.list(
                        gvk, namespace: key.namespace, options: ListOptions(fieldSelector: "metadata.name=\(key.name)"))
                    if let object = list.items.first, condition(object) { return object }
                    let stream = try await client.watch(
                        gvk, namespace: key.namespace,
                        options: WatchOptions(fieldSelector: "metadata.name=\(key.name)", resourceVersion: list.resourceVersion))
                    for try await event in stream where [.added, .modified].contains(event.type) && condition(event.object) {
                        return event.object
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let found = try await group.next() ?? nil else {
                let current = try? await client.get(gvk, namespace: key.namespace, name: key.name)
                Issue.record("timed out waiting for \(what); last seen: \(current.map { "\($0.json["status"] ?? .null)" } ?? "nothing")")
                throw CancellationError()
            }
            return found
        }
    }
}

/// Reads a StageSet's Ready condition.
extension KubeObject {
    var ready: Condition? {
        (json["status"]?["conditions"]?.arrayValue ?? []).compactMap(Condition.init(json:)).condition("Ready")
    }

    var stageStatuses: [JSONValue] { json["status"]?["stages"]?.arrayValue ?? [] }

    func stage(_ name: String) -> JSONValue? { stageStatuses.first { $0["name"]?.stringValue == name } }
}

