import Foundation
import KubeAPI
import KubeClient
import KubeEmbedded
import KubeModel
import Testing
import YAML

/// The generated CRDs are accepted by a Kubernetes-compatible API server (the embedded one, over
/// HTTPS through KubeClient), and every bundled example StageSet is accepted by their schema.
@Suite(.timeLimit(.minutes(2)))
struct CRDServingTests {
    static let crdKind = GroupVersionKind(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition")
    static let namespaceKind = GroupVersionKind(group: "", version: "v1", kind: "Namespace")

    @Test func generatedCRDsServeEveryExample() async throws {
        var options = EmbeddedAPIServer.Options()
        options.simulator = .disabled
        let server = try EmbeddedAPIServer(options: options)
        try await server.start()
        do {
            try await exercise(server)
        } catch {
            try? await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }

    private func exercise(_ server: EmbeddedAPIServer) async throws {
        let kubeconfig = FileManager.default.temporaryDirectory.appending(path: "crd-serving-\(UUID().uuidString).kubeconfig").path
        try server.writeKubeconfig(to: kubeconfig)
        defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
        let client = try KubeClient(kubeconfig: kubeconfig)
        let apply = ApplyOptions(fieldManager: "crd-serving-test", force: true)

        let crdDirectory = CRDGeneratorTests.root.appending(path: "deploy/crds").path
        for name in try FileManager.default.contentsOfDirectory(atPath: crdDirectory).sorted() where name.hasPrefix("stages.") {
            let crd = try #require(KubeObject(json: try YAML.decode(String(contentsOfFile: crdDirectory + "/" + name, encoding: .utf8))))
            _ = try await client.apply(crd, options: apply)
            // Wait until the server reports the CRD Established.
            let events = try await client.watch(Self.crdKind, namespace: nil, options: WatchOptions(fieldSelector: "metadata.name=\(crd.name)"))
            for try await event in events where event.object.conditions.isTrue("Established") { break }
        }

        let examples = CRDGeneratorTests.root.appending(path: "examples").path
        var applied = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: examples).sorted() where name.hasSuffix(".yaml") {
            for document in try YAML.decodeAll(String(contentsOfFile: examples + "/" + name, encoding: .utf8)) {
                let object = try #require(KubeObject(json: document))
                var namespace = KubeObject(apiVersion: "v1", kind: "Namespace", name: object.namespace)
                namespace.labels = ["test": "crd-serving"]
                _ = try await client.apply(namespace, options: apply)
                do {
                    _ = try await client.apply(object, options: apply)
                    applied += 1
                } catch {
                    Issue.record("\(name) \(object.name): \(error)")
                }
            }
        }
        #expect(applied >= 27)

        // The schema rejects what it declares: an unknown enum value.
        var invalid = KubeObject(apiVersion: "stages.metio.wtf/v1", kind: "StageSet", namespace: "default", name: "bad-scope")
        invalid.object["spec"] = ["windowScope": "Sometimes", "stages": [["name": "a", "sourceRef": ["name": "a"]]]]
        await #expect(throws: KubeError.self) { _ = try await client.apply(invalid, options: apply) }
    }
}
