import Apply
import Health
import KubeAPI
import KubeClient
import KubeEmbedded
import KubeModel
import StageSetAPI
import StageSetCore
import Testing

/// `VerifyStep` against the embedded API server, whose WorkloadSimulator plays the built-in controllers.
@Suite(.timeLimit(.minutes(2)))
struct VerifyStepTests {
    static let apply = ApplyStep(applier: ServerSideApplier(establishTimeout: .seconds(10), pollInterval: .milliseconds(20)))
    static let verify = VerifyStep(pollInterval: .milliseconds(20))

    /// A stage whose verify gives up after `timeout`.
    static func stage(timeout: Int64 = 30_000, _ configure: (inout ReadyChecks) -> Void = { _ in }) -> Stage {
        Make.stage { stage in
            var checks = ReadyChecks()
            checks.timeout = GoDuration(nanoseconds: timeout * 1_000_000)
            configure(&checks)
            stage.readyChecks = checks
        }
    }

    @Test func timeoutLadderAndOnTimeout() {
        var stage = Make.stage()
        var spec = StageSetSpec(stages: [stage])
        #expect(VerifyStep.timeout(stage: stage, spec: spec) == .seconds(900))
        #expect(VerifyStep.timeout(stage: stage, spec: spec, fallback: .seconds(7)) == .seconds(7))
        spec.timeout = .minutes(5)
        #expect(VerifyStep.timeout(stage: stage, spec: spec) == .seconds(300))
        stage.timeout = .minutes(2)
        #expect(VerifyStep.timeout(stage: stage, spec: spec) == .seconds(120))
        var checks = ReadyChecks()
        checks.timeout = .zero
        stage.readyChecks = checks
        #expect(VerifyStep.timeout(stage: stage, spec: spec) == .seconds(120))
        checks.timeout = .seconds(30)
        stage.readyChecks = checks
        #expect(VerifyStep.timeout(stage: stage, spec: spec) == .seconds(30))
        stage.timeout = GoDuration(nanoseconds: -1)
        checks.timeout = nil
        stage.readyChecks = checks
        #expect(VerifyStep.timeout(stage: stage, spec: spec) == .seconds(300))

        #expect(VerifyStep.onTimeout(stage: stage, spec: spec) == .hold)
        spec.onTimeout = .rollback
        #expect(VerifyStep.onTimeout(stage: stage, spec: spec) == .rollback)
        stage.onTimeout = .hold
        #expect(VerifyStep.onTimeout(stage: stage, spec: spec) == .hold)
    }

    @Test func waitsForADeploymentToBecomeReady() async throws {
        // The simulated controllers answer a little later, so the first reads see the Deployment in progress.
        try await Cluster.with(simulator: WorkloadSimulator(delay: .milliseconds(300))) { cluster in
            try await cluster.namespace("apps")
            let context = Make.context(cluster.client)
            var work = Make.work([Make.deployment("web")], stage: Self.stage())
            try await Self.apply.run(&work, context: context)
            try await Self.verify.run(&work, context: context)
            #expect(work.notes == ["1 created", "1 object(s) ready"])
            let live = try #require(try await cluster.get("apps/v1", "Deployment", namespace: "apps", name: "web"))
            #expect(KStatusComputer.compute(live.json).status == .current)
        }
    }

    @Test func aWatchedChangeEndsTheWaitBeforeThePollInterval() async throws {
        try await Cluster.with(simulator: WorkloadSimulator(delay: .milliseconds(300))) { cluster in
            try await cluster.namespace("apps")
            let context = Make.context(cluster.client)
            var work = Make.work([Make.deployment("web")], stage: Self.stage(timeout: 60_000) { checks in
                checks.checks = [NamespacedObjectKindReference(apiVersion: "apps/v1", kind: "Deployment", name: "api")]
            })
            try await Self.apply.run(&work, context: context)
            _ = try await cluster.client.apply(
                Make.deployment("api").withNamespace("apps"), options: ApplyOptions(fieldManager: "test"))
            // Polling alone would read the objects once, then again only when the wait times out.
            let watching = VerifyStep(pollInterval: .seconds(600))
            let started = ContinuousClock.now
            try await watching.run(&work, context: context)
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(work.notes.last == "2 object(s) ready")
        }
    }

    @Test func aFailedJobFailsTheStageAtOnce() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            let context = Make.context(cluster.client)
            var work = Make.work(
                [Make.deployment("web"), Make.job("migrate", annotations: [WorkloadSimulator.outcomeAnnotation: "fail"])],
                stage: Self.stage(timeout: 60_000))
            try await Self.apply.run(&work, context: context)
            let started = ContinuousClock.now
            let error = try #require(await failure(of: Self.verify, &work, context: context))
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(error.reason == .stageFailed)
            #expect(error.retry == .backoff)
            #expect(error.message == "Job apps/migrate failed: Job has reached the specified backoff limit (Job Failed. failed: 1/1)")
            #expect(!error.message.contains("Deployment"))
        }
    }

    @Test func aStatefulSetWithACrashLoopingPodFails() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            let context = Make.context(cluster.client)
            let hold = [WorkloadSimulator.outcomeAnnotation: "hold"]
            var statefulSet = Make.deployment("db", annotations: hold)
            statefulSet.gvk = GroupVersionKind(group: "apps", version: "v1", kind: "StatefulSet")
            statefulSet.setValue("db", at: ["spec", "serviceName"])
            var work = Make.work([statefulSet], stage: Self.stage())
            try await Self.apply.run(&work, context: context)

            // The StatefulSet's Pod (selected by its labels) crash-loops.
            var pod = KubeObject(apiVersion: "v1", kind: "Pod", namespace: "apps", name: "db-0")
            pod.annotations = hold
            pod.labels = ["app": "db"]
            pod.object["spec"] = ["containers": [["name": "db", "image": "registry.example/db:1"]]]
            _ = try await cluster.client.create(pod)
            _ = try await cluster.client.patchStatus(
                GroupVersionKind(group: "", version: "v1", kind: "Pod"), namespace: "apps", name: "db-0",
                patch: .merge(["status": [
                    "phase": "Running",
                    "containerStatuses": [["name": "db", "ready": false, "restartCount": 5, "image": "registry.example/db:1",
                                           "imageID": "", "state": ["waiting": ["reason": "CrashLoopBackOff"]]]],
                ]]))
            let error = try #require(await failure(of: Self.verify, &work, context: context))
            #expect(error.reason == .stageFailed)
            #expect(error.message == "StatefulSet apps/db failed: 1 pods have failed")
        }
    }

    @Test func holdBecomesStageProgressingAfterTheTimeout() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            let context = Make.context(cluster.client)
            let held = Make.deployment("web", annotations: [WorkloadSimulator.outcomeAnnotation: "hold"])
            var work = Make.work([held, Make.configMap("settings")], stage: Self.stage(timeout: 300))
            try await Self.apply.run(&work, context: context)
            let error = try #require(await failure(of: Self.verify, &work, context: context))
            #expect(error.reason == .stageProgressing)
            #expect(error.retry == .transient)
            #expect(error.message.hasPrefix("stage \"web\" not ready after 300ms: Deployment apps/web (InProgress"))
            #expect(!error.message.contains("ConfigMap"))

            var rollback = Make.work([held], stage: Self.stage(timeout: 300)) { $0.onTimeout = .rollback }
            rollback.applied = work.applied
            let failed = try #require(await failure(of: Self.verify, &rollback, context: context))
            #expect(failed.reason == .stageFailed)
            #expect(failed.message == error.message)
        }
    }

    @Test func aDeletedObjectIsWaitedForUntilTheTimeout() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            let context = Make.context(cluster.client)
            var work = Make.work([Make.configMap("gone")], stage: Self.stage(timeout: 200))
            try await Self.apply.run(&work, context: context)
            _ = try await cluster.client.delete(GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"),
                                                namespace: "apps", name: "gone")
            let error = try #require(await failure(of: Self.verify, &work, context: context))
            #expect(error.reason == .stageProgressing)
            #expect(error.message.contains("ConfigMap apps/gone (NotFound: Resource not found)"))
        }
    }

    @Test func checksAreWaitedOnEvenWithDisableWait() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            let context = Make.context(cluster.client)
            let hold = [WorkloadSimulator.outcomeAnnotation: "hold"]
            func stage(timeout: Int64) -> Stage {
                Self.stage(timeout: timeout) { checks in
                    checks.disableWait = true
                    checks.checks = [
                        NamespacedObjectKindReference(apiVersion: "apps/v1", kind: "Deployment", name: "other"),
                        // Cluster-scoped: the namespace is ignored.
                        NamespacedObjectKindReference(apiVersion: "v1", kind: "Namespace", name: "apps", namespace: "elsewhere"),
                    ]
                }
            }
            var work = Make.work([Make.deployment("web", annotations: hold)], stage: stage(timeout: 300))
            try await Self.apply.run(&work, context: context)
            let missing = try #require(await failure(of: Self.verify, &work, context: context))
            #expect(missing.reason == .stageProgressing)
            #expect(missing.message.hasSuffix(": Deployment apps/other (NotFound: Resource not found)"))

            var other = Make.work([Make.deployment("other")], stage: Self.stage())
            try await Self.apply.run(&other, context: context)
            var again = Make.work([], stage: stage(timeout: 30_000))
            again.applied = work.applied
            try await Self.verify.run(&again, context: context)
            #expect(again.notes == ["2 object(s) ready"])
        }
    }

    @Test func celExpressionsGateCustomResources() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            let context = Make.context(cluster.client)
            let stage = Self.stage(timeout: 300) { checks in
                checks.disableWait = true
                var rule = CustomHealthCheck(apiVersion: "example.com/v1", kind: "Gadget")
                rule.current = "status.phase == 'Ready'"
                rule.failed = "status.phase == 'Broken'"
                checks.exprs = [rule]
            }
            var work = Make.work([try Make.gadgetCRD(), Make.gadget("g1")], stage: stage)
            try await Self.apply.run(&work, context: context)

            // No status yet: kstatus would call the Gadget Current, the rule holds it.
            let waiting = try #require(await failure(of: Self.verify, &work, context: context))
            #expect(waiting.reason == .stageProgressing)
            #expect(waiting.message.contains("Gadget apps/g1 (InProgress"))
            #expect(!waiting.message.contains("CustomResourceDefinition"))

            let gadget = GroupVersionKind(group: "example.com", version: "v1", kind: "Gadget")
            _ = try await cluster.client.patchStatus(gadget, namespace: "apps", name: "g1",
                                                     patch: .merge(["status": ["phase": "Ready"]]))
            try await Self.verify.run(&work, context: context)
            #expect(work.notes.last == "1 object(s) ready")

            _ = try await cluster.client.patchStatus(gadget, namespace: "apps", name: "g1",
                                                     patch: .merge(["status": ["phase": "Broken"]]))
            let broken = try #require(await failure(of: Self.verify, &work, context: context))
            #expect(broken.reason == .stageFailed)
            #expect(broken.message == "Gadget apps/g1 failed: Gadget failed: status.phase == 'Broken'")
        }
    }

    @Test func anExpressionThatDoesNotCompileIsAnInvalidSpec() async throws {
        try await Cluster.with { cluster in
            let stage = Self.stage { checks in
                var rule = CustomHealthCheck(apiVersion: "example.com/v1", kind: "Gadget")
                rule.current = "status.phase =="
                checks.exprs = [rule]
            }
            var work = Make.work([], stage: stage)
            work.applied = [Make.identity("Gadget", "g1", group: "example.com")]
            let error = try #require(await failure(of: Self.verify, &work, context: Make.context(cluster.client)))
            #expect(error.reason == .invalidSpec)
            #expect(error.retry == .terminal)
            #expect(error.message.hasPrefix("readyChecks.exprs[0] (Gadget): "))
        }
    }
}
