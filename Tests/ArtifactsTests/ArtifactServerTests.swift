import Artifacts
import Crypto
import Curl
import Foundation
import KubeAPI
import KubeClient
@testable import KubeEmbedded
import KubeModel
import StageSetCore
import Testing

struct ArtifactServerTests {
    static let gitRepository = GroupVersionKind(group: "source.toolkit.fluxcd.io", version: "v1", kind: "GitRepository")
    static let externalArtifact = GroupVersionKind(group: "source.toolkit.fluxcd.io", version: "v1", kind: "ExternalArtifact")

    /// A listening API server, an artifact server attached to it, and a KubeClient from a kubeconfig file.
    private func withCluster(_ body: (ArtifactServer, KubeClient, String) async throws -> Void) async throws {
        let api = try EmbeddedAPIServer()
        try await api.start()
        let tmp = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let artifacts = ArtifactServer(apiServer: api)
        do {
            try await artifacts.start()
            try api.writeKubeconfig(to: tmp + "/kubeconfig")
            try await body(artifacts, try KubeClient(kubeconfig: tmp + "/kubeconfig"), tmp)
        } catch {
            try? await artifacts.shutdown()
            try? await api.shutdown()
            throw error
        }
        try await artifacts.shutdown()
        try await api.shutdown()
    }

    @Test func publishedGitRepositoryIsReadyAndFetchable() async throws {
        try await withCluster { server, client, tmp in
            try write("kind: ConfigMap\n", to: tmp + "/src/app.yaml")
            let published = try server.publish(directory: tmp + "/src", kind: .gitRepository, namespace: "apps", name: "web")
            #expect(published.revision.hasPrefix("main@sha1:"))
            let commit = String(published.revision.dropFirst("main@sha1:".count))
            #expect(commit.count == 40 && commit.allSatisfy(\.isHexDigit))
            #expect(published.path == "gitrepository/apps/web/\(commit).tar.gz")
            #expect(published.url == "\(server.url)/\(published.path)")

            let object = try await client.get(Self.gitRepository, namespace: "apps", name: "web")
            let status = try #require(object.object["status"])
            #expect(status["artifact"]?["url"]?.stringValue == published.url)
            #expect(status["artifact"]?["digest"]?.stringValue == published.digest)
            #expect(status["artifact"]?["revision"]?.stringValue == published.revision)
            #expect(status["artifact"]?["path"]?.stringValue == published.path)
            #expect(status["artifact"]?["size"]?.intValue == published.size)
            #expect(status["artifact"]?["lastUpdateTime"]?.stringValue == published.lastUpdateTime.rfc3339)
            #expect(status["observedGeneration"]?.intValue == 1)
            #expect(object.conditions.isTrue("Ready"))
            #expect(object.conditions.isTrue("ArtifactInStorage"))
            #expect(object.conditions.condition("Ready")?.reason == "Succeeded")
            #expect(object.object["spec"]?["ref"]?["branch"]?.stringValue == "main")
            #expect(object.object["spec"]?["interval"]?.stringValue == "1m0s")

            let downloader = try ArtifactDownloader(policy: .allowLoopback)
            let extracted = try await downloader.fetch(
                Artifact(url: published.url, digest: published.digest, revision: published.revision))
            defer { extracted.remove() }
            #expect(extracted.fileCount == 1)
            #expect(try String(contentsOfFile: extracted.root + "/app.yaml", encoding: .utf8) == "kind: ConfigMap\n")
        }
    }

    @Test func externalArtifactRevisionsFollowContentAndDoNotChurn() async throws {
        try await withCluster { server, client, tmp in
            try write("a: 1\n", to: tmp + "/src/a.yaml")
            let first = try server.publish(directory: tmp + "/src", kind: .externalArtifact, namespace: "apps", name: "ea")
            #expect(first.revision.hasPrefix("latest@sha256:"))
            #expect(first.revision != "latest@" + first.digest)  // content hash, not the tarball digest
            #expect(first.path == "externalartifact/apps/ea/\(first.digest.dropFirst(7)).tar.gz")
            let before = try await client.get(Self.externalArtifact, namespace: "apps", name: "ea")
            #expect(before.conditions.isTrue("Ready"))
            #expect(before.conditions.condition("ArtifactInStorage") == nil)

            // Same content again: same artifact, no write at all.
            let again = try server.publish(directory: tmp + "/src", kind: .externalArtifact, namespace: "apps", name: "ea")
            #expect(again == first)
            let unchanged = try await client.get(Self.externalArtifact, namespace: "apps", name: "ea")
            #expect(unchanged.resourceVersion == before.resourceVersion)

            // Changed content: a new revision, and the old file is still served.
            try write("a: 2\n", to: tmp + "/src/a.yaml")
            let second = try server.publish(directory: tmp + "/src", kind: .externalArtifact, namespace: "apps", name: "ea")
            #expect(second.revision != first.revision)
            #expect(second.digest != first.digest)
            let after = try await client.get(Self.externalArtifact, namespace: "apps", name: "ea")
            #expect(after.object["status"]?["artifact"]?["revision"]?.stringValue == second.revision)
            #expect(after.conditions.condition("Ready")?.lastTransitionTime
                    == before.conditions.condition("Ready")?.lastTransitionTime)
            #expect(server.published(kind: .externalArtifact, namespace: "apps", name: "ea") == second)

            #expect(server.storedPaths == ["/" + first.path, "/" + second.path].sorted())
            let http = try HTTPClient()
            let old = try await http.send(HTTPRequest(url: first.url))
            #expect(old.status == 200)
            #expect(sha256(old.body) == first.digest)
        }
    }

    @Test func republishingEmitsAWatchEvent() async throws {
        try await withCluster { server, client, tmp in
            try write("v: 1\n", to: tmp + "/src/v.yaml")
            let first = try server.publish(directory: tmp + "/src", kind: .gitRepository, namespace: "apps", name: "w")
            let current = try await client.get(Self.gitRepository, namespace: "apps", name: "w")
            let events = try await client.watch(
                Self.gitRepository, namespace: "apps",
                options: WatchOptions(fieldSelector: "metadata.name=w", resourceVersion: current.resourceVersion,
                                      timeoutSeconds: 30))
            try write("v: 2\n", to: tmp + "/src/v.yaml")
            let second = try server.publish(directory: tmp + "/src", kind: .gitRepository, namespace: "apps", name: "w")
            #expect(second.revision != first.revision)
            var seen: String?
            for try await event in events where event.type == .modified {
                seen = event.object.object["status"]?["artifact"]?["revision"]?.stringValue
                break
            }
            #expect(seen == second.revision)
        }
    }

    @Test func markNotReadyKeepsTheArtifact() async throws {
        try await withCluster { server, client, tmp in
            try write("v: 1\n", to: tmp + "/src/v.yaml")
            let published = try server.publish(directory: tmp + "/src", kind: .gitRepository, namespace: "apps", name: "g")
            try server.markNotReady(kind: .gitRepository, namespace: "apps", name: "g", status: .false,
                                    reason: "GitOperationFailed", message: "authentication required")
            var object = try await client.get(Self.gitRepository, namespace: "apps", name: "g")
            #expect(object.conditions.condition("Ready")?.status == .false)
            #expect(object.conditions.condition("Ready")?.reason == "GitOperationFailed")
            #expect(object.object["status"]?["artifact"]?["revision"]?.stringValue == published.revision)

            try server.markNotReady(kind: .externalArtifact, namespace: "apps", name: "fresh", status: .unknown,
                                    reason: "Progressing", message: "building")
            object = try await client.get(Self.externalArtifact, namespace: "apps", name: "fresh")
            #expect(object.conditions.condition("Ready")?.status == .unknown)
            #expect(object.object["status"]?["artifact"] == nil)

            // Publishing again makes it Ready, with a new transition time.
            try server.publish(directory: tmp + "/src", kind: .gitRepository, namespace: "apps", name: "g")
            object = try await client.get(Self.gitRepository, namespace: "apps", name: "g")
            #expect(object.conditions.isTrue("Ready"))
        }
    }

    @Test func servesOnlyStoredPathsWithGetAndHead() async throws {
        try await withArtifactServer { _, server in
            let url = server.serve([1, 2, 3], at: "x/y.tar.gz")
            let http = try HTTPClient()
            let get = try await http.send(HTTPRequest(url: url))
            #expect(get.status == 200)
            #expect(get.body == [1, 2, 3])
            let head = try await http.send(HTTPRequest(method: "HEAD", url: url))
            #expect(head.status == 200)
            #expect(head.header("content-length") == "3")
            #expect(try await http.send(HTTPRequest(url: url + "?download=1")).status == 200)
            #expect(try await http.send(HTTPRequest(url: server.url + "/x/z.tar.gz")).status == 404)
            #expect(try await http.send(HTTPRequest(url: server.url + "/")).status == 404)
            #expect(try await http.send(HTTPRequest(method: "POST", url: url, body: [1])).status == 405)
            #expect(try await http.send(HTTPRequest(method: "DELETE", url: url)).status == 405)
        }
    }

    @Test func fluxSourceCRDsAreInstalledAndMatchTheirProvenance() async throws {
        try await withArtifactServer { api, _ in
            for plural in ["gitrepositories", "ocirepositories", "buckets", "externalartifacts"] {
                let (status, body) = api.adminRequest(
                    "GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/\(plural).source.toolkit.fluxcd.io")
                #expect(status == 200)
                #expect(body?["spec"]?["group"]?.stringValue == "source.toolkit.fluxcd.io")
            }
        }
        // The sha256 of the upstream files (source-controller v1.7.4, /work/shared/testdata/flux-crds/PROVENANCE.md).
        let pairs = [
            (FluxSourceCRDs.gitRepositories, "2a30ef3e41278a09aecdb038b7bc6b12916d22698542356a53a4f019ad66f02b"),
            (FluxSourceCRDs.ociRepositories, "bce4bf685d7549b1c35e8ffb843be37ebe851a5940f267c2aa1c7e1134758475"),
            (FluxSourceCRDs.buckets, "4ba2e5ae1c2232ae25f6765a31b65545ae41508bb292a7cb105299e8a84c4e3d"),
            (FluxSourceCRDs.externalArtifacts, "f9bf7d234ad05e5699f70b2ce8ed2ce9387d0b8543cfa27b516bdd1551bbd059"),
        ]
        for (embedded, hash) in pairs {
            // A multi-line string literal drops the file's final newline.
            #expect(sha256(Array((embedded + "\n").utf8)) == "sha256:" + hash)
        }
    }

    @Test func publishingAnUnknownDirectoryFails() async throws {
        try await withArtifactServer { _, server in
            #expect(throws: ArtifactServerError.self) {
                try server.publish(directory: "/nonexistent/\(UUID().uuidString)", kind: .externalArtifact,
                                   namespace: "a", name: "b")
            }
        }
    }
}
