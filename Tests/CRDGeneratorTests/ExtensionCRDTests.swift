import CRDGenerator
import KubeModel
import StageSetAPI
import Testing

/// An extension author registers one operation type; the generated CRD offers it in every action list.
struct PageAction: ActionOperationSpec, Hashable {
    static let summary = "Page pages the on-call engineer."
    /// Who to page.
    var team: String
    /// Urgency: high or low.
    var urgency: String?

    static let schemaDefaults: [String: JSONValue] = ["urgency": "high"]
    static let apiServerDefaultedFields: Set<String> = ["urgency"]
}

struct ExtensionCRDTests {
    @Test func registeredOperationAppearsInTheActionUnion() throws {
        var registry = ActionOperationRegistry.builtIn
        try registry.register(PageAction.self, as: "page")
        let source = """
            /// A pager call.
            struct PageAction {
                /// Who to page.
                var team: String
            }
            """
        let files = try CRDGenerator(registry: registry, sources: [source]).generate()
        let crd = try CRDGeneratorTests.crd(files, "stagesets")
        let spec = try #require(crd[path: "spec", "versions"]?[0]?[path: "schema", "openAPIV3Schema", "properties", "spec"])
        let onRollback = try #require(spec[path: "properties", "onRollback", "items"])
        let page = try #require(onRollback[path: "properties", "page"])
        #expect(page["description"] == "Page pages the on-call engineer.")
        #expect(page["required"] == ["team"])
        #expect(page[path: "properties", "team", "description"] == "Who to page.")
        #expect(page[path: "properties", "urgency", "default"] == "high")
        #expect(onRollback["description"]?.stringValue?.contains("patch, http, wait, job, delete, apply, page") == true)
        // The built-in generator does not know it.
        let plain = try CRDGeneratorTests.crd(CRDGeneratorTests.generate(), "stagesets")
        #expect(plain[path: "spec", "versions"]?[0]?[path: "schema", "openAPIV3Schema", "properties", "spec", "properties",
            "onRollback", "items", "properties", "page"] == nil)
    }
}
