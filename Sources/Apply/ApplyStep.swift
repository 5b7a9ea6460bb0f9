public import StageSetCore

/// The pipeline's apply phase: server-side applies `work.objects` (see ``ServerSideApplier``) through the
/// stage's client, records `work.applied` in apply order and a note like `"3 created, 1 configured, 2 unchanged"`.
///
/// Namespaced objects without a namespace go into the StageSet's namespace.
public struct ApplyStep: StageStep {
    public var applier: ServerSideApplier

    public init(applier: ServerSideApplier = ServerSideApplier()) {
        self.applier = applier
    }

    public var phase: PipelinePhase { .apply }

    public func run(_ work: inout StageWork, context: StageContext) async throws {
        var report = ApplyReport()
        defer { work.applied = report.identities }
        try await applier.apply(
            work.objects, owner: work.stageSetKey, stage: work.stage.name, client: context.client,
            logger: context.logger, into: &report)
        work.notes.append(report.summary)
    }
}
