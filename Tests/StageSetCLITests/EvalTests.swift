import Testing

/// `stagesetctl eval`: try readiness expressions and kstatus on an object.
struct EvalTests {
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: apps, generation: 2}
        spec: {replicas: 3}
        status:
          observedGeneration: 2
          replicas: 3
          updatedReplicas: 3
          readyReplicas: 3
          availableReplicas: 3
          conditions: [{type: Available, status: "True"}]
        """

    @Test func bindsTheObjectsTopLevelFields() throws {
        let result = try CLI.run(["eval", "status.readyReplicas == spec.replicas && kind == 'Deployment'", "-f", "-"], stdin: Self.deployment)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output == "true\n")
    }

    @Test func printsNonScalarResultsAsJSON() throws {
        let result = try CLI.run(["eval", "status.conditions.map(c, c.type)", "-f", "-"], stdin: Self.deployment)
        #expect(result.status == 0)
        #expect(result.output == "[\n    \"Available\"\n]\n")
    }

    @Test func withoutAnObjectEvaluatesAConstantExpression() throws {
        let result = try CLI.run(["eval", "duration('1h30m') + duration('30m') == duration('2h')"])
        #expect(result.output == "true\n")
    }

    @Test func syntaxErrorsShowThePositionAndExitOne() throws {
        let result = try CLI.run(["eval", "spec.replicas +"])
        #expect(result.status == 1)
        #expect(result.errors.contains("<input>:1:16"))
        #expect(result.errors.contains("...............^"))
    }

    @Test func evaluationErrorsExitOne() throws {
        let missing = try CLI.run(["eval", "metadata.missing", "-f", "-"], stdin: Self.deployment)
        #expect(missing.status == 1)
        #expect(missing.errors.contains("no such key: missing"))
        let overload = try CLI.run(["eval", "1 + 2u"])
        #expect(overload.status == 1)
        #expect(overload.errors.contains("no such overload"))
    }

    @Test func healthPrintsTheKStatusResult() throws {
        let result = try CLI.run(["eval", "--health", "-f", "-"], stdin: Self.deployment)
        #expect(result.status == 0)
        #expect(result.output == "Current: Deployment is available. Replicas: 3\n")
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try CLI.run(["eval"]).status == 2)
        #expect(try CLI.run(["eval", "--health"]).status == 2)
        #expect(try CLI.run(["eval", "true", "--health", "-f", "-"], stdin: Self.deployment).status == 2)
    }

    @Test func anUnreadableObjectIsReported() throws {
        let result = try CLI.run(["eval", "true", "-f", "-"], stdin: "a: [unclosed")
        #expect(result.status == 1)
        #expect(result.errors.contains("<stdin>"))
    }
}
