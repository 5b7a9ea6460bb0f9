import Apply
import Artifacts
import Render
public import StageSetCore
import StageSetActions
import StageSetDecryptorPGP
import StageSetDecryptors
import StageSetSources

extension PluginRegistry {
    /// Every built-in plugin: the Flux source resolver (ExternalArtifact, GitRepository, OCIRepository,
    /// Bucket and producers), the age, PGP and AWS KMS decryptors, and the patch, delete and wait action
    /// executors. Extension authors start from this
    /// value and register their own types on it.
    public static func standard() throws(PluginRegistryError) -> PluginRegistry {
        var registry = PluginRegistry.withBuiltInDecryptors()
        try registry.register(PGPDecryptor())
        try registry.register(FluxSourceResolver())
        try registry.register(PatchExecutor())
        try registry.register(DeleteExecutor())
        try registry.register(WaitExecutor())
        return registry
    }
}

extension StagePipeline {
    /// The built-in steps in order: fetch → decrypt → render (then Secret values holding SOPS documents)
    /// → pre actions → apply → verify → post actions.
    ///
    /// - Parameters:
    ///   - allowLoopbackArtifacts: accept artifact URLs on loopback (the embedded default and tests).
    ///   - verifyPollInterval: how often verify re-reads the applied objects (2s in the reference).
    public static func standard(allowLoopbackArtifacts: Bool = false, verifyPollInterval: Duration = .seconds(2))
        throws -> StagePipeline
    {
        try StagePipeline(steps: [
            FetchStep(fetcher: ArtifactDownloader(policy: allowLoopbackArtifacts ? .allowLoopback : .production)),
            DecryptStep(),
            RenderStep(),
            SecretDataDecryptStep(),
            ActionsStep(.pre),
            ApplyStep(applier: ServerSideApplier(pollInterval: min(verifyPollInterval, .seconds(2)))),
            VerifyStep(pollInterval: verifyPollInterval),
            ActionsStep(.post),
        ])
    }
}
