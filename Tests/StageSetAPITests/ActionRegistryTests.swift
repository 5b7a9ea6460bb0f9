import KubeModel
import StageSetAPI
import Testing

extension ActionOperationKind {
    static let slack: ActionOperationKind = "slack"
}

/// An operation an extension adds without touching the decoder.
struct SlackAction: ActionOperationSpec, Hashable {
    static let summary = "Slack posts a message to a channel."
    var channel: String
    var text: String
    var username: String?

    static let schemaDefaults: [String: JSONValue] = ["username": "stageset"]

    func validate(at path: FieldPath, context: ValidationContext) -> [ValidationError] {
        channel.hasPrefix("#") ? [] : [ValidationError(path.child("channel"), "must start with #")]
    }

    func defaulted() -> SlackAction {
        var copy = self
        copy.username = username ?? Self.schemaDefaults["username"]?.stringValue
        return copy
    }
}

struct ActionRegistryTests {
    static func registryWithSlack() throws -> ActionOperationRegistry {
        var registry = ActionOperationRegistry.builtIn
        try registry.register(SlackAction.self, as: .slack)
        return registry
    }

    let actionJSON: JSONValue = ["name": "announce", "retries": 2, "slack": ["channel": "#deploys", "text": "rolling"]]

    @Test func builtInHasTheSixInOrder() {
        #expect(ActionOperationRegistry.builtIn.kinds.map(\.name) == ["patch", "http", "wait", "job", "delete", "apply"])
        #expect(ActionOperationRegistry.builtIn.registration(for: .wait)?.specType == WaitAction.self)
    }

    @Test func customOperationDecodesThroughUserInfo() throws {
        let decoder = JSONValueDecoder(registry: try Self.registryWithSlack())
        let action = try decoder.decode(Action.self, from: actionJSON)
        #expect(action.name == "announce")
        #expect(action.retries == 2)
        #expect(action.operation?.kind == .slack)
        #expect(action.operation?.spec as? SlackAction == SlackAction(channel: "#deploys", text: "rolling"))
        #expect(try JSONValueEncoder().encode(action) == actionJSON)
        let defaulted = try JSONValueEncoder().encode(action.defaulted())
        #expect(defaulted["slack"]?["username"] == "stageset")
    }

    @Test func builtInRegistryDoesNotKnowTheCustomKind() throws {
        let (action, unknown) = try JSONValueDecoder().decodeReportingUnknownFields(Action.self, from: actionJSON)
        #expect(action.operations.isEmpty)
        #expect(unknown.map(\.description) == ["slack"])
    }

    @Test func validationListsRegisteredKindsAndRunsTheSpecHook() throws {
        let registry = try Self.registryWithSlack()
        let spec: JSONValue = ["stages": [[
            "name": "a", "sourceRef": ["name": "s"],
            "actions": ["post": [
                ["name": "x", "slack": ["channel": "deploys", "text": "t"]],
                ["name": "y"],
            ]],
        ]]]
        let object: JSONValue = ["metadata": ["name": "s"], "spec": spec]
        guard case .failure(let errors) = StageSet.decodeAndValidate(object, registry: registry) else {
            Issue.record("expected errors")
            return
        }
        #expect(errors.errors.map(\.description) == [
            "spec.stages[0].actions.post[0].slack.channel: must start with #",
            "spec.stages[0].actions.post[1]: exactly one of patch, http, wait, job, delete, apply, slack must be set",
        ])
    }

    @Test func registeringTwiceFails() throws {
        var registry = try Self.registryWithSlack()
        #expect(throws: ActionOperationRegistry.RegistrationError.self) {
            try registry.register(SlackAction.self, as: .slack)
        }
        #expect(throws: ActionOperationRegistry.RegistrationError.self) {
            try registry.register(SlackAction.self, as: .http)
        }
    }

    @Test func operationEqualityComparesKindAndSpec() {
        let a = ActionOperation.wait(WaitAction(duration: .seconds(1)))
        #expect(a == .wait(WaitAction(duration: .seconds(1))))
        #expect(a != .wait(WaitAction(duration: .seconds(2))))
        #expect(a != ActionOperation(kind: .slack, spec: WaitAction(duration: .seconds(1))))
        #expect(Action(name: "n", operation: a).operation == a)
    }

    @Test func actionEncodesOperationAfterSharedFields() throws {
        var action = Action(name: "n", operation: .delete(DeleteAction(target: NamespacedObjectKindReference(kind: "Job", name: "j"))))
        action.scope = .lifetime
        action.completionAnchor = CompletionAnchor(apiVersion: "v1", kind: "ConfigMap", name: "c")
        guard case .object(let object) = try JSONValueEncoder().encode(action) else {
            Issue.record("not an object")
            return
        }
        #expect(Array(object.keys) == ["name", "scope", "delete", "completionAnchor"])
    }

    @Test func nullOperationCountsAsUnset() throws {
        let action = try JSONValueDecoder().decode(Action.self, from: ["name": "n", "http": nil, "wait": ["duration": "1s"]])
        #expect(action.operation?.kind == .wait)
    }
}
