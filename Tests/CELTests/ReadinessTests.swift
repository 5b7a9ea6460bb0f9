import KubeModel
import Testing

@testable import CEL

/// Readiness expressions in the shape of kustomize-controller health checks, over a Kubernetes object.
struct ReadinessTests {
    private let deployment: JSONValue = [
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": ["name": "web", "namespace": "prod", "generation": 4, "labels": ["app": "web"]],
        "spec": ["replicas": 3, "template": ["spec": ["containers": [["name": "app", "image": "nginx:1.27"]]]]],
        "status": [
            "observedGeneration": 4, "replicas": 3, "readyReplicas": 3, "updatedReplicas": 3,
            "conditions": [
                ["type": "Available", "status": "True", "lastTransitionTime": "2024-05-01T10:00:00Z"],
                ["type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"],
                ["type": "Ready", "status": "True"],
            ],
        ],
    ]

    private func bindings(_ object: JSONValue) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for key in ["apiVersion", "kind", "metadata", "spec", "status"] { out[key] = object[key] ?? .null }
        return out
    }

    private func check(_ source: String, _ object: JSONValue) throws -> Bool {
        try CELExpression(parsing: source).evaluateBool(json: bindings(object))
    }

    @Test func currentExpressions() throws {
        #expect(try check("status.conditions.filter(c, c.type == 'Ready').all(c, c.status == 'True')", deployment))
        #expect(try check("status.observedGeneration == metadata.generation && status.readyReplicas == spec.replicas", deployment))
        #expect(try check("status.conditions.exists(e, e.type == 'Available' && e.status == 'True')", deployment))
        #expect(try check("has(status.readyReplicas) && status.readyReplicas >= spec.replicas", deployment))
        #expect(try check("spec.template.spec.containers.all(c, c.image.startsWith('nginx:'))", deployment))
        #expect(try check("metadata.labels.app == 'web' && kind == 'Deployment'", deployment))
        #expect(
            try check(
                "timestamp(status.conditions.filter(c, c.type == 'Available')[0].lastTransitionTime) < timestamp('2025-01-01T00:00:00Z')",
                deployment))
    }

    @Test func inProgressAndFailedExpressions() throws {
        var rollingOut = deployment
        rollingOut["status"]?["readyReplicas"] = 1
        rollingOut["status"]?["conditions"] = [["type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"]]
        #expect(try !check("status.conditions.filter(c, c.type == 'Ready').all(c, c.status == 'True') && status.readyReplicas == spec.replicas", rollingOut))
        #expect(try check("status.conditions.exists(c, c.type == 'Progressing' && c.reason == 'ReplicaSetUpdated')", rollingOut))
        #expect(try !check("status.conditions.exists(c, c.type == 'Failed' && c.status == 'True')", rollingOut))
    }

    @Test func missingFieldsAreErrorsUnlessGuarded() throws {
        let fresh: JSONValue = ["metadata": ["name": "x", "generation": 1], "spec": ["replicas": 1], "status": [:]]
        #expect(throws: CELError.self) { try check("status.readyReplicas == spec.replicas", fresh) }
        #expect(try !check("has(status.readyReplicas) && status.readyReplicas == spec.replicas", fresh))
        #expect(try !check("has(status.conditions) && status.conditions.exists(c, c.type == 'Ready')", fresh))
        let error = try #require(throws: CELError.self) { try check("status.conditions.all(c, c.status == 'True')", fresh) }
        #expect(error.message == "no such key: conditions")
        #expect(error.column == 7)
    }

    @Test func valueBindingsAndAccessors() throws {
        let expression = try CELExpression(parsing: "phase == 'Running' && restarts < 3")
        #expect(try expression.evaluateBool(["phase": .string("Running"), "restarts": .int(1)]))
        let summary = try CELExpression(parsing: "metadata.name + '/' + string(spec.replicas)").evaluate(json: bindings(deployment))
        #expect(summary.stringValue == "web/3")
        #expect(CELValue.bool(true).boolValue == true && CELValue.int(4).intValue == 4 && CELValue.null.stringValue == nil)
    }

    @Test func nonBoolResultIsReported() throws {
        let error = try #require(throws: CELError.self) { try check("spec.replicas", deployment) }
        #expect(error.message.contains("want bool"))
    }
}
