import KubeModel
import StageSetAPI
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

    @Test func sourceChangesWakeTheReferencesTheyServe() throws {
        var registry = PluginRegistry()
        try registry.register(FluxSourceResolver())
        let git = KubeObject(apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", namespace: "apps", name: "web")
        #expect(registry.reference(SourceReference(kind: "GitRepository", name: "web"), in: "apps", dependsOn: git))
        #expect(!registry.reference(SourceReference(kind: "GitRepository", name: "web"), in: "other", dependsOn: git))
        #expect(registry.reference(SourceReference(kind: "GitRepository", name: "web", namespace: "apps"), in: "other", dependsOn: git))
        #expect(!registry.reference(SourceReference(name: "web"), in: "apps", dependsOn: git))

        var artifact = KubeObject(apiVersion: "source.toolkit.fluxcd.io/v1", kind: "ExternalArtifact", namespace: "apps", name: "site-ea")
        artifact.object["spec"] = ["sourceRef": ["apiVersion": "jaas.metio.wtf/v1", "kind": "JsonnetSnippet", "name": "site"]]
        let producer = SourceReference(apiVersion: "jaas.metio.wtf/v2", kind: "JsonnetSnippet", name: "site")
        #expect(registry.reference(producer, in: "apps", dependsOn: artifact))
        #expect(registry.reference(SourceReference(name: "site-ea"), in: "apps", dependsOn: artifact))
        let otherGroup = SourceReference(apiVersion: "other.example/v1", kind: "JsonnetSnippet", name: "site")
        #expect(!registry.reference(otherGroup, in: "apps", dependsOn: artifact))
    }
}
