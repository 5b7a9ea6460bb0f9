import Apply
import KubeEmbedded
import KubeModel
import StageSetAPI
import StageSetCore
import Testing

/// `ApplyStep` and `VerifyStep` inside the generic `StagePipeline`, as the controller wires them.
@Suite(.timeLimit(.minutes(2)))
struct PipelineTests {
    static let pipeline = StagePipeline(steps: [
        ApplyStep(applier: ServerSideApplier(establishTimeout: .seconds(10), pollInterval: .milliseconds(20))),
        VerifyStep(pollInterval: .milliseconds(20)),
    ])

    static func stage(timeout: Int64) -> Stage {
        Make.stage { $0.timeout = GoDuration(nanoseconds: timeout * 1_000_000) }
    }

    @Test func readyProgressingAndFailedOutcomes() async throws {
        try await Cluster.with { cluster in
            try await cluster.namespace("apps")
            let context = Make.context(cluster.client)

            let ready = await Self.pipeline.run(
                Make.work([Make.configMap("settings"), Make.deployment("web")], stage: Self.stage(timeout: 30_000)),
                context: context)
            guard case .ready(let message) = ready.result else {
                Issue.record("expected ready, got \(ready)")
                return
            }
            #expect(message == "v1: 2 created; 2 object(s) ready")
            #expect(ready.applied.map(\.name) == ["settings", "web"])

            let held = Make.deployment("web", annotations: [WorkloadSimulator.outcomeAnnotation: "hold"])
            let progressing = await Self.pipeline.run(Make.work([held], stage: Self.stage(timeout: 200)), context: context)
            guard case .progressing(let error) = progressing.result else {
                Issue.record("expected progressing, got \(progressing)")
                return
            }
            #expect(error.reason == .stageProgressing)
            #expect(progressing.applied.map(\.name) == ["web"])

            let failed = await Self.pipeline.run(
                Make.work([Make.configMap("settings"), Make.gadget("g1")], stage: Self.stage(timeout: 200)),
                context: context)
            guard case .failed(let failure, let phase) = failed.result else {
                Issue.record("expected failed, got \(failed)")
                return
            }
            #expect(failure.reason == .rbacDenied)
            #expect(phase == .apply)
            #expect(failed.applied.map(\.name) == ["settings"])
        }
    }
}
