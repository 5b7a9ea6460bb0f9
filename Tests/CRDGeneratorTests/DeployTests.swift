import Foundation
import KubeModel
import StageSetTesting
import Testing
import YAML

/// `deploy/` is a kustomization that installs the controller; kubectl must render it.
struct DeployTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(.enabled(if: Kubectl.path != nil, "kubectl is not installed"))
    func kubectlKustomizeRendersTheInstallation() throws {
        let result = try Kubectl.run(["kustomize", Self.root.appending(path: "deploy").path])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try YAML.decodeAll(result.stdout)
        let kinds = objects.compactMap { object -> String? in
            guard let kind = object["kind"]?.stringValue, let name = object[path: "metadata", "name"]?.stringValue else { return nil }
            return "\(kind)/\(name)"
        }
        for expected in [
            "CustomResourceDefinition/stagesets.stages.metio.wtf",
            "CustomResourceDefinition/stageinventories.stages.metio.wtf",
            "CustomResourceDefinition/stageledgers.stages.metio.wtf",
            "ClusterRole/stageset-controller", "Deployment/stageset-controller", "Namespace/stageset-system",
        ] {
            #expect(kinds.contains(expected), "\(expected)")
        }
        // The controller reads no Secrets or ConfigMaps with its own identity.
        let role = try #require(objects.first { $0["kind"] == "ClusterRole" })
        let resources = (role["rules"]?.arrayValue ?? []).flatMap { $0["resources"]?.arrayValue ?? [] }
        #expect(!resources.contains("secrets") && !resources.contains("configmaps"))
    }
}
