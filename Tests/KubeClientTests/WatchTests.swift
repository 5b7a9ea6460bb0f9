import StageSetTesting
import Foundation
import KubeAPI
import KubeClient
import KubeModel
import Testing

/// Watch streams and the informer against the API-shaped loopback peer.
@Suite(.timeLimit(.minutes(1)))
struct WatchTests {
    static let configMap = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")

    let peer: LoopbackPeer
    let client: KubeClient

    init() throws {
        peer = try LoopbackPeer(script: "fakeapiserver.py")
        client = try KubeClient(configuration: ClientConfiguration(
            server: peer.base, namespace: "demo", qps: 0,
            retry: RetryPolicy(maxRetries: 2, initialDelay: .milliseconds(1), maxDelay: .milliseconds(10))))
    }

    private func configMap(_ name: String, labels: [String: String] = [:]) -> KubeObject {
        var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", namespace: "demo", name: name)
        object.object["data"] = ["k": "v"]
        object.labels = labels
        return object
    }

    private func control(_ what: String) async throws {
        _ = try await client.send(method: "POST", path: "/fake/\(what)")
    }

    @Test func streamsChangesAfterAResourceVersion() async throws {
        _ = try await client.create(configMap("before"))
        let list = try await client.list(Self.configMap, namespace: "demo")
        let stream = try await client.watch(Self.configMap, namespace: "demo",
                                            options: WatchOptions(resourceVersion: list.resourceVersion))
        var events = stream.makeAsyncIterator()
        let created = try await client.create(configMap("a"))
        let added = try #require(try await events.next())
        #expect(added.type == .added)
        #expect(added.object.name == "a")
        #expect(added.object.kind == "ConfigMap")
        #expect(added.object.resourceVersion == created.resourceVersion)

        _ = try await client.patch(Self.configMap, namespace: "demo", name: "a", patch: .merge(["data": ["k": "w"]]))
        let modified = try #require(try await events.next())
        #expect(modified.type == .modified)
        #expect(modified.object.object["data"] == ["k": "w"])

        try await control("bookmark")
        let bookmark = try #require(try await events.next())
        #expect(bookmark.type == .bookmark)
        #expect(bookmark.object.resourceVersion == modified.object.resourceVersion)

        _ = try await client.delete(Self.configMap, namespace: "demo", name: "a")
        let deleted = try #require(try await events.next())
        #expect(deleted.type == .deleted)
        #expect(deleted.object.name == "a")

        // The server ends the stream: the iteration finishes cleanly.
        try await control("drop-watches")
        #expect(try await events.next() == nil)
    }

    @Test func initialEventsWithoutResourceVersionAndSelectors() async throws {
        _ = try await client.create(configMap("x", labels: ["app": "web"]))
        _ = try await client.create(configMap("y", labels: ["app": "db"]))
        let stream = try await client.watch(Self.configMap, namespace: nil, options: WatchOptions(labelSelector: "app=web"))
        var events = stream.makeAsyncIterator()
        let first = try #require(try await events.next())
        #expect(first.type == .added)
        #expect(first.object.name == "x")
        _ = try await client.create(configMap("z", labels: ["app": "web"]))
        #expect(try await events.next()?.object.name == "z")
    }

    @Test func tooOldResourceVersionThrowsExpired() async throws {
        _ = try await client.create(configMap("old"))
        let list = try await client.list(Self.configMap, namespace: "demo")
        try await control("compact")
        let stream = try await client.watch(Self.configMap, namespace: "demo",
                                            options: WatchOptions(resourceVersion: list.resourceVersion))
        let error = await #expect(throws: KubeError.self) {
            for try await _ in stream {}
        }
        #expect(error?.isResourceExpired == true)
        #expect(error?.code == 410)
    }

    @Test func endingTheIterationClosesTheWatch() async throws {
        let stream = try await client.watch(Self.configMap, namespace: "demo", options: WatchOptions(resourceVersion: "1"))
        let consumer = Task {
            for try await _ in stream {}
        }
        consumer.cancel()
        _ = try? await consumer.value
        // The client still works.
        #expect(try await client.create(configMap("after")).name == "after")
    }

    @Test func watchOfAnUnknownKindFails() async throws {
        await #expect(throws: KubeClientError.self) {
            _ = try await client.watch(GroupVersionKind(group: "nope.io", version: "v1", kind: "Nope"), namespace: nil)
        }
    }

    @Test func informerSyncsAndPublishesChanges() async throws {
        _ = try await client.create(configMap("existing"))
        let informer = Informer(client: client, gvk: Self.configMap, namespace: "demo")
        var events = informer.events().makeAsyncIterator()
        let running = Task { await informer.run() }
        defer { running.cancel() }

        #expect(await events.next() == .added(try await client.get(Self.configMap, namespace: "demo", name: "existing")))
        #expect(await events.next() == .synced)
        await informer.waitForSync()
        #expect(informer.hasSynced)
        #expect(informer.list().map(\.name) == ["existing"])

        let created = try await client.create(configMap("new"))
        #expect(await events.next() == .added(created))
        let patched = try await client.patch(Self.configMap, namespace: "demo", name: "new", patch: .merge(["data": ["k": "2"]]))
        #expect(await events.next() == .updated(old: created, new: patched))
        #expect(informer.get(namespace: "demo", name: "new") == patched)
        _ = try await client.delete(Self.configMap, namespace: "demo", name: "existing")
        guard case .deleted(let gone) = await events.next() else {
            Issue.record("expected a deletion")
            return
        }
        #expect(gone.name == "existing")
        #expect(informer.list().map(\.name) == ["new"])
        #expect(informer.resourceVersion == gone.resourceVersion)
    }

    @Test func informerResumesAfterTheStreamEndsAndRelistsOnGone() async throws {
        let informer = Informer(client: client, gvk: Self.configMap, namespace: "demo")
        var events = informer.events().makeAsyncIterator()
        let running = Task { await informer.run() }
        defer { running.cancel() }
        #expect(await events.next() == .synced)

        // The stream ends: the informer watches again from its resourceVersion, without listing.
        try await control("wait-watch")
        try await control("drop-watches")
        let a = try await client.create(configMap("a"))
        #expect(await events.next() == .added(a))
        #expect(informer.listCount == 1)
        #expect(informer.watchCount >= 2)

        // History compacted and stream dropped: resuming fails with 410, so the informer lists again and
        // publishes the difference.
        try await control("wait-watch")
        try await control("compact")
        try await control("drop-watches")
        let b = try await client.create(configMap("b"))
        #expect(await events.next() == .added(b))
        #expect(informer.listCount == 2)
        #expect(informer.list().map(\.name) == ["a", "b"])
    }

    @Test func informerReconnectsWithBackoffAfterFailedWatches() async throws {
        let informer = Informer(client: client, gvk: Self.configMap, namespace: "demo",
                                backoff: RetryPolicy(maxRetries: .max, initialDelay: .milliseconds(10), maxDelay: .milliseconds(50)))
        var events = informer.events().makeAsyncIterator()
        let running = Task { await informer.run() }
        defer { running.cancel() }
        #expect(await events.next() == .synced)
        try await control("wait-watch")
        // The stream ends and the next three watch requests are refused with 503.
        _ = try await client.send(method: "POST", path: "/fake/fail-watches", query: [("count", "3")])
        try await control("drop-watches")
        let created = try await client.create(configMap("after-outage"))
        #expect(await events.next() == .added(created))
        #expect(informer.watchCount == 5)
        #expect(informer.listCount == 1)
    }

    @Test func lateSubscriberGetsTheCacheFirst() async throws {
        _ = try await client.create(configMap("one"))
        let informer = Informer(client: client, gvk: Self.configMap, namespace: "demo")
        let running = Task { await informer.run() }
        defer { running.cancel() }
        await informer.waitForSync()
        var late = informer.events().makeAsyncIterator()
        #expect(await late.next().map { if case .added(let object) = $0 { object.name } else { "" } } == "one")
        #expect(await late.next() == .synced)
    }

    @Test func informerStreamsEndWhenItStops() async throws {
        let informer = Informer(client: client, gvk: Self.configMap, namespace: "demo")
        var events = informer.events().makeAsyncIterator()
        let running = Task { await informer.run() }
        #expect(await events.next() == .synced)
        running.cancel()
        #expect(await events.next() == nil)
        await running.value
        var late = informer.events().makeAsyncIterator()
        #expect(await late.next() == nil)
    }
}
