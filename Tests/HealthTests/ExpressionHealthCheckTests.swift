import CEL
import Health
import KubeModel
import Testing

/// readyChecks.exprs: Flux healthCheckExprs semantics.
struct ExpressionHealthCheckTests {
    /// A cert-manager Certificate-like resource whose health kstatus cannot read.
    static func certificate(ready: String, issuing: String? = nil, failed: Bool = false, generation: Int64 = 2, observed: Int64 = 2) -> JSONValue {
        var conditions: [JSONValue] = [["type": "Ready", "status": .string(ready)]]
        if let issuing { conditions.append(["type": "Issuing", "status": .string(issuing)]) }
        if failed { conditions.append(["type": "Failed", "status": "True", "reason": "Expired"]) }
        return [
            "apiVersion": "cert-manager.io/v1", "kind": "Certificate",
            "metadata": ["name": "web", "namespace": "apps", "generation": .int(generation)],
            "spec": ["secretName": "web-tls"],
            "status": ["observedGeneration": .int(observed), "conditions": .array(conditions)],
        ]
    }

    static let check: ExpressionHealthCheck = {
        do {
            return try ExpressionHealthCheck(
                apiVersion: "cert-manager.io/v1", kind: "Certificate",
                current: "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True')",
                inProgress: "status.conditions.exists(c, c.type == 'Issuing' && c.status == 'True')",
                failed: "status.conditions.exists(c, c.type == 'Failed' && c.status == 'True')")
        } catch {
            preconditionFailure("constant expressions parse: \(error)")
        }
    }()

    @Test func currentWhenTheCurrentExpressionHolds() {
        let result = Self.check.evaluate(Self.certificate(ready: "True"))
        #expect(result.status == .current)
        #expect(result.conditions.isEmpty)
    }

    @Test func inProgressIsTriedBeforeFailedAndCurrent() {
        let result = Self.check.evaluate(Self.certificate(ready: "True", issuing: "True", failed: true))
        #expect(result.status == .inProgress)
        #expect(result.conditions.first?.reason == "HealthCheckInProgress")
    }

    @Test func failedIsTriedBeforeCurrent() {
        let result = Self.check.evaluate(Self.certificate(ready: "True", failed: true))
        #expect(result.status == .failed)
        #expect(result.conditions.first?.type == .stalled)
        #expect(result.message.contains("Certificate failed"))
    }

    @Test func noTrueExpressionMeansInProgress() {
        let result = Self.check.evaluate(Self.certificate(ready: "False"))
        #expect(result.status == .inProgress)
        #expect(result.conditions.first?.reason == "HealthCheckNotCurrent")
    }

    @Test func unobservedGenerationIsInProgressBeforeAnyExpression() {
        let result = Self.check.evaluate(Self.certificate(ready: "True", generation: 3, observed: 2))
        #expect(result.status == .inProgress)
        #expect(result.message == "Certificate generation is 3, but latest observed generation is 2")
    }

    @Test func anErroringExpressionHoldsWithTheErrorInTheMessage() throws {
        var object = Self.certificate(ready: "True")
        object["status"] = nil  // `status` is not bound at all
        let result = Self.check.evaluate(object)
        #expect(result.status == .inProgress)
        #expect(result.conditions.first?.reason == "HealthCheckExpressionError")
        #expect(result.message.contains("status"))

        let nonBool = try ExpressionHealthCheck(apiVersion: "cert-manager.io/v1", kind: "Certificate", current: "spec.secretName")
        let typed = nonBool.evaluate(Self.certificate(ready: "True"))
        #expect(typed.status == .inProgress)
        #expect(typed.message.contains("want bool"))
    }

    @Test func aHostileExpressionEndsAtTheCostLimit() throws {
        let hostile = try ExpressionHealthCheck(
            apiVersion: "cert-manager.io/v1", kind: "Certificate",
            current: "[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, a + b + c + d > 0))))",
            options: CELEvaluationOptions(costLimit: 5_000))
        let result = hostile.evaluate(Self.certificate(ready: "True"))
        #expect(result.status == .inProgress)
        #expect(result.conditions.first?.reason == "HealthCheckExpressionError")
    }

    @Test func appliesToTheGroupAndKindInAnyVersion() throws {
        #expect(Self.check.applies(to: ["apiVersion": "cert-manager.io/v1beta1", "kind": "Certificate"]))
        #expect(!Self.check.applies(to: ["apiVersion": "example.com/v1", "kind": "Certificate"]))
        #expect(!Self.check.applies(to: ["apiVersion": "cert-manager.io/v1", "kind": "Issuer"]))
        let core = try ExpressionHealthCheck(apiVersion: "v1", kind: "ConfigMap", current: "true")
        #expect(core.applies(to: ["apiVersion": "v1", "kind": "ConfigMap"]))
    }

    @Test func aSyntaxErrorIsReportedWithItsPosition() {
        #expect(throws: CELError.self) {
            try ExpressionHealthCheck(apiVersion: "v1", kind: "ConfigMap", current: "data.x ==")
        }
    }
}
