import Foundation
import KubeModel
import Render
import Testing

/// Bad input fails with an error naming the file and field; no objects are returned.
struct BadInputTests {
    static let configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n"

    static func failure(_ files: [String: String], path: String = "", setup: (String) throws -> Void = { _ in }) throws -> RenderError {
        let root = try Fixtures.temporaryTree(files)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try setup(root)
        do {
            let objects = try Kustomize.build(root: root, path: path)
            throw TestFailure("expected an error, got \(objects.count) objects")
        } catch let error as RenderError {
            return error
        }
    }

    @Test func unknownField() throws {
        let error = try Self.failure(["kustomization.yaml": "resources: [cm.yaml]\nbogus: 1\n", "cm.yaml": Self.configMap])
        #expect(error.file == "kustomization.yaml")
        #expect(error.field == "bogus")
    }

    @Test(arguments: ["vars", "replacements", "helmCharts", "crds", "configurations", "transformers"])
    func unsupportedField(_ field: String) throws {
        let error = try Self.failure(["kustomization.yaml": "\(field): []\n"])
        #expect(error.field == field)
        #expect(error.message.contains("not supported"))
    }

    @Test func unknownNestedField() throws {
        let error = try Self.failure([
            "kustomization.yaml": "configMapGenerator:\n- name: x\n  literal: [a=b]\n"
        ])
        #expect(error.field == "configMapGenerator[0].literal")
    }

    @Test func cycle() throws {
        let error = try Self.failure([
            "kustomization.yaml": "resources: [a]\n", "a/kustomization.yaml": "resources: [../b]\n",
            "b/kustomization.yaml": "resources: [../a]\n",
        ])
        #expect(error.description.contains("cycle"))
        #expect(error.description.contains("a -> b -> a"))
    }

    @Test func missingFile() throws {
        let error = try Self.failure(["kustomization.yaml": "resources:\n- cm.yaml\n- missing.yaml\n", "cm.yaml": Self.configMap])
        #expect(error.file == "kustomization.yaml")
        #expect(error.field == "resources[1]")
        #expect(error.message.contains("missing.yaml"))
    }

    @Test func missingPatchFile() throws {
        let error = try Self.failure([
            "kustomization.yaml": "resources: [cm.yaml]\npatches:\n- path: nope.yaml\n", "cm.yaml": Self.configMap,
        ])
        #expect(error.field == "patches[0].path")
    }

    @Test func parentEscape() throws {
        let error = try Self.failure(["kustomization.yaml": "resources:\n- ../../etc/passwd\n"])
        #expect(error.field == "resources[0]")
        #expect(error.message.contains("leaves the artifact root"))
    }

    @Test func absolutePath() throws {
        let error = try Self.failure(["kustomization.yaml": "resources:\n- /etc/hosts\n"])
        #expect(error.field == "resources[0]")
        #expect(error.message.contains("absolute"))
    }

    @Test func symlinkEscape() throws {
        let error = try Self.failure(["kustomization.yaml": "resources:\n- link.yaml\n"]) { root in
            try FileManager.default.createSymbolicLink(atPath: root + "/link.yaml", withDestinationPath: "/etc/hostname")
        }
        #expect(error.field == "resources[0]")
        #expect(error.message.contains("outside the artifact root"))
    }

    @Test func symlinkedDirectoryEscape() throws {
        let error = try Self.failure([:]) { root in
            try FileManager.default.createSymbolicLink(atPath: root + "/etc", withDestinationPath: "/etc")
        }
        #expect(error.message.contains("outside the artifact root"))
    }

    @Test func generatorFileEscape() throws {
        let error = try Self.failure(["kustomization.yaml": "configMapGenerator:\n- name: x\n  files: [../secret.txt]\n"])
        #expect(error.field == "configMapGenerator[0].files[0]")
    }

    @Test func remoteResource() throws {
        let error = try Self.failure(["kustomization.yaml": "resources:\n- https://github.com/org/repo//base?ref=v1\n"])
        #expect(error.field == "resources[0]")
        #expect(error.message.contains("remote"))
    }

    @Test func invalidJSONPatchOperation() throws {
        let error = try Self.failure([
            "kustomization.yaml":
                "resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: '[{\"op\": \"bogus\", \"path\": \"/a\"}]'\n",
            "cm.yaml": Self.configMap,
        ])
        #expect(error.field == "patches[0]")
        #expect(error.message.contains("bogus"))
    }

    @Test func jsonPatchOnMissingPath() throws {
        let error = try Self.failure([
            "kustomization.yaml":
                "resources: [cm.yaml]\npatches:\n- target: {kind: ConfigMap}\n  patch: '[{\"op\": \"replace\", \"path\": \"/spec/x\", \"value\": 1}]'\n",
            "cm.yaml": Self.configMap,
        ])
        #expect(error.field == "patches[0]")
        #expect(error.message.contains("ConfigMap cm"))
    }

    @Test func jsonPatchWithoutTarget() throws {
        let error = try Self.failure([
            "kustomization.yaml": "resources: [cm.yaml]\npatches:\n- patch: '[{\"op\": \"remove\", \"path\": \"/data\"}]'\n",
            "cm.yaml": Self.configMap,
        ])
        #expect(error.field == "patches[0].target")
    }

    @Test func strategicPatchWithoutMatch() throws {
        let error = try Self.failure([
            "kustomization.yaml": "resources: [cm.yaml]\npatches:\n- patch: |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: other\n",
            "cm.yaml": Self.configMap,
        ])
        #expect(error.field == "patches[0]")
        #expect(error.message.contains("no resource matches"))
    }

    @Test func invalidYAML() throws {
        let error = try Self.failure(["kustomization.yaml": "resources: [cm.yaml]\n", "cm.yaml": "a: [unclosed\n"])
        #expect(error.file == "cm.yaml")
    }

    @Test func objectWithoutName() throws {
        let error = try Self.failure(["kustomization.yaml": "resources: [cm.yaml]\n", "cm.yaml": "apiVersion: v1\nkind: ConfigMap\n"])
        #expect(error.file == "cm.yaml")
        #expect(error.field == "metadata.name")
    }

    @Test func duplicateResource() throws {
        let error = try Self.failure(["kustomization.yaml": "resources: [cm.yaml, again.yaml]\n", "cm.yaml": Self.configMap, "again.yaml": Self.configMap])
        #expect(error.field == "resources[1]")
        #expect(error.message.contains("already registered"))
    }

    @Test func nestedDirectoryWithoutKustomization() throws {
        let error = try Self.failure(["kustomization.yaml": "resources: [plain]\n", "plain/cm.yaml": Self.configMap])
        #expect(error.file == "plain")
    }

    @Test func componentMisuse() throws {
        let component = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
        let asResource = try Self.failure(["kustomization.yaml": "resources: [c]\n", "c/kustomization.yaml": component])
        #expect(asResource.field == "kind")
        let notComponent = try Self.failure(["kustomization.yaml": "components: [c]\n", "c/kustomization.yaml": "resources: []\n"])
        #expect(notComponent.field == "kind")
    }

    @Test func mergeWithoutBase() throws {
        let error = try Self.failure(["kustomization.yaml": "configMapGenerator:\n- name: x\n  behavior: merge\n  literals: [a=b]\n"])
        #expect(error.field == "configMapGenerator[0].behavior")
    }

    @Test func nonStringLabel() throws {
        let error = try Self.failure(["kustomization.yaml": "commonLabels:\n  enabled: true\n"])
        #expect(error.field == "commonLabels.enabled")
    }

    @Test func buildPathEscape() throws {
        let root = try Fixtures.temporaryTree(["a/cm.yaml": Self.configMap])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: RenderError.self) { try Kustomize.build(root: root + "/a", path: "../") }
        #expect(throws: RenderError.self) { try Kustomize.build(root: root, path: "missing") }
    }
}

extension BadInputTests {
    @Test func deepNestingIsRefused() throws {
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        let error = try Self.failure([
            "kustomization.yaml": "resources: [cm.yaml]\n",
            "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  x: \(deep)\n",
        ])
        #expect(error.file == "cm.yaml")
    }
}
