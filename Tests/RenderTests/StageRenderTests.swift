import Foundation
import KubeModel
import Render
import StageSetAPI
import Testing

/// Stage patches join the top kustomization's patches; substitution runs after the build.
struct StageRenderTests {
    static let tree: [String: String] = [
        "app/kustomization.yaml": "namePrefix: app-\nresources: [deploy.yaml, cm.yaml]\n",
        "app/deploy.yaml": """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {tier: front}
            spec:
              replicas: ${replicas:=1}
              template:
                spec:
                  containers:
                  - name: app
                    image: "nginx:${tag}"
                    env:
                    - name: PORT
                      value: "${port}"
            """,
        "app/cm.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              annotations:
                kustomize.toolkit.fluxcd.io/substitute: disabled
            data:
              raw: ${tag}
            """,
    ]

    @Test func patchesAndSubstitution() async throws {
        let root = try Fixtures.temporaryTree(Self.tree)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var selector = PatchSelector()
        selector.kind = "Deployment"
        selector.labelSelector = "tier=front"
        let patches = [
            KustomizePatch(patch: "- op: add\n  path: /metadata/annotations\n  value: {stage: prod}\n", target: selector),
            KustomizePatch(patch: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  paused: true\n"),
        ]
        let objects = try await StageRender.render(
            root: root, path: "app", patches: patches,
            postBuild: PostBuild(substitute: ["tag": "1.27", "port": "8080", "replicas": "4"]))
        #expect(objects.count == 2)
        let configMap = objects[0]
        let deployment = objects[1]
        #expect(configMap["data"]?["raw"] == "${tag}")
        #expect(deployment["metadata"]?["name"] == "app-web")
        #expect(deployment["metadata"]?["annotations"]?["stage"] == "prod")
        #expect(deployment["spec"]?["paused"] == true)
        #expect(deployment["spec"]?["replicas"] == 4)
        let container = deployment["spec"]?["template"]?["spec"]?["containers"]?[0]
        #expect(container?["image"] == "nginx:1.27")
        // Quoted in the source: stays a string, as Flux's text substitution keeps it.
        #expect(container?["env"]?[0]?["value"] == "8080")
    }

    @Test func strictModeFails() async throws {
        let root = try Fixtures.temporaryTree(Self.tree)
        defer { try? FileManager.default.removeItem(atPath: root) }
        await #expect(throws: RenderError.self) {
            try await StageRender.render(root: root, path: "app", postBuild: PostBuild(substitute: ["tag": "1"]), strict: true)
        }
        let objects = try await StageRender.render(
            root: root, path: "app", postBuild: PostBuild(substitute: ["tag": "1", "port": "1"]), strict: true)
        #expect(objects[1]["spec"]?["replicas"] == 1)
    }

    @Test func invalidStagePatchNamesIt() async throws {
        let root = try Fixtures.temporaryTree(Self.tree)
        defer { try? FileManager.default.removeItem(atPath: root) }
        do {
            _ = try await StageRender.render(root: root, path: "app", patches: [KustomizePatch(patch: "- op: remove\n  path: /x\n")])
            Issue.record("expected an error")
        } catch let error as RenderError {
            #expect(error.field == "stage patches[0].target")
        }
    }
}
