import CRDGenerator
import Foundation
import KubeModel
import StageSetAPI
import Testing
import YAML

struct CRDGeneratorTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func generate(registry: ActionOperationRegistry = .builtIn) throws -> [CRDGenerator.File] {
        let sources = try CRDSourceFiles.read(directories: [root.appending(path: "Sources/StageSetAPI").path])
        return try CRDGenerator(registry: registry, sources: sources).generate()
    }

    static func crd(_ files: [CRDGenerator.File], _ plural: String) throws -> JSONValue {
        let file = try #require(files.first { $0.name == "stages.metio.wtf_\(plural).yaml" })
        return try YAML.decode(file.content)
    }

    @Test func committedCRDsMatchTheGenerator() throws {
        let stale = try CRDSourceFiles.sync(Self.generate(), into: Self.root.appending(path: "deploy/crds").path, write: false)
        #expect(stale == [], "run `make crds` and commit deploy/crds")
    }

    @Test func stageSetCRDHasTheKubernetesShape() throws {
        let crd = try Self.crd(Self.generate(), "stagesets")
        #expect(crd[path: "metadata", "name"] == "stagesets.stages.metio.wtf")
        #expect(crd[path: "spec", "scope"] == "Namespaced")
        let version = try #require(crd[path: "spec", "versions"]?[0])
        #expect(version["name"] == "v1")
        #expect(version[path: "subresources", "status"] == [:])
        let columns = version["additionalPrinterColumns"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(columns == ["Ready", "Reason", "Stages", "Status", "Age"])
        let spec = try #require(version[path: "schema", "openAPIV3Schema", "properties", "spec"])
        #expect(spec["required"]?.arrayValue?.contains("stages") == true)
        let stage = try #require(spec[path: "properties", "stages", "items"])
        #expect(stage["required"]?.arrayValue?.contains("name") == true)
        #expect(stage[path: "properties", "name", "description"]?.stringValue?.isEmpty == false)
        let windowScope = try #require(spec[path: "properties", "windowScope"])
        #expect(windowScope["enum"] == ["Updates", "All"])
    }

    @Test func actionUnionOffersEveryRegisteredOperation() throws {
        let crd = try Self.crd(Self.generate(), "stagesets")
        let action = try #require(
            crd[path: "spec", "versions"]?[0]?[path: "schema", "openAPIV3Schema", "properties", "spec", "properties", "stages",
                "items", "properties", "actions", "properties", "pre", "items"])
        for key in ["patch", "http", "wait", "job", "delete", "apply"] {
            #expect(action[path: "properties", key, "type"] == "object", "\(key)")
        }
    }

    /// Every schema node is structural: it has a type, or preserves unknown fields.
    @Test func schemasAreStructural() throws {
        for file in try Self.generate() where file.name != "kustomization.yaml" {
            let crd = try YAML.decode(file.content)
            let schema = try #require(crd[path: "spec", "versions"]?[0]?[path: "schema", "openAPIV3Schema"])
            var problems: [String] = []
            Self.checkStructural(schema, path: file.name, problems: &problems)
            #expect(problems == [])
        }
    }

    static func checkStructural(_ node: JSONValue, path: String, problems: inout [String]) {
        if node["type"] == nil && node["x-kubernetes-preserve-unknown-fields"] != true {
            problems.append("\(path): no type")
        }
        if node["properties"] != nil && node["additionalProperties"] != nil {
            problems.append("\(path): properties and additionalProperties")
        }
        for (key, child) in node["properties"]?.objectValue ?? [:] {
            checkStructural(child, path: "\(path).\(key)", problems: &problems)
        }
        if let items = node["items"] { checkStructural(items, path: "\(path)[]", problems: &problems) }
        if let values = node["additionalProperties"], values.objectValue != nil {
            checkStructural(values, path: "\(path){}", problems: &problems)
        }
    }
}
