import KubeAPI
import KubeModel
import StageSetAPI
import StageSetActions
import StageSetCore
import Testing

@Suite(.serialized, .timeLimit(.minutes(2)))
struct WaitExecutorTests {
    static func action(_ spec: WaitAction) -> Action { Action(name: "settle", operation: .wait(spec)) }
    static let executor = WaitExecutor(pollInterval: .milliseconds(20))

    @Test func fixedDuration() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        let spec = WaitAction(duration: GoDuration(nanoseconds: 10_000_000))
        let result = try await Self.executor.execute(spec, action: Self.action(spec), context: cluster.context())
        #expect(result.message == "waited 10ms")
    }

    @Test func expressionWaitOutlastsAMissingObject() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        var spec = WaitAction(target: NamespacedObjectKindReference(apiVersion: "v1", kind: "ConfigMap", name: "db"),
                              expr: "has(data.phase) && data.phase == 'ready'")
        spec.timeout = GoDuration(nanoseconds: 30_000_000_000)
        let context = cluster.context()
        let waiting = Task { try await Self.executor.execute(spec, action: Self.action(spec), context: context) }
        try await cluster.configMap("db", data: ["phase": "starting"])
        _ = try await cluster.client.patch(Cluster.configMap, namespace: "apps", name: "db",
                                           patch: .merge(["data": ["phase": "ready"]]))
        let result = try await waiting.value
        #expect(result.message.hasPrefix("ConfigMap apps/db: has(data.phase) && data.phase == 'ready' holds after"))
    }

    @Test func timeoutReportsTheLastReason() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        try await cluster.configMap("db", data: ["phase": "starting"])
        var spec = WaitAction(target: NamespacedObjectKindReference(kind: "ConfigMap", name: "db"), expr: "data.phase == 'ready'")
        spec.timeout = GoDuration(nanoseconds: 100_000_000)
        let error = await failure { try await Self.executor.execute(spec, action: Self.action(spec), context: cluster.context()) }
        #expect(error?.reason == .stageFailed)
        #expect(error?.message == "action \"settle\": timed out after 100ms waiting for ConfigMap db: data.phase == 'ready' is false")

        spec.target?.name = "absent"
        let missing = await failure { try await Self.executor.execute(spec, action: Self.action(spec), context: cluster.context()) }
        #expect(missing?.message.hasSuffix("ConfigMap absent does not exist") == true)
    }

    @Test func invalidSpecsAndDenialsFailAtOnce() async throws {
        let cluster = try await Cluster()
        defer { Task { await cluster.stop() } }
        try await cluster.configMap("db")
        let target = NamespacedObjectKindReference(kind: "ConfigMap", name: "db")
        let unparsable = WaitAction(target: target, expr: "data.phase ==")
        let parseError = await failure {
            try await Self.executor.execute(unparsable, action: Self.action(unparsable), context: cluster.context())
        }
        #expect(parseError?.retry == .terminal)
        #expect(parseError?.message.contains("does not parse") == true)

        let untargeted = WaitAction(expr: "true")
        #expect(await failure {
            try await Self.executor.execute(untargeted, action: Self.action(untargeted), context: cluster.context())
        }?.message == "action \"settle\": a wait with expr needs a target with a name")

        let denied = WaitAction(target: target, expr: "true")
        let error = await failure {
            try await Self.executor.execute(denied, action: Self.action(denied), context: cluster.context(cluster.unprivileged))
        }
        #expect(error?.reason == .rbacDenied)
    }
}
