import KubeModel
import StageSetCore
import StageSetSources
import Testing

/// The controller watches what the registered resolvers name, and looks resolvers up by kind.
struct RegistryTests {
    @Test func fluxResolverNamesItsKindsAndTakesProducers() throws {
        var registry = PluginRegistry()
        #expect(registry.watchedSourceKinds.isEmpty)
        try registry.register(FluxSourceResolver())
        #expect(registry.watchedSourceKinds.map(\.kind) == ["Bucket", "ExternalArtifact", "GitRepository", "OCIRepository"])
        #expect(Set(registry.watchedSourceKinds.map(\.apiVersion)) == ["source.toolkit.fluxcd.io/v1"])
        #expect(registry.resolver(forKind: "") is FluxSourceResolver)
        #expect(registry.resolver(forKind: "JsonnetSnippet") is FluxSourceResolver)
        #expect(throws: PluginRegistryError.duplicate(kind: "source resolver", name: "ExternalArtifact")) {
            try registry.register(FluxSourceResolver())
        }
    }
}
