import KubeModel
import Render
import StageSetAPI
import Testing

/// Flux envsubst semantics of post-build substitution.
struct SubstitutionTests {
    static let variables = ["name": "web", "empty": "", "count": "3", "flag": "true", "mixed": "Hello World"]

    static func expand(_ text: String, strict: Bool = false, plain: Bool = false) throws -> JSONValue {
        let object: JSONValue = ["kind": "ConfigMap", "metadata": ["name": "x"], "data": ["v": .string(text)]]
        let result = try Substitution.apply(
            to: [object], variables: variables, strict: strict, plainTemplates: plain ? [text] : [])
        return result[0]["data"]?["v"] ?? .null
    }

    @Test(
        "expressions",
        arguments: [
            ("${name}", "web"),
            ("prefix-${name}-suffix", "prefix-web-suffix"),
            ("${missing}", ""),
            ("${missing:=fallback}", "fallback"),
            ("${missing:-fallback}", "fallback"),
            ("${missing=fallback}", "fallback"),
            ("${empty:-fallback}", "fallback"),
            ("${name:-fallback}", "web"),
            ("${missing:-${name}}", "web"),
            ("${missing:-a b c}", "a b c"),
            ("$${name}", "${name}"),
            ("$$name", "$name"),
            ("$name", "$name"),
            ("cost: $5", "cost: $5"),
            ("${#name}", "3"),
            ("${mixed^^}", "HELLO WORLD"),
            ("${mixed,,}", "hello world"),
            ("${name^}", "Web"),
            ("${mixed:6}", "World"),
            ("${mixed:0:5}", "Hello"),
            ("${mixed/World/There}", "Hello There"),
            ("${name//w/W}", "Web"),
            ("${mixed#Hel}", "lo World"),
            ("${mixed%World}", "Hello "),
            ("${mixed##*o}", "rld"),
            ("${mixed%%o*}", "Hell"),
            ("${name}${name}", "webweb"),
        ])
    func expression(_ input: String, _ expected: String) throws {
        #expect(try Self.expand(input) == .string(expected))
    }

    @Test func plainScalarsAreRetyped() throws {
        #expect(try Self.expand("${count}", plain: true) == .int(3))
        #expect(try Self.expand("${flag}", plain: true) == .bool(true))
        #expect(try Self.expand("${count}", plain: false) == .string("3"))
        #expect(try Self.expand("${name}", plain: true) == .string("web"))
    }

    @Test func strictModeFailsOnUnsetWithoutDefault() throws {
        #expect(throws: RenderError.self) { try Self.expand("${missing}", strict: true) }
        #expect(throws: RenderError.self) { try Self.expand("${#missing}", strict: true) }
        #expect(try Self.expand("${missing:=d}", strict: true) == .string("d"))
        #expect(try Self.expand("${missing:-d}", strict: true) == .string("d"))
        #expect(try Self.expand("${empty}", strict: true) == .string(""))
    }

    @Test(arguments: ["${}", "${ name}", "${name", "${name-x}", "${name:-x"])
    func badSyntaxFails(_ input: String) {
        #expect(throws: RenderError.self) { try Self.expand(input) }
    }

    @Test func deepNestingFails() throws {
        let deep = String(repeating: "${missing:-", count: 10_000) + "x" + String(repeating: "}", count: 10_000)
        #expect(throws: RenderError.self) { try Self.expand(deep) }
        #expect(try Self.expand("${missing:-${missing:-${name}}}") == "web")
    }

    @Test func disabledObjectsAreSkipped() throws {
        let labelled: JSONValue = [
            "kind": "ConfigMap", "metadata": ["name": "a", "labels": [.init(stringLiteral: Substitution.disableKey): "disabled"]],
            "data": ["v": "${name}"],
        ]
        let annotated: JSONValue = [
            "kind": "ConfigMap",
            "metadata": ["name": "b", "annotations": [.init(stringLiteral: Substitution.disableKey): "disabled"]],
            "data": ["v": "${name}"],
        ]
        let result = try Substitution.apply(to: [labelled, annotated], variables: ["name": "web"], strict: true)
        #expect(result == [labelled, annotated])
    }

    @Test func noVariablesMeansNoSubstitution() throws {
        let object: JSONValue = ["kind": "ConfigMap", "metadata": ["name": "a"], "data": ["v": "${missing}", "w": "$$"]]
        #expect(try Substitution.apply(to: [object], variables: [:], strict: true) == [object])
    }

    @Test(arguments: ["1abc", "with-dash", "dot.ted", "", "ünïcode"])
    func invalidVariableNamesAreRejected(_ name: String) {
        #expect(!Substitution.isValidName(name))
        let object: JSONValue = ["kind": "ConfigMap", "metadata": ["name": "a"]]
        #expect(throws: RenderError.self) { try Substitution.apply(to: [object], variables: [name: "x"]) }
    }

    @Test(arguments: ["a", "_x", "CLUSTER_NAME", "v2"])
    func validVariableNames(_ name: String) {
        #expect(Substitution.isValidName(name))
    }

    @Test func keysAreSubstitutedToo() throws {
        let object: JSONValue = ["kind": "ConfigMap", "metadata": ["name": "a", "labels": ["${name}/tier": "x"]]]
        let result = try Substitution.apply(to: [object], variables: ["name": "web"])
        #expect(result[0]["metadata"]?["labels"]?["web/tier"] == "x")
    }

    struct Source: SubstitutionSource {
        func values(kind: SubstituteKind, name: String, optional: Bool) async throws -> [String: String] {
            switch (kind, name) {
            case (.configMap, "first"): return ["a": "from-first", "b": "from-first", "multi": "line\none"]
            case (.secret, "second"): return ["b": "from-second"]
            default:
                if optional { return [:] }
                throw TestFailure("\(kind.rawValue)/\(name) not found")
            }
        }
    }

    @Test func variablePrecedence() async throws {
        var postBuild = PostBuild(
            substitute: ["c": "inline", "b": "inline-b"],
            substituteFrom: [
                SubstituteReference(kind: .configMap, name: "first"), SubstituteReference(kind: .secret, name: "second"),
                SubstituteReference(kind: .configMap, name: "absent", optional: true),
            ])
        var variables = try await Substitution.variables(for: postBuild, source: Source())
        #expect(variables == ["a": "from-first", "b": "inline-b", "c": "inline", "multi": "lineone"])
        postBuild.substitute = nil
        variables = try await Substitution.variables(for: postBuild, source: Source())
        #expect(variables["b"] == "from-second")
        postBuild.substituteFrom?.append(SubstituteReference(kind: .secret, name: "required"))
        await #expect(throws: RenderError.self) { try await Substitution.variables(for: postBuild, source: Source()) }
    }

    @Test func substituteFromOfflineNeedsOptional() async throws {
        let optional = PostBuild(substituteFrom: [SubstituteReference(kind: .configMap, name: "x", optional: true)])
        #expect(try await Substitution.variables(for: optional, source: nil).isEmpty)
        let required = PostBuild(substituteFrom: [SubstituteReference(kind: .configMap, name: "x")])
        await #expect(throws: RenderError.self) { try await Substitution.variables(for: required, source: nil) }
    }
}
