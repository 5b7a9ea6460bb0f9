import Foundation
import KubeModel
import Render
import Testing

/// A directory without a kustomization file builds as Flux's generated kustomization does.
struct FluxDirectoryTests {
    static func configMap(_ name: String) -> String {
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\ndata:\n  k: v\n"
    }

    static let tree: [String: String] = [
        "a.yaml": configMap("a"),
        "top.json": #"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "top-json"}}"#,
        "notes.md": "# not a manifest\n",
        "sub/b.yml": configMap("b"),
        "sub/nested.json": "this is not read",
        "sub/deep/c.yaml": configMap("c") + "---\n" + configMap("c2"),
        "app/kustomization.yaml": "namePrefix: app-\nresources: [x.yaml]\n",
        "app/x.yaml": configMap("x"),
        "app/ignored.yaml": configMap("not-listed"),
        "empty.yaml": "",
    ]

    @Test func filesAndKustomizationDirectories() throws {
        let root = try Fixtures.temporaryTree(Self.tree)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let names = try Kustomize.build(root: root).compactMap { $0["metadata"]?["name"]?.stringValue }
        #expect(names == ["a", "app-x", "b", "c", "c2", "top-json"])
    }

    /// The same tree with the kustomization Flux would generate renders identically under kubectl.
    @Test(.enabled(if: Fixtures.kubectl != nil, "kubectl is not installed"))
    func matchesKubectlWithGeneratedKustomization() throws {
        let root = try Fixtures.temporaryTree(Self.tree)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ours = try Kustomize.build(root: root)
        let explicit = "resources:\n- a.yaml\n- app\n- empty.yaml\n- sub/b.yml\n- sub/deep/c.yaml\n- top.json\n"
        try Data(explicit.utf8).write(to: URL(fileURLWithPath: root + "/kustomization.yaml"))
        #expect(ours == (try Fixtures.kubectlKustomize(root)))
    }

    @Test func subdirectoryPath() throws {
        let root = try Fixtures.temporaryTree(Self.tree)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let names = try Kustomize.build(root: root, path: "./sub/deep").compactMap { $0["metadata"]?["name"]?.stringValue }
        #expect(names == ["c", "c2"])
        // `.json` files are picked up at the top of the built path, so `sub/nested.json` counts here.
        #expect(throws: RenderError.self) { try Kustomize.build(root: root, path: "sub") }
    }

    @Test func invalidManifestFails() throws {
        let root = try Fixtures.temporaryTree(["bad.yaml": "- just\n- a list\n"])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: RenderError.self) { try Kustomize.build(root: root) }
    }
}
