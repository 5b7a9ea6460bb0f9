import Foundation
import KubeAPI
import KubeClient
import KubeEmbedded
import KubeModel
import StageSetAPI
import StageSetCore
import StageSetSources
import Testing

/// `FluxSourceResolver` against Flux source objects in the embedded API server (real CRDs, real HTTPS).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct FluxSourceResolverTests {
    static let externalArtifact = GroupVersionKind(group: "source.toolkit.fluxcd.io", version: "v1", kind: "ExternalArtifact")
    static let gitRepository = GroupVersionKind(group: "source.toolkit.fluxcd.io", version: "v1", kind: "GitRepository")

    /// An embedded API server with the Flux CRDs, an artifact server, and an admin client.
    final class Sources: Sendable {
        let server: EmbeddedAPIServer
        let artifacts: ArtifactServer
        let client: KubeClient
        let directory: String

        init() async throws {
            directory = FileManager.default.temporaryDirectory.appending(path: "resolver-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory + "/src", withIntermediateDirectories: true)
            try "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n".write(
                toFile: directory + "/src/cm.yaml", atomically: true, encoding: .utf8)
            server = try EmbeddedAPIServer()
            try await server.start()
            try server.writeKubeconfig(to: directory + "/kubeconfig")
            artifacts = ArtifactServer(apiServer: server)
            try await artifacts.start()
            client = try KubeClient(kubeconfig: directory + "/kubeconfig")
            for namespace in ["apps", "shared"] {
                _ = try await client.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: namespace))
            }
        }

        func stop() async {
            try? await artifacts.shutdown()
            try? await server.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        }

        func context(_ namespace: String = "apps", crossNamespace: Bool = true) -> SourceContext {
            SourceContext(client: client, namespace: namespace, allowCrossNamespace: crossNamespace)
        }

        /// An ExternalArtifact written by hand (as a producer such as JaaS does): spec, then status.
        func externalArtifact(_ name: String, namespace: String = "apps", sourceRef: JSONValue? = nil,
                              status: JSONValue) async throws {
            var object = KubeObject(apiVersion: "source.toolkit.fluxcd.io/v1", kind: "ExternalArtifact",
                                    namespace: namespace, name: name)
            object.object["spec"] = sourceRef.map { ["sourceRef": $0] } ?? [:]
            _ = try await client.create(object)
            _ = try await client.patchStatus(
                FluxSourceResolverTests.externalArtifact, namespace: namespace, name: name, patch: .merge(["status": status]))
        }
    }

    static func readyStatus(revision: String, url: String = "http://artifacts.example/x.tar.gz",
                            digest: String = "sha256:" + String(repeating: "a", count: 64)) -> JSONValue {
        [
            "artifact": ["url": .string(url), "digest": .string(digest), "revision": .string(revision),
                         "path": "x.tar.gz", "lastUpdateTime": "2026-01-15T10:20:30Z"],
            "conditions": [["type": "Ready", "status": "True", "reason": "Succeeded", "message": "ok",
                            "lastTransitionTime": "2026-01-15T10:20:30Z"]],
        ]
    }

    func expectFailure(_ reason: StageSetReason, _ retry: StageSetError.Retry, containing text: String,
                       _ body: () async throws -> ResolvedSource) async {
        do {
            let resolved = try await body()
            Issue.record("expected \(reason), resolved \(resolved)")
        } catch let error as StageSetError {
            #expect(error.reason == reason)
            #expect(error.retry == retry)
            #expect(error.message.contains(text), "message: \(error.message)")
        } catch {
            Issue.record("expected StageSetError, got \(error)")
        }
    }

    @Test func resolvesPublishedSourcesAndReadsPinning() async throws {
        let sources = try await Sources()
        defer { Task { await sources.stop() } }
        let resolver = FluxSourceResolver()
        let published = try sources.artifacts.publish(
            directory: sources.directory + "/src", kind: .externalArtifact, namespace: "apps", name: "web")
        let web = try await resolver.resolve(SourceReference(name: "web"), context: sources.context())
        #expect(web.key == "apps/web")
        #expect(web.artifact.url == published.url)
        #expect(web.artifact.digest == published.digest)
        #expect(web.artifact.revision == published.revision)
        #expect(web.artifact.size == published.size)
        #expect(web.pinned == nil)
        #expect(web.verified == nil)

        try sources.artifacts.publish(directory: sources.directory + "/src", kind: .gitRepository, namespace: "apps", name: "repo")
        let git = SourceReference(kind: "GitRepository", name: "repo")
        #expect(try await resolver.resolve(git, context: sources.context()).pinned == false)
        _ = try await sources.client.patch(
            Self.gitRepository, namespace: "apps", name: "repo",
            patch: .merge(["spec": ["ref": ["commit": "132f4e719209eb10b9485302f8593fc0e680f4fc"]]]))
        #expect(try await resolver.resolve(git, context: sources.context()).pinned == true)
    }

    @Test func waitsForSourcesThatAreMissingOrNotReady() async throws {
        let sources = try await Sources()
        defer { Task { await sources.stop() } }
        let resolver = FluxSourceResolver()
        await expectFailure(.artifactNotFound, .transient, containing: "ExternalArtifact apps/nothing not found") {
            try await resolver.resolve(SourceReference(name: "nothing"), context: sources.context())
        }
        try sources.artifacts.publish(directory: sources.directory + "/src", kind: .gitRepository, namespace: "apps", name: "repo")
        try sources.artifacts.markNotReady(
            kind: .gitRepository, namespace: "apps", name: "repo", status: .unknown, reason: "Progressing",
            message: "building artifact")
        await expectFailure(
            .sourceNotReady, .transient,
            containing: "GitRepository apps/repo is not ready: Ready=Unknown reason=Progressing: building artifact"
        ) {
            try await resolver.resolve(SourceReference(kind: "GitRepository", name: "repo"), context: sources.context())
        }
        try await sources.externalArtifact("bare", status: ["conditions": []])
        await expectFailure(.sourceNotReady, .transient, containing: "status.conditions not populated") {
            try await resolver.resolve(SourceReference(name: "bare"), context: sources.context())
        }
        var noArtifact = Self.readyStatus(revision: "r1")
        noArtifact["artifact"]?["url"] = ""
        try await sources.externalArtifact("hollow", status: noArtifact)
        await expectFailure(.artifactNotFound, .transient, containing: "publishes no status.artifact") {
            try await resolver.resolve(SourceReference(name: "hollow"), context: sources.context())
        }
    }

    @Test func findsTheProducersExternalArtifactByItsBackPointer() async throws {
        let sources = try await Sources()
        defer { Task { await sources.stop() } }
        let resolver = FluxSourceResolver()
        let back: JSONValue = ["apiVersion": "jaas.metio.wtf/v1", "kind": "JsonnetSnippet", "name": "site"]
        try await sources.externalArtifact("site", sourceRef: back, status: Self.readyStatus(revision: "sha256:abc"))
        // Another producer kind with the same name does not count.
        try await sources.externalArtifact(
            "other", sourceRef: ["apiVersion": "other.example/v1", "kind": "JsonnetSnippet", "name": "site"],
            status: Self.readyStatus(revision: "sha256:def"))

        // The version may differ: only the group is compared.
        let ref = SourceReference(apiVersion: "jaas.metio.wtf/v2", kind: "JsonnetSnippet", name: "site")
        let resolved = try await resolver.resolve(ref, context: sources.context())
        #expect(resolved.key == "apps/site")
        #expect(resolved.artifact.revision == "sha256:abc")

        await expectFailure(.invalidSpec, .terminal, containing: "needs an apiVersion") {
            try await resolver.resolve(SourceReference(kind: "JsonnetSnippet", name: "site"), context: sources.context())
        }
        await expectFailure(.artifactNotFound, .transient, containing: "no ExternalArtifact in apps back-references JsonnetSnippet \"gone\"") {
            try await resolver.resolve(
                SourceReference(apiVersion: "jaas.metio.wtf/v1", kind: "JsonnetSnippet", name: "gone"), context: sources.context())
        }
        try await sources.externalArtifact("site-copy", sourceRef: back, status: Self.readyStatus(revision: "sha256:abc"))
        await expectFailure(.resolveFailed, .terminal, containing: "2 ExternalArtifacts in apps back-reference JsonnetSnippet \"site\": site, site-copy") {
            try await resolver.resolve(ref, context: sources.context())
        }
    }

    @Test func crossNamespaceReferencesAreGatedAndScrubbed() async throws {
        let sources = try await Sources()
        defer { Task { await sources.stop() } }
        let resolver = FluxSourceResolver()
        try sources.artifacts.publish(directory: sources.directory + "/src", kind: .externalArtifact, namespace: "shared", name: "base")
        let ref = SourceReference(name: "base", namespace: "shared")
        #expect(try await resolver.resolve(ref, context: sources.context()).key == "shared/base")
        await expectFailure(.resolveFailed, .terminal, containing: "cross-namespace source references are disabled") {
            try await resolver.resolve(ref, context: sources.context(crossNamespace: false))
        }
        // A missing object in another namespace is reported without saying whether it exists.
        await expectFailure(.artifactNotFound, .transient, containing: "source in another namespace could not be resolved") {
            try await resolver.resolve(SourceReference(name: "secret-thing", namespace: "shared"), context: sources.context())
        }
    }

    @Test func deniedReadsAreRBACDenied() async throws {
        let sources = try await Sources()
        defer { Task { await sources.stop() } }
        try sources.artifacts.publish(directory: sources.directory + "/src", kind: .externalArtifact, namespace: "apps", name: "web")
        let tenant = sources.client.impersonating(.serviceAccount(namespace: "apps", name: "nobody"))
        await expectFailure(.rbacDenied, .terminal, containing: "RBAC denied reading ExternalArtifact apps/web") {
            try await FluxSourceResolver().resolve(
                SourceReference(name: "web"), context: SourceContext(client: tenant, namespace: "apps"))
        }
    }
}
