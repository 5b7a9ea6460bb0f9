import CRDGenerator
import Foundation
import KubeAPI
public import KubeClient
public import KubeEmbedded
public import KubeModel
public import Logging
public import StageSetAPI
import YAML

/// The no-cluster default: the embedded API server (with the StageSet CRDs installed), a client over real
/// HTTPS to it, and the embedded artifact server playing source-controller. Also what end-to-end tests
/// start.
public final class EmbeddedEnvironment: Sendable {
    public let server: EmbeddedAPIServer
    public let artifacts: ArtifactServer
    /// The admin client, over HTTPS on loopback.
    public let client: KubeClient
    /// The kubeconfig written for kubectl and the client.
    public let kubeconfigPath: String

    private init(server: EmbeddedAPIServer, artifacts: ArtifactServer, client: KubeClient, kubeconfigPath: String) {
        self.server = server
        self.artifacts = artifacts
        self.client = client
        self.kubeconfigPath = kubeconfigPath
    }

    /// Starts both servers on ephemeral loopback ports, writes the kubeconfig, installs the CRDs.
    /// - Parameter operations: the action operations the installed StageSet CRD offers (an extension's
    ///   registry adds its own).
    public static func start(kubeconfigOut: String, logger: Logger, operations: ActionOperationRegistry = .builtIn)
        async throws -> EmbeddedEnvironment
    {
        let server = try EmbeddedAPIServer()
        try await server.start(host: "127.0.0.1", port: 0)
        try server.writeKubeconfig(to: kubeconfigOut)
        logger.notice(
            "no kubeconfig and no in-cluster ServiceAccount: running against the embedded Kubernetes-compatible API server (for trials and tests, not production)",
            metadata: ["url": "\(server.url)", "kubeconfig": "\(kubeconfigOut)"])
        let client = try KubeClient(kubeconfig: kubeconfigOut)
        try await installStageSetCRDs(client, operations: operations)
        let artifacts = ArtifactServer(apiServer: server)
        try await artifacts.start()
        logger.info("embedded artifact server started", metadata: ["url": "\(artifacts.url)"])
        return EmbeddedEnvironment(server: server, artifacts: artifacts, client: client, kubeconfigPath: kubeconfigOut)
    }

    public func shutdown() async {
        try? await artifacts.shutdown()
        try? await server.shutdown()
    }

    /// Applies the generated StageSet, StageInventory and StageLedger CRDs and waits until they are served.
    private static func installStageSetCRDs(_ client: KubeClient, operations: ActionOperationRegistry) async throws {
        let crdKind = GroupVersionKind(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition")
        var names: [String] = []
        for file in try CRDGenerator(registry: operations, sources: []).generate() where file.name != "kustomization.yaml" {
            guard let crd = KubeObject(json: try YAML.decode(file.content)) else { continue }
            _ = try await client.apply(crd, options: ApplyOptions(fieldManager: "stageset-controller", force: true))
            names.append(crd.name)
        }
        for name in names {
            try await waitUntil(timeout: .seconds(30), "CRD \(name) Established") {
                let crd = try await client.get(crdKind, name: name)
                let conditions = (crd.json["status"]?["conditions"]?.arrayValue ?? []).compactMap(Condition.init(json:))
                return conditions.isTrue("Established")
            }
        }
    }

    /// Publishes the quickstart's sources and applies its manifests (Namespaces first).
    public func installQuickstart(directory: String, logger: Logger) async throws {
        let documents = try Quickstart.documents(in: directory)
        let applyOptions = ApplyOptions(fieldManager: "stageset-quickstart", force: true)
        for object in documents where object.kind == "Namespace" {
            _ = try await client.apply(object, options: applyOptions)
        }
        for object in documents where object.kind == "StageSet" {
            for stage in object.json["spec"]?["stages"]?.arrayValue ?? [] {
                let ref = stage["sourceRef"]
                guard let name = ref?["name"]?.stringValue else { continue }
                let kind = ref?["kind"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "ExternalArtifact"
                let namespace = ref?["namespace"]?.stringValue ?? object.namespace
                guard let sourceKind = ArtifactServer.Kind(rawValue: kind) else {
                    throw ExitFailure("quickstart: the embedded artifact server publishes ExternalArtifact and GitRepository, not \(kind)")
                }
                let published = try artifacts.publish(
                    directory: directory + "/sources/" + name, kind: sourceKind, namespace: namespace, name: name)
                logger.info("published quickstart source", metadata: [
                    "source": "\(kind) \(namespace)/\(name)", "revision": "\(published.revision)",
                ])
            }
        }
        for object in documents where object.kind != "Namespace" {
            _ = try await client.apply(object, options: applyOptions)
        }
        logger.info("quickstart applied", metadata: [
            "watch": "kubectl --kubeconfig \(kubeconfigPath) get stagesets -A -w",
        ])
    }
}

/// The bundled quickstart (`examples/quickstart`): `stageset.yaml` and one source directory per stage.
public enum Quickstart {
    /// The documents of `directory/stageset.yaml`.
    public static func documents(in directory: String) throws -> [KubeObject] {
        let path = directory + "/stageset.yaml"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ExitFailure("quickstart: cannot read \(path) (run from the repository root or pass --quickstart-dir)")
        }
        return try YAML.decodeAll(text).compactMap(KubeObject.init(json:))
    }

    /// The StageSet the quickstart rolls out.
    public static func stageSetKey(in directory: String) throws -> ObjectKey {
        guard let stageSet = try documents(in: directory).first(where: { $0.kind == "StageSet" }) else {
            throw ExitFailure("quickstart: \(directory)/stageset.yaml holds no StageSet")
        }
        return stageSet.key
    }
}

/// Polls `condition` until it holds (bounded; used only at start-up).
func waitUntil(timeout: Duration, _ what: String, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw ExitFailure("timed out waiting for \(what)")
}
