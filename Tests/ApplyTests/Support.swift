import Apply
import Foundation
import KubeAPI
import KubeClient
import KubeEmbedded
import KubeModel
import Logging
import StageSetAPI
import StageSetCore
import Testing

/// A started `EmbeddedAPIServer` (HTTPS, RBAC, SSA) and an admin `KubeClient` configured from its kubeconfig.
struct Cluster {
    let server: EmbeddedAPIServer
    let client: KubeClient

    static func with(simulator: WorkloadSimulator = WorkloadSimulator(),
                     _ body: (Cluster) async throws -> Void) async throws {
        var options = EmbeddedAPIServer.Options()
        options.simulator = simulator
        let server = try EmbeddedAPIServer(options: options)
        try await server.start()
        do {
            let directory = FileManager.default.temporaryDirectory.appending(path: "apply-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try server.writeKubeconfig(to: directory + "/kubeconfig")
            try await body(Cluster(server: server, client: try KubeClient(kubeconfig: directory + "/kubeconfig")))
        } catch {
            try? await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }

    /// Creates (or keeps) a namespace with the admin client.
    func namespace(_ name: String) async throws {
        _ = try await client.apply(
            KubeObject(apiVersion: "v1", kind: "Namespace", name: name),
            options: ApplyOptions(fieldManager: "test", force: true))
    }

    func get(_ apiVersion: String, _ kind: String, namespace: String = "", name: String) async throws -> KubeObject? {
        try await client.getIfExists(GroupVersionKind(apiVersion: apiVersion, kind: kind), namespace: namespace, name: name)
    }
}

/// Builders for the objects and StageSets the tests use.
enum Make {
    static let stageSetNamespace = "apps"

    static func object(_ json: JSONValue) throws -> KubeObject {
        try #require(KubeObject(json: json))
    }

    static func configMap(_ name: String, namespace: String? = nil, data: JSONValue = ["k": "v"]) -> KubeObject {
        var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", namespace: namespace ?? "", name: name)
        object.object["data"] = data
        return object
    }

    static func deployment(_ name: String, annotations: [String: String] = [:]) -> KubeObject {
        var object = KubeObject(apiVersion: "apps/v1", kind: "Deployment", name: name)
        object.annotations = annotations
        object.object["spec"] = [
            "replicas": 1,
            "selector": ["matchLabels": ["app": .string(name)]],
            "template": [
                "metadata": ["labels": ["app": .string(name)]],
                "spec": ["containers": [["name": "app", "image": "registry.example/app:1"]]],
            ],
        ]
        return object
    }

    static func job(_ name: String, annotations: [String: String] = [:]) -> KubeObject {
        var object = KubeObject(apiVersion: "batch/v1", kind: "Job", name: name)
        object.annotations = annotations
        object.object["spec"] = [
            "backoffLimit": 0,
            "template": [
                "spec": ["restartPolicy": "Never", "containers": [["name": "migrate", "image": "registry.example/m:1"]]],
            ],
        ]
        return object
    }

    /// A namespaced `Gadget` kind in `example.com` with a free-form status and a bounded `spec.size`.
    static func gadgetCRD() throws -> KubeObject {
        let json: JSONValue = [
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": ["name": "gadgets.example.com"],
            "spec": [
                "group": "example.com", "scope": "Namespaced",
                "names": ["kind": "Gadget", "plural": "gadgets", "singular": "gadget"],
                "versions": [[
                    "name": "v1", "served": true, "storage": true, "subresources": ["status": [:]],
                    "schema": ["openAPIV3Schema": [
                        "type": "object",
                        "properties": [
                            "spec": ["type": "object", "properties": [
                                "size": ["type": "integer", "minimum": 0, "maximum": 100],
                            ]],
                            "status": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
                        ],
                    ]],
                ]],
            ],
        ]
        return try object(json)
    }

    static func gadget(_ name: String, size: Int64 = 1) -> KubeObject {
        var object = KubeObject(apiVersion: "example.com/v1", kind: "Gadget", name: name)
        object.object["spec"] = ["size": .int(size)]
        return object
    }

    static func stage(_ name: String = "web", configure: (inout Stage) -> Void = { _ in }) -> Stage {
        var stage = Stage(name: name, sourceRef: SourceReference(kind: "ExternalArtifact", name: "bundle"))
        configure(&stage)
        return stage
    }

    static func work(_ objects: [KubeObject], stage: Stage = stage(),
                     configure: (inout StageSetSpec) -> Void = { _ in }) -> StageWork {
        var spec = StageSetSpec(stages: [stage])
        configure(&spec)
        let stageSet = StageSet(metadata: ObjectMeta(name: "shop", namespace: stageSetNamespace), spec: spec)
        let source = ResolvedSource(
            object: ObjectIdentity(namespace: stageSetNamespace, name: "bundle", group: "source.toolkit.fluxcd.io",
                                   kind: "ExternalArtifact"),
            artifact: Artifact(url: "http://127.0.0.1/bundle.tar.gz", digest: "sha256:00", revision: "v1"))
        var work = StageWork(stageSet: stageSet, stage: stage, source: source)
        work.objects = objects
        return work
    }

    static func context(_ client: any KubernetesClient) -> StageContext {
        StageContext(registry: PluginRegistry(), client: client, logger: Logger(label: "apply-tests", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static func identity(_ kind: String, _ name: String, group: String = "",
                         namespace: String = stageSetNamespace) -> ObjectIdentity {
        ObjectIdentity(namespace: namespace, name: name, group: group, kind: kind)
    }
}

extension KubeObject {
    func withNamespace(_ namespace: String) -> KubeObject {
        var copy = self
        copy.namespace = namespace
        return copy
    }
}

/// Runs `step` and returns the `StageSetError` it throws (records an issue when it throws none or another error).
func failure(of step: some StageStep, _ work: inout StageWork, context: StageContext,
             sourceLocation: SourceLocation = #_sourceLocation) async -> StageSetError? {
    do {
        try await step.run(&work, context: context)
        Issue.record("the step succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as StageSetError {
        return error
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
